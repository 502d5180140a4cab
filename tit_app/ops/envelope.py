"""Temporal-interference envelope formulas (Grossman et al., Cell 2017).

Two fields E1 (carrier f) and E2 (carrier f + df) superpose to a field whose
amplitude is modulated at df. Along a unit direction n the modulation depth
is | |(E1 + E2) . n| - |(E1 - E2) . n| |. Its maximum over all directions is

    2 |E2|                              if |E2| <= |E1| cos(alpha)
    2 |E2 x (E1 - E2)| / |E1 - E2|      otherwise

with |E1| >= |E2| (swapped per point if needed) and alpha the angle between
them, after flipping E2 -> -E2 wherever alpha > 90 degrees (the sign of a
carrier is only a phase, so the paper takes alpha <= 90 degrees).

Arrays have the vector components in the last axis; everything is vectorised
over the leading axes.
"""

from __future__ import annotations

import numpy as np

# Relative slack of the branch test; moves the result by at most ~1e-8.
BRANCH_TOLERANCE = 1e-7


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


def envelope_from_products(sq1, sq2, dot) -> np.ndarray:
    """The maximal envelope from |E1|^2, |E2|^2 and E1 . E2 alone.

    Flipping E2 makes the dot product |E1 . E2| = p. With m = min(|E1|^2,
    |E2|^2) the branch test |E2| <= |E1| cos(alpha) (after the swap) reads
    p >= m, and |E2 x (E1 - E2)| = |E1 x E2| gives the other branch as
    2 sqrt((|E1|^2 |E2|^2 - p^2) / (|E1|^2 + |E2|^2 - 2p)). Working on
    these scalars lets searches combine precomputed dot products instead of
    vectors.
    """
    sq1 = np.asarray(sq1, dtype=float)
    sq2 = np.asarray(sq2, dtype=float)
    p = np.abs(np.asarray(dot, dtype=float))
    smaller = np.minimum(sq1, sq2)
    # Where E1 and E2 are (nearly) equal, rounding can put p a hair below m
    # and the second formula becomes 0/0-like. Both branches agree at the
    # boundary, so a small relative tolerance picks the well-conditioned one.
    projected = p >= smaller * (1.0 - BRANCH_TOLERANCE)
    # |E1 - E2|^2 after the flip; positive whenever p < smaller.
    gap = sq1 + sq2 - 2.0 * p
    cross_sq = np.maximum(sq1 * sq2 - p * p, 0.0)
    oblique = np.divide(cross_sq, gap, out=np.zeros_like(gap),
                        where=~projected & (gap > 0.0))
    # No direction can do better than 2 min(|E1|, |E2|); guard rounding.
    oblique = np.minimum(oblique, smaller)
    result = 2.0 * np.sqrt(np.where(projected, smaller, oblique))
    return np.where(np.isnan(sq1 + sq2 + p), np.nan, result)


def max_envelope(e1, e2) -> np.ndarray:
    """Maximal modulation amplitude over all directions, per point."""
    e1 = np.asarray(e1, dtype=float)
    e2 = np.asarray(e2, dtype=float)
    return envelope_from_products(_dot(e1, e1), _dot(e2, e2), _dot(e1, e2))


def directional_envelope(e1, e2, direction) -> np.ndarray:
    """Modulation amplitude along one direction (normalised here)."""
    n = np.asarray(direction, dtype=float)
    n = n / np.linalg.norm(n)
    e1 = np.asarray(e1, dtype=float)
    e2 = np.asarray(e2, dtype=float)
    return np.abs(np.abs((e1 + e2) @ n) - np.abs((e1 - e2) @ n))
