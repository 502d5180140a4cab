"""The 10-10 EEG positions on an idealised spherical head.

Frame: x points to the right ear (RPA), y to the nose (Nz), z to the vertex
(Cz); the origin is the centre of the sphere (an RAS frame, as in MNI space).

Angles are standard spherical coordinates in degrees: ``theta`` is the polar
angle from +z (Cz has theta = 0) and ``phi`` the azimuth from +x towards +y
(T8 has phi = 0, Fpz 90, T7 180, Oz -90). Phi is kept in (-180, 180].

Placement follows the usual idealisation of the 10-20 rules on a sphere: the
ring Fpz-T7-Oz-T8 is the equator (theta = 90) with neighbours 18 degrees
(5 % of the circumference) apart, the midline and the T7-Cz-T8 arc are
divided in 22.5-degree steps (10 % of nasion-inion), and every row (AF, F,
FC, C, CP, P, PO) runs along the circle through its left ring point, its
midline point and its right ring point, in four equal steps from the midline
to the ring. The 9/10 positions are on the lower circumference, the circle
22.5 degrees below the equator through Nz, T9 and Iz, which the 10-10 system
divides like the equator (Oostenveld & Praamstra 2001): each sits below its
7/8 neighbour (AF9 below AF7, F9 below F7, ...). Nz, Iz and the fiducials
LPA/RPA are on that circle too. Odd numbers are on the left (x < 0), even
numbers on the right.
"""

from __future__ import annotations

import numpy as np

RING_STEP_DEG = 18.0
ARC_STEP_DEG = 22.5
BELOW_EQUATOR_DEG = 90.0 + ARC_STEP_DEG

# Left half of the equator ring, from the front (Fpz) to the back (Oz).
_LEFT_RING = ("Fpz", "Fp1", "AF7", "F7", "FT7", "T7", "TP7", "P7", "PO7",
              "O1", "Oz")
_RIGHT_OF = {"Fp1": "Fp2", "AF7": "AF8", "F7": "F8", "FT7": "FT8", "T7": "T8",
             "TP7": "TP8", "P7": "P8", "PO7": "PO8", "O1": "O2"}

# Each row: name prefix, prefix of its 7/9 positions, ring point, polar angle
# of its midline point and whether that point is in front (+y) or behind.
_ROWS = (
    ("AF", "AF", "AF7", 90.0 - ARC_STEP_DEG, +1),
    ("F", "F", "F7", 90.0 - 2 * ARC_STEP_DEG, +1),
    ("FC", "FT", "FT7", 90.0 - 3 * ARC_STEP_DEG, +1),
    ("C", "T", "T7", 0.0, +1),
    ("CP", "TP", "TP7", 90.0 - 3 * ARC_STEP_DEG, -1),
    ("P", "P", "P7", 90.0 - 2 * ARC_STEP_DEG, -1),
    ("PO", "PO", "PO7", 90.0 - ARC_STEP_DEG, -1),
)

# Old 10-20 names still in common use.
ALIASES = {"T3": "T7", "T4": "T8", "T5": "P7", "T6": "P8"}


def unit_vector(theta_deg, phi_deg) -> np.ndarray:
    """Cartesian unit vector(s) for polar angle theta and azimuth phi."""
    theta = np.radians(np.asarray(theta_deg, dtype=float))
    phi = np.radians(np.asarray(phi_deg, dtype=float))
    return np.stack([np.sin(theta) * np.cos(phi),
                     np.sin(theta) * np.sin(phi),
                     np.cos(theta)], axis=-1)


def angles_of(vector) -> tuple[float, float]:
    """(theta, phi) in degrees of a non-zero vector."""
    x, y, z = (float(c) for c in vector)
    theta = np.degrees(np.arctan2(np.hypot(x, y), z))
    phi = float(np.degrees(np.arctan2(y, x)))
    # arctan2 can return -180 exactly; the convention keeps phi in (-180, 180].
    return float(theta), (180.0 if phi <= -180.0 else phi)


def _ring_point(name_index: int, left: bool) -> np.ndarray:
    azimuth = 90.0 + (1 if left else -1) * RING_STEP_DEG * name_index
    return unit_vector(90.0, azimuth)


