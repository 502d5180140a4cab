"""How a slice is drawn, shared by the saved figure and the window's map.

* Colours: matplotlib's viridis (perceptually uniform, readable in greyscale and
  for common colour blindness) over [0, the 99th percentile of the head's
  values]: the field is singular right under point electrodes, and a plain
  maximum would leave the rest of the head dark. Values above are drawn in the
  top colour and the colour bar says so.
* Electrodes: one colour per pair; the anode a filled disc, the cathode a ring.
  An electrode farther than :data:`NEAR_SLICE_FRACTION` of the head radius from
  the slice is only projected onto it, so it is drawn faded.
* Orientation letters at the picture's edges, after ops/grid.py's convention.

matplotlib is imported on first use only: the window and the CLI start without it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

CLIP_PERCENTILE = 99.0
COLOUR_MAP = "viridis"
# Okabe-Ito vermillion, sky blue, yellow and bluish green: told apart with red-green colour
# blindness too (tests/ops/test_pair_colours.py simulates it; docs/gui.md).
PAIR_COLOURS = ((213, 94, 0), (86, 180, 233), (240, 228, 66), (0, 158, 115))
MISSING = (24, 24, 24)
NEAR_SLICE_FRACTION = 0.25
# (top, bottom, left, right) of the picture for each plane.
ORIENTATION = {"axial": "APLR", "coronal": "SILR", "sagittal": "SIPA"}
AXIS_OF_PLANE = {"axial": "z", "coronal": "y", "sagittal": "x"}


def colour_limit(values: np.ndarray) -> float:
    """Top of the colour scale: the 99th percentile, or 1 if nothing to show."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 1.0
    top = float(np.percentile(finite, CLIP_PERCENTILE))
    return top if top > 0.0 else 1.0


def pair_colour(pair: int) -> tuple[int, int, int]:
    """The RGB colour of 1-based pair ``pair``."""
    return PAIR_COLOURS[(pair - 1) % len(PAIR_COLOURS)]


def near_slice(grid, position_mm) -> bool:
    """True when an electrode lies close enough to the slice to be drawn in full."""
    return grid.distance_to_plane(position_mm) < NEAR_SLICE_FRACTION * grid.half_width_mm


def slice_title(grid) -> str:
    """"Axial slice, z = 0 mm"."""
    return f"{grid.plane.capitalize()} slice, {AXIS_OF_PLANE[grid.plane]} = {grid.offset_mm:g} mm"


@lru_cache(maxsize=1)
def colour_table() -> np.ndarray:
    """(256, 3) uint8 viridis, from low to high."""
    from matplotlib import colormaps  # lazy: about 0.1 s, paid by the first map only

    rgba = colormaps[COLOUR_MAP](np.linspace(0.0, 1.0, 256))
    return np.round(rgba[:, :3] * 255.0).astype(np.uint8)


def colour_values(values: np.ndarray, vmax: float) -> np.ndarray:
    """RGB image of values scaled over [0, vmax]; NaN pixels get :data:`MISSING`."""
    table = colour_table()
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    scaled = np.zeros(values.shape)
    if vmax > 0.0:
        scaled[finite] = np.clip(values[finite] / vmax, 0.0, 1.0)
    image = table[np.round(scaled * (len(table) - 1)).astype(int)]
    image[~finite] = MISSING
    return image
