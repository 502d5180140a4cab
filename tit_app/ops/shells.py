"""The field of a point electrode on concentric conducting shells (Legendre series).

Layers 1..L (brain, CSF, skull, scalp by default) have outer radii
r_1 < ... < r_L = R and conductivities sigma_1..sigma_L; outside is insulating
air. A current I enters at the surface point R s (s a unit vector). With
rho = r/R and x = cos(angle between r and s), the potential in layer j is

    V = I / (4 pi R) * sum_{n >= 1} [ a_jn (rho/rho_j)^n + b_jn (rho_{j-1}/rho)^(n+1) ] P_n(x)

(b_1n = 0: no singularity at the centre). Each coefficient is referred to its
own layer's boundaries, so no power exceeds 1 and the 2L - 1 linear
conditions per degree n stay well scaled: V and sigma dV/dr continuous at
every interface, and sigma_L dV/dr = I/(4 pi R^2) sum (2n + 1) P_n at the
scalp (the injected current, the Legendre series of a point on the sphere).
The n = 0 term is a constant and cancels between an electrode pair.

Convergence: in layer j the terms fall like (r/R)^n, and near an electrode
(r -> R) not at all. So in the outermost layer the series of the homogeneous
sphere with the scalp's conductivity, which has the closed form of
:mod:`tit_app.ops.field`, is subtracted and added back in closed form; what
remains falls like (r_{L-1}^2 / (r R))^n. Every point sums the degrees its
own rate q needs for the geometric bound q^n / (1 - q) on what is left to fall
below ``TAIL_BOUND`` (relative to the leading term); the tests check the sums
against sums to a bound of 1e-14 and against the homogeneous closed form. Points are
sorted by the degrees they need, so each degree updates a leading slice.

E = -grad V = -(I / (4 pi R^2)) * (S_r r_hat + S_x (s - x r_hat)), with S_r
the rho-derivative sum and S_x the x-derivative sum over rho; the Legendre
polynomials and their derivatives come from the usual recurrences.
Searches, which need the sums at the same points for many electrodes,
interpolate them from a table (:mod:`tit_app.ops.field_table`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tit_app.ops.field import unit_source_field

TAIL_BOUND = 1e-8
MAX_DEGREE = 4000
# Points with rho below this count as the centre (their q floor).
_SMALLEST_RATE = 1e-3


@dataclass(frozen=True)
class ShellCoefficients:
    """a_jn and b_jn for n = 1..degrees (in units of 1/sigma), the homogeneous
    scalp sphere's part already removed from the outermost layer's a."""

    rho: np.ndarray               # (L,) outer radii / R
    conductivities: np.ndarray    # (L,)
    a: np.ndarray                 # (degrees, L): row n - 1 holds degree n
    b: np.ndarray                 # (degrees, L)


def _interface_rows(n, rho, sigma, j, size):
    """Continuity of V and of the normal current at the outer boundary of layer j."""
    inner = rho[j - 1] if j > 0 else 0.0
    below = (inner / rho[j]) ** (n + 1) if j > 0 else np.zeros_like(n)
    above = (rho[j] / rho[j + 1]) ** n
    rows = np.zeros((2, len(n), size))
    a_j, b_j, a_next, b_next = (2 * j - 1 if j else 0), 2 * j, 2 * j + 1, 2 * j + 2
    rows[0, :, a_j] = 1.0
    rows[0, :, a_next] = -above
    rows[0, :, b_next] = -1.0
    rows[1, :, a_j] = sigma[j] * n
    rows[1, :, a_next] = -sigma[j + 1] * n * above
    rows[1, :, b_next] = sigma[j + 1] * (n + 1)
    if j > 0:
        rows[0, :, b_j] = below
        rows[1, :, b_j] = -sigma[j] * (n + 1) * below
    return rows


@lru_cache(maxsize=8)
def shell_coefficients(rho: tuple[float, ...], conductivities: tuple[float, ...],
                       degrees: int = MAX_DEGREE) -> ShellCoefficients:
    """Solve the 2L - 1 conditions for every degree n = 1..degrees at once.

    Unknowns, per degree: a of the innermost layer, then a and b of each
    further layer j (0-based) at columns 2j - 1 and 2j.
    """
    rho_a, sigma = np.asarray(rho, dtype=float), np.asarray(conductivities, dtype=float)
    layers, size = len(rho_a), 2 * len(rho_a) - 1
    n = np.arange(1, degrees + 1, dtype=float)
    matrix = np.zeros((degrees, size, size))
    for j in range(layers - 1):
        matrix[:, 2 * j:2 * j + 2, :] = np.moveaxis(_interface_rows(n, rho_a, sigma, j, size), 0, 1)
    last = layers - 1
    outer_a = 2 * last - 1 if last else 0
    matrix[:, -1, outer_a] = sigma[last] * n
    if last:
        matrix[:, -1, 2 * last] = -sigma[last] * (n + 1) * rho_a[last - 1] ** (n + 1)
    rhs = np.zeros((degrees, size, 1))
    rhs[:, -1, 0] = 2 * n + 1
    solution = np.linalg.solve(matrix, rhs)[..., 0]
    a = np.stack([solution[:, 2 * j - 1 if j else 0] for j in range(layers)], axis=1)
    b = np.stack([solution[:, 2 * j] if j else np.zeros(degrees) for j in range(layers)], axis=1)
    # The homogeneous sphere of the scalp's conductivity: (2n + 1) / (n sigma_L).
    a[:, last] -= (2 * n + 1) / (n * sigma[last])
    return ShellCoefficients(rho_a, sigma, a, b)


def layer_of(rho: np.ndarray, shells: ShellCoefficients) -> np.ndarray:
    """The layer (0 = innermost) of each radius / R."""
    return np.minimum(np.searchsorted(shells.rho, rho, side="right"), len(shells.rho) - 1)


def _rates(rho, layer, shells: ShellCoefficients) -> np.ndarray:
    """How fast the terms fall at each point (see the module docstring)."""
    outermost = len(shells.rho) - 1
    if outermost == 0:
        return np.zeros_like(rho)       # one layer: nothing is left after the closed form
    scalp = shells.rho[outermost - 1] ** 2 / np.maximum(rho, _SMALLEST_RATE)
    return np.where(layer == outermost, scalp, rho)


def degrees_needed(rho, layer, shells: ShellCoefficients) -> np.ndarray:
    """Degrees each point sums: q^n / (1 - q) < TAIL_BOUND."""
    q = np.clip(_rates(rho, layer, shells), _SMALLEST_RATE, 1.0 - 1e-9)
    n = np.ceil(np.log(TAIL_BOUND * (1.0 - q)) / np.log(q))
    return np.clip(n, 1, len(shells.a)).astype(int)


def _series(shells, rho, layer, x, degrees):
    """(S_r, S_x) per (point, column of x); points sorted by ``degrees``, most first."""
    rho_outer = shells.rho[layer]
    rho_inner = np.where(layer > 0, shells.rho[np.maximum(layer - 1, 0)], 0.0)
    safe_rho = np.where(rho > 0.0, rho, 1.0)
    # rho^(n-1) / rho_j^n and rho_{j-1}^(n+1) / rho^(n+2), for n = 1, then by ratio.
    grow, grow_ratio = 1.0 / rho_outer, rho / rho_outer
    decay = np.where(layer > 0, rho_inner ** 2 / safe_rho ** 3, 0.0)
    decay_ratio = np.where(layer > 0, rho_inner / safe_rho, 0.0)
    shape = x.shape
    p_prev, p_now = np.ones(shape), x.copy()
    dp_prev, dp_now = np.zeros(shape), np.ones(shape)
    s_r, s_x = np.zeros(shape), np.zeros(shape)
    scratch = np.empty(shape)
    active = np.searchsorted(-degrees, -np.arange(1, degrees[0] + 1), side="right")
    for n in range(1, degrees[0] + 1):
        k = active[n - 1]
        growing = shells.a[n - 1].take(layer[:k]) * grow[:k]
        decaying = shells.b[n - 1].take(layer[:k]) * decay[:k]
        radial = n * growing - (n + 1) * decaying
        tangential = growing + decaying
        work = scratch[:k]
        np.multiply(p_now[:k], radial[:, None], out=work)
        s_r[:k] += work
        np.multiply(dp_now[:k], tangential[:, None], out=work)
        s_x[:k] += work
        grow[:k] *= grow_ratio[:k]
        decay[:k] *= decay_ratio[:k]
        # P'_{n+1} = P'_{n-1} + (2n + 1) P_n, written over P'_{n-1}.
        np.multiply(p_now[:k], 2 * n + 1, out=work)
        dp_prev[:k] += work
        dp_prev, dp_now = dp_now, dp_prev
        # (n + 1) P_{n+1} = (2n + 1) x P_n - n P_{n-1}, written over P_{n-1}.
        np.multiply(x[:k], p_now[:k], out=work)
        work *= (2 * n + 1) / (n + 1)
        p_prev[:k] *= -n / (n + 1)
        p_prev[:k] += work
        p_prev, p_now = p_now, p_prev
    return s_r, s_x


def shell_sums(shells: ShellCoefficients, rho: np.ndarray,
               x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S_r, S_x), each (points, k), at radii ``rho`` (points,) and the
    cosines ``x`` (points, k) of the angles to the electrodes, without the
    closed-form part of the outermost layer."""
    layer = layer_of(rho, shells)
    degrees = degrees_needed(rho, layer, shells)
    order = np.argsort(-degrees, kind="stable")
    sorted_sums = _series(shells, rho[order], layer[order], np.clip(x[order], -1.0, 1.0),
                          degrees[order])
    s_r, s_x = np.empty_like(sorted_sums[0]), np.empty_like(sorted_sums[1])
    s_r[order], s_x[order] = sorted_sums
    return s_r, s_x


