"""Envelope of several TI channels that beat at one difference frequency (multichannel TI).

The model (docs/ops.md, "Multichannel TI"; the coherent model of TI-Toolbox's
``get_mTI_vectors``, which extends Grossman et al. 2017): channel k drives the
field E_ka at carrier f_k and E_kb at f_k + df. Every channel beats at the same
df and all beats are in phase at t = 0. The channels' carriers are far apart
(|f_A - f_B| much larger than df), so the kHz beats between channels average
out over a few carrier cycles and only the slow beat at df remains.

Along a unit direction n, with a_k = E_ka . n and b_k = E_kb . n, the squared
amplitude at beat phase p is sum_k a_k^2 + b_k^2 + 2 a_k b_k cos(p). It swings
between u^2 = sum_k (a_k + b_k)^2 (p = 0) and v^2 = sum_k (a_k - b_k)^2 (p = pi),
so the modulation depth along n is

    MD(n) = | u - v | = | ||S n|| - ||D n|| |

where the rows of S are E_ka + E_kb and those of D are E_ka - E_kb. With one
channel this is Grossman's | |(E1 + E2) . n| - |(E1 - E2) . n| |. The sign of
each a_k b_k matters: reversing one pair's anode and cathode shifts its
channel's beat by half a period against the other's. The combined envelope is
the largest MD over directions; it is at most the sum of the channels' TI
envelopes and can be smaller than either (channels out of phase cancel).

The maximum is found without a search over the sphere. With x = u^2 and
y = v^2, MD = |sqrt(x) - sqrt(y)| is quasi-convex in (x, y), and the points
(n^T U n, n^T V n) over unit n (U = S^T S, V = D^T D) fill a convex set
(Brickman 1961, two quadratic forms in three dimensions). So the maximum is
at an extreme point of that set: the top eigenvector of cos(phi) U +
sin(phi) V for some angle phi, or a limit of those, which is where u or v
vanishes (added as explicit candidates). That leaves a search over one
angle, done on a grid of ``ANGLES`` and refined by golden-section search,
vectorised over points; each eigenvector is the closed form for symmetric
3 x 3 matrices. Tests compare the result with a time-domain simulation of
the summed carriers and with a dense search over directions.
"""

from __future__ import annotations

import numpy as np

ANGLES = 48                 # first grid over phi in [0, 2 pi)
GOLDEN_STEPS = 28           # shrink the bracket around the best angle by 0.618^28 ~ 1e-6
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Normalised vectors; zero vectors stay zero (they then score 0)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0.0)


def _monomials(n: np.ndarray) -> np.ndarray:
    """(x^2, y^2, z^2, 2xy, 2xz, 2yz): n^T M n is these dotted with M's six entries."""
    x, y, z = n[..., 0], n[..., 1], n[..., 2]
    return np.stack([x * x, y * y, z * z, 2 * x * y, 2 * x * z, 2 * y * z], axis=-1)


def _form(rows: np.ndarray) -> np.ndarray:
    """The six entries of sum_k r_k r_k^T for rows (channels, points, 3) -> (points, 6)."""
    m = np.einsum("kpi,kpj->pij", rows, rows)
    return np.stack([m[:, 0, 0], m[:, 1, 1], m[:, 2, 2], m[:, 0, 1], m[:, 0, 2], m[:, 1, 2]],
                    axis=-1)


def _depth_from_squares(u_sq: np.ndarray, v_sq: np.ndarray) -> np.ndarray:
    return np.abs(np.sqrt(np.maximum(u_sq, 0.0)) - np.sqrt(np.maximum(v_sq, 0.0)))


