"""Envelope of two TI channels whose slow modulations add (multichannel TI).

Along a unit direction n a channel (E1, E2) modulates with depth
| |(E1 + E2) . n| - |(E1 - E2) . n| | = 2 min(|E1 . n|, |E2 . n|). With both
channels beating at the same difference frequency and in phase, the depths
add, and the combined envelope is the maximum over n of

    f(n) = 2 min(|E1 . n|, |E2 . n|) + 2 min(|E3 . n|, |E4 . n|).

Where the choice inside each min and every sign is fixed, f is linear in n
(f = c . n), so on the unit sphere its maximum lies at one of finitely many
candidates, all evaluated here (vectorised, no search):

* inside a piece: n = c/|c| with c = Ei +/- Ej (i in {1, 2}, j in {3, 4});
* on a ridge of one channel, where |E1 . n| = |E2 . n| (the great circles
  normal to E1 +/- E2), or |E3 . n| = |E4 . n|: c projected on that circle;
* where a ridge of each channel cross: n along the cross product of their
  normals.

(The other kinks, where a dot product changes sign, are valleys and never
hold a maximum.) The result lies between max(env_A, env_B) and
env_A + env_B; with one channel off it equals the other's TI envelope.
"""

from __future__ import annotations

import numpy as np


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Normalised vectors; zero vectors stay zero (they then score 0)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors),
                     where=norms > 0.0)


def _on_circle(c: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """c with its component along ``normal`` removed."""
    unit_normal = _unit(normal)
    return c - np.einsum("...i,...i->...", c, unit_normal)[..., None] * unit_normal


def _candidates(e1, e2, e3, e4) -> np.ndarray:
    """Every direction that can hold the maximum: (points, 28, 3)."""
    interior = [ei + sign * ej for ei in (e1, e2) for ej in (e3, e4)
                for sign in (1.0, -1.0)]
    ridges_a = (e1 + e2, e1 - e2)
    ridges_b = (e3 + e4, e3 - e4)
    # On a ridge of channel A its depth is 2|E1 . n|, on one of B 2|E3 . n|.
    along_a = [_on_circle(e1 + sign * ej, ridge) for ridge in ridges_a
               for ej in (e3, e4) for sign in (1.0, -1.0)]
    along_b = [_on_circle(e3 + sign * ei, ridge) for ridge in ridges_b
               for ei in (e1, e2) for sign in (1.0, -1.0)]
    crossings = [np.cross(ra, rb) for ra in ridges_a for rb in ridges_b]
    return _unit(np.stack(interior + along_a + along_b + crossings, axis=-2))


def _depth(e_first, e_second, directions) -> np.ndarray:
    first = np.abs(np.einsum("pi,pki->pk", e_first, directions))
    second = np.abs(np.einsum("pi,pki->pk", e_second, directions))
    return 2.0 * np.minimum(first, second)


def combined_envelope(channel_a, channel_b) -> np.ndarray:
    """Combined envelope of channels (E1, E2) and (E3, E4), (P, 3) arrays."""
    e1, e2 = (np.asarray(e, dtype=float) for e in channel_a)
    e3, e4 = (np.asarray(e, dtype=float) for e in channel_b)
    directions = _candidates(e1, e2, e3, e4)
    total = _depth(e1, e2, directions) + _depth(e3, e4, directions)
    return np.max(total, axis=-1)
