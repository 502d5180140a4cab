"""A perceptually ordered colour map close to matplotlib's viridis.

The table is interpolated (linearly in RGB) between nine anchor colours
spaced evenly along viridis: dark purple through blue and teal to yellow.
Lightness rises monotonically, so brighter always means a larger value,
and the map stays readable in greyscale and for common colour blindness.
"""

from __future__ import annotations

import numpy as np

_ANCHORS = np.array([
    (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
    (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
], dtype=float)


def viridis_like(entries: int = 256) -> np.ndarray:
    """(entries, 3) uint8 colour table from low to high."""
    anchor_at = np.linspace(0.0, 1.0, len(_ANCHORS))
    at = np.linspace(0.0, 1.0, entries)
    channels = [np.interp(at, anchor_at, _ANCHORS[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


TABLE = viridis_like()


def colour_values(values: np.ndarray, vmax: float,
                  missing=(24, 24, 24)) -> np.ndarray:
    """RGB image of values scaled over [0, vmax]; NaN pixels get ``missing``."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    scaled = np.zeros(values.shape)
    if vmax > 0.0:
        scaled[finite] = np.clip(values[finite] / vmax, 0.0, 1.0)
    image = TABLE[np.round(scaled * (len(TABLE) - 1)).astype(int)]
    image[~finite] = missing
    return image