def field_from_sums(s_r, s_x, r_hat, x, sources, radius_mm: float) -> np.ndarray:
    """E (V/m per mA, (points, k, 3)) from the sums: -(I / (4 pi R^2)) *
    (S_r r_hat + S_x (s - x r_hat)), x = r_hat . s per (point, source)."""
    geometric = -((s_r - x * s_x)[..., None] * r_hat[:, None, :]
                  + s_x[..., None] * sources[None, :, :])
    # I/(4 pi R^2) with I = 1 mA and R in mm gives V/m: 1e-3 A / 1e-6 m^2 = 1e3.
    return geometric * (1e3 / (4.0 * np.pi * radius_mm ** 2))


def unit_directions(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(|p|, p / |p|), the direction 0 at the centre."""
    r = np.linalg.norm(points, axis=-1)
    r_hat = np.divide(points, r[:, None], out=np.zeros_like(points), where=r[:, None] > 0.0)
    return r, r_hat


def shell_source_fields(shells: ShellCoefficients, radius_mm: float, sources,
                        points_mm: np.ndarray) -> np.ndarray:
    """Field (V/m) of 1 mA entering at each source: (points, sources, 3).

    ``sources`` are unit vectors (k, 3); points must be inside the head and
    not at an electrode.
    """
    sources = np.atleast_2d(np.asarray(sources, dtype=float))
    points = np.asarray(points_mm, dtype=float).reshape(-1, 3)
    r, r_hat = unit_directions(points)
    rho = r / radius_mm
    x = r_hat @ sources.T
    s_r, s_x = shell_sums(shells, rho, x)
    fields = field_from_sums(s_r, s_x, r_hat, x, sources, radius_mm)
    outermost = len(shells.rho) - 1
    in_scalp = layer_of(rho, shells) == outermost
    scalp_scale = 1e3 / (4.0 * np.pi * shells.conductivities[outermost])
    for k, source in enumerate(sources):
        fields[in_scalp, k] += scalp_scale * unit_source_field(
            source * radius_mm, points[in_scalp], radius_mm)
    return fields