def _row_points(ring: np.ndarray, midline: np.ndarray) -> list[np.ndarray]:
    """Points 1..4 steps from the midline along the circle through the row.

    The circle is the sphere cut by the plane through the left ring point,
    the midline point and the mirrored right ring point.
    """
    mirror = ring * np.array([-1.0, 1.0, 1.0])
    normal = np.cross(midline - ring, mirror - ring)
    normal /= np.linalg.norm(normal)
    centre = np.dot(ring, normal) * normal
    to_mid = midline - centre
    radius = np.linalg.norm(to_mid)
    u_axis = to_mid / radius
    v_axis = np.cross(normal, u_axis)
    to_ring = ring - centre
    end_angle = np.arctan2(np.dot(to_ring, v_axis), np.dot(to_ring, u_axis))
    return [centre + radius * (np.cos(end_angle * k / 4) * u_axis
                               + np.sin(end_angle * k / 4) * v_axis)
            for k in range(1, 5)]


def _build_positions() -> dict[str, np.ndarray]:
    positions: dict[str, np.ndarray] = {}
    for index, name in enumerate(_LEFT_RING):
        positions[name] = _ring_point(index, left=True)
        if name in _RIGHT_OF:
            positions[_RIGHT_OF[name]] = _ring_point(index, left=False)
    for prefix, lateral, ring_name, mid_theta, front in _ROWS:
        midline = unit_vector(mid_theta, 90.0 * front)
        positions[prefix + "z"] = midline
        steps = _row_points(positions[ring_name], midline)
        for step, left in enumerate(steps, start=1):
            odd = 2 * step - 1
            label = (lateral if odd >= 7 else prefix)
            positions[f"{label}{odd}"] = left
            positions[f"{label}{odd + 1}"] = left * np.array([-1.0, 1.0, 1.0])
        # Below the 7 position, on the lower circumference.
        _, ring_phi = angles_of(positions[ring_name])
        positions[f"{lateral}9"] = unit_vector(BELOW_EQUATOR_DEG, ring_phi)
        positions[f"{lateral}10"] = unit_vector(BELOW_EQUATOR_DEG, 180.0 - ring_phi)
    positions["Nz"] = unit_vector(BELOW_EQUATOR_DEG, 90.0)
    positions["Iz"] = unit_vector(BELOW_EQUATOR_DEG, -90.0)
    return positions


_UNIT_POSITIONS = _build_positions()
FIDUCIALS = {"LPA": unit_vector(BELOW_EQUATOR_DEG, 180.0),
             "RPA": unit_vector(BELOW_EQUATOR_DEG, 0.0),
             "Nz": _UNIT_POSITIONS["Nz"]}
NAMES: tuple[str, ...] = tuple(_UNIT_POSITIONS)
_BY_LOWER = {name.lower(): name for name in NAMES}
_BY_LOWER.update({alias.lower(): name for alias, name in ALIASES.items()})
_UNIT_TABLE = np.array([_UNIT_POSITIONS[name] for name in NAMES])


def canonical_name(name: str) -> str | None:
    """The standard spelling of an electrode name, or None if unknown."""
    if not isinstance(name, str):
        return None
    return _BY_LOWER.get(name.strip().lower())


def angles(name: str) -> tuple[float, float]:
    """(theta, phi) in degrees of a 10-10 electrode."""
    return angles_of(_UNIT_POSITIONS[canonical_name(name) or name])


def position_mm(name: str, radius_mm: float) -> np.ndarray:
    """Cartesian position on the scalp of a sphere of the given radius."""
    return radius_mm * _UNIT_POSITIONS[canonical_name(name) or name]


def nearest_name(point) -> tuple[str, float]:
    """The 10-10 electrode closest in angle to a point, and that angle (deg)."""
    direction = np.asarray(point, dtype=float)
    direction = direction / np.linalg.norm(direction)
    cosines = np.clip(_UNIT_TABLE @ direction, -1.0, 1.0)
    best = int(np.argmax(cosines))
    return NAMES[best], float(np.degrees(np.arccos(cosines[best])))