def _off_axis(vector: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """``vector`` with its component along ``axis`` removed, per point."""
    unit_axis = _unit(axis)
    return vector - np.einsum("pi,pi->p", vector, unit_axis)[:, None] * unit_axis


def _cusp_candidates(sums: np.ndarray, diffs: np.ndarray) -> list[np.ndarray]:
    """Directions where u or v vanishes, where MD has a cone-shaped peak.

    With two channels v = 0 only along the cross product of the rows of D
    (u = 0 likewise). With one channel (or one nearly off) v = 0 on a whole
    plane, and the best direction in it is E_a + E_b projected onto it
    (Grossman's second branch; likewise with the roles of u and v swapped);
    each channel's two such directions are candidates.
    """
    candidates = []
    if len(sums) == 2:
        candidates += [np.cross(sums[0], sums[1]), np.cross(diffs[0], diffs[1])]
    for s, d in zip(sums, diffs, strict=True):
        candidates += [_off_axis(s, d), _off_axis(d, s)]
    return candidates


def channel_rows(channels) -> tuple[np.ndarray, np.ndarray]:
    """(S, D): E_a + E_b and E_a - E_b per channel, each (channels, points, 3)."""
    fields = [(np.asarray(a, dtype=float), np.asarray(b, dtype=float)) for a, b in channels]
    sums = np.stack([a + b for a, b in fields])
    diffs = np.stack([a - b for a, b in fields])
    return sums, diffs


def directional_envelope(channels, directions) -> np.ndarray:
    """MD along a unit direction per point (points, 3), for [(E_a, E_b), ...]."""
    sums, diffs = channel_rows(channels)
    n = _unit(np.broadcast_to(np.asarray(directions, dtype=float), sums.shape[1:]))
    u = np.linalg.norm(np.einsum("kpi,pi->kp", sums, n), axis=0)
    v = np.linalg.norm(np.einsum("kpi,pi->kp", diffs, n), axis=0)
    return np.abs(u - v)


def _depth(u_form: np.ndarray, v_form: np.ndarray, n: np.ndarray) -> np.ndarray:
    """MD along unit directions: forms (..., 6), n (..., 3), broadcast together."""
    m = _monomials(n)
    return _depth_from_squares(np.einsum("...c,...c->...", m, u_form),
                               np.einsum("...c,...c->...", m, v_form))


def _top_eigenvector(m: np.ndarray) -> np.ndarray:
    """Unit eigenvector of the largest eigenvalue of symmetric 3 x 3 matrices.

    ``m`` holds (xx, yy, zz, xy, xz, yz) in its last axis. The eigenvalue is the
    trigonometric closed form; the eigenvector the longest cross product of
    two rows of M - lambda I (a double eigenvalue gives some vector of its
    plane, a limit case the candidates cover).
    """
    xx, yy, zz, xy, xz, yz = np.moveaxis(m, -1, 0)
    mean = (xx + yy + zz) / 3.0
    off = xy * xy + xz * xz + yz * yz
    spread = np.sqrt(((xx - mean) ** 2 + (yy - mean) ** 2 + (zz - mean) ** 2 + 2.0 * off) / 6.0)
    scale = np.where(spread > 0.0, spread, 1.0)
    bxx, byy, bzz = (xx - mean) / scale, (yy - mean) / scale, (zz - mean) / scale
    bxy, bxz, byz = xy / scale, xz / scale, yz / scale
    half_det = 0.5 * (bxx * (byy * bzz - byz * byz) - bxy * (bxy * bzz - byz * bxz)
                      + bxz * (bxy * byz - byy * bxz))
    largest = mean + 2.0 * spread * np.cos(np.arccos(np.clip(half_det, -1.0, 1.0)) / 3.0)
    rows = (np.stack([xx - largest, xy, xz], axis=-1),
            np.stack([xy, yy - largest, yz], axis=-1),
            np.stack([xz, yz, zz - largest], axis=-1))
    crosses = np.stack([np.cross(rows[0], rows[1]), np.cross(rows[0], rows[2]),
                        np.cross(rows[1], rows[2])], axis=-2)
    lengths = np.einsum("...ki,...ki->...k", crosses, crosses)
    pick = np.argmax(lengths, axis=-1)[..., None, None]
    return _unit(np.take_along_axis(crosses, pick, axis=-2)[..., 0, :])


def _extreme_depth(u_form, v_form, phi: np.ndarray) -> np.ndarray:
    """MD at the extreme points of angles phi: (points,) or (points, angles)."""
    if phi.ndim == 2:
        u_form, v_form = u_form[:, None, :], v_form[:, None, :]
    mixed = np.cos(phi)[..., None] * u_form + np.sin(phi)[..., None] * v_form
    return _depth(u_form, v_form, _top_eigenvector(mixed))


def _golden_search(u_form, v_form, low, high, best):
    """Refine the best MD over phi in [low, high] per point."""
    left = high - _GOLDEN * (high - low)
    right = low + _GOLDEN * (high - low)
    at_left = _extreme_depth(u_form, v_form, left)
    at_right = _extreme_depth(u_form, v_form, right)
    for _ in range(GOLDEN_STEPS):
        keep_left = at_left > at_right
        best = np.maximum(best, np.maximum(at_left, at_right))
        low = np.where(keep_left, low, left)
        high = np.where(keep_left, right, high)
        new = np.where(keep_left, high - _GOLDEN * (high - low), low + _GOLDEN * (high - low))
        value = _extreme_depth(u_form, v_form, new)
        left, right = (np.where(keep_left, new, right), np.where(keep_left, left, new))
        at_left, at_right = (np.where(keep_left, value, at_right),
                             np.where(keep_left, at_left, value))
    return np.maximum(best, np.maximum(at_left, at_right))


def combined_envelope(*channels) -> np.ndarray:
    """Largest MD over directions per point; each channel is (E_a, E_b), (points, 3) arrays."""
    sums, diffs = channel_rows(channels)
    u_form, v_form = _form(sums), _form(diffs)
    points = len(u_form)
    angles = np.arange(ANGLES) * (2.0 * np.pi / ANGLES)
    on_grid = _extreme_depth(u_form, v_form, np.broadcast_to(angles, (points, ANGLES)))
    centre = angles[np.argmax(on_grid, axis=-1)]
    spacing = 2.0 * np.pi / ANGLES
    best = _golden_search(u_form, v_form, centre - spacing, centre + spacing,
                          np.max(on_grid, axis=-1))
    for candidate in _cusp_candidates(sums, diffs):
        best = np.maximum(best, _depth(u_form, v_form, _unit(candidate)))
    return best
