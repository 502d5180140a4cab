"""The electric field of electrode pairs on a homogeneous conducting sphere.

This is the exact solution for point electrodes on the surface of a
homogeneous sphere (radius R, conductivity sigma) in insulating air. For a
source of current I at the surface point r0, with d = |r - r0|:

    V(r) = I / (4 pi sigma) * ( 2/d + (1/R) * ln( 2R / (R + d - r . r0/R) ) )

(the Legendre series of the Neumann problem summed in closed form; the
``2/d`` term is the half-space image, the log term bends the current to stay
inside the sphere). A pair adds the source at the anode and the sink at the
cathode, so the constant and the uniform surface term of each single source
cancel and the boundary condition "no current leaves except at the
electrodes" holds exactly. The field is E = -grad V:

    E(r) = I / (4 pi sigma) * ( 2 (r - r0)/d^3 + ((r - r0)/d - r0/R) / (R (R + d - r . r0/R)) )

Positions are in mm, currents in mA; fields come out in V/m.
"""

from __future__ import annotations

import numpy as np


def _norms(vectors: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("...i,...i->...", vectors, vectors))


def scale_v_per_m(current_ma: float, conductivity: float) -> float:
    """I/(4 pi sigma) with I in mA and distances in mm, giving V/m.

    mA -> A is 1e-3 and 1/mm^2 -> 1/m^2 is 1e6, hence the factor 1e3.
    """
    return current_ma * 1e3 / (4.0 * np.pi * conductivity)


def unit_source_field(electrode_mm, points_mm: np.ndarray,
                      radius_mm: float) -> np.ndarray:
    """Geometric part (1/mm^2) of the field of a surface source, per point.

    Multiply the difference of two of these by I/(4 pi sigma) to get the
    field of a pair. Points must be inside the sphere, not at the electrode.
    """
    source = np.asarray(electrode_mm, dtype=float)
    outward = source / radius_mm
    rel = points_mm - source
    distance = _norms(rel)[..., None]
    along = points_mm @ outward
    denominator = (radius_mm + distance[..., 0] - along)[..., None]
    return (2.0 * rel / distance**3
            + (rel / distance - outward) / (radius_mm * denominator))


def unit_source_potential(electrode_mm, points_mm: np.ndarray,
                          radius_mm: float) -> np.ndarray:
    """Geometric part (1/mm) of the potential of a surface source."""
    source = np.asarray(electrode_mm, dtype=float)
    distance = _norms(points_mm - source)
    along = points_mm @ (source / radius_mm)
    log_term = np.log(2.0 * radius_mm / (radius_mm + distance - along))
    return 2.0 / distance + log_term / radius_mm


def pair_field(anode_mm, cathode_mm, current_ma: float, points_mm: np.ndarray,
               radius_mm: float, conductivity: float) -> np.ndarray:
    """Field (V/m) at each point of ``current_ma`` from anode to cathode."""
    scale = scale_v_per_m(current_ma, conductivity)
    return scale * (unit_source_field(anode_mm, points_mm, radius_mm)
                    - unit_source_field(cathode_mm, points_mm, radius_mm))


def pair_potential(anode_mm, cathode_mm, current_ma: float,
                   points_mm: np.ndarray, radius_mm: float,
                   conductivity: float) -> np.ndarray:
    """Potential (V) of the pair, up to a constant; E = -grad of it."""
    # I/(4 pi sigma) * (1/mm): mA -> A (1e-3) and 1/mm -> 1/m (1e3) cancel.
    scale = current_ma / (4.0 * np.pi * conductivity)
    return scale * (unit_source_potential(anode_mm, points_mm, radius_mm)
                    - unit_source_potential(cathode_mm, points_mm, radius_mm))
