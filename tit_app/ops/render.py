"""Drawing a result as an RGB image: the map, head outline, electrodes, target.

Pure numpy (no Qt, no matplotlib), so the CLI and tests can render too.
The map is coloured over [0, the 99th percentile of the head's values]:
the field is singular right under the electrodes, and a plain maximum would
leave the rest of the head dark. It is enlarged to about 512 pixels by
repeating pixels. On top: the head's cross-section as a white circle, each
electrode projected on the slice (anode a filled disc, cathode a ring, one
colour per pair), and the target as a white ring with a centre dot.
"""

from __future__ import annotations

import numpy as np

from tit_app.ops.colormap import colour_values
from tit_app.ops.grid import PLANE_AXES, SliceGrid

OUTPUT_PIXELS = 512
WHITE = (255, 255, 255)
# Okabe-Ito vermillion, sky blue, yellow and bluish green: told apart with red-green colour
# blindness too (tests/ops/test_pair_colours.py simulates it; docs/gui.md).
PAIR_COLOURS = ((213, 94, 0), (86, 180, 233), (240, 228, 66), (0, 158, 115))
MARKER_RADIUS_PX = 6.0
LINE_WIDTH_PX = 2.0


def colour_limit(values: np.ndarray) -> float:
    """Top of the colour scale: the 99th percentile, or 1 if nothing to show."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 1.0
    top = float(np.percentile(finite, 99.0))
    return top if top > 0.0 else 1.0


class Canvas:
    """An enlarged map that shapes can be drawn on in millimetres."""

    def __init__(self, image: np.ndarray, grid: SliceGrid, scale: int) -> None:
        self.image = image
        self.grid = grid
        self.scale = scale
        self.px_per_mm = grid.size * scale / (2.0 * grid.half_width_mm)
        height, width, _ = image.shape
        self._rows, self._columns = np.mgrid[0:height, 0:width]

    def pixel(self, point_mm) -> tuple[float, float]:
        column, row = self.grid.to_pixel(point_mm)
        return ((column + 0.5) * self.scale - 0.5,
                (row + 0.5) * self.scale - 0.5)

    def _distance(self, centre_px) -> np.ndarray:
        column, row = centre_px
        return np.hypot(self._columns - column, self._rows - row)

    def disc(self, centre_px, radius_px: float, colour) -> None:
        self.image[self._distance(centre_px) <= radius_px] = colour

    def ring(self, centre_px, radius_px: float, colour,
             width_px: float = LINE_WIDTH_PX) -> None:
        near = np.abs(self._distance(centre_px) - radius_px) <= width_px / 2.0
        self.image[near] = colour


def _draw_outline(canvas: Canvas) -> None:
    grid = canvas.grid
    radius_mm = np.sqrt(max(grid.half_width_mm**2 - grid.offset_mm**2, 0.0))
    centre = np.zeros(3)
    centre[PLANE_AXES[grid.plane][0]] = grid.offset_mm
    canvas.ring(canvas.pixel(centre), radius_mm * canvas.px_per_mm, WHITE)


def _draw_electrodes(canvas: Canvas, placed) -> None:
    for electrode in placed:
        colour = PAIR_COLOURS[(electrode.pair - 1) % len(PAIR_COLOURS)]
        centre = canvas.pixel(electrode.position_mm)
        if electrode.role == "anode":
            canvas.disc(centre, MARKER_RADIUS_PX, colour)
        else:
            canvas.ring(centre, MARKER_RADIUS_PX - 1.0, colour, 3.0)


def _draw_target(canvas: Canvas, target_mm, radius_mm: float) -> None:
    centre = canvas.pixel(target_mm)
    canvas.ring(centre, max(radius_mm * canvas.px_per_mm, 4.0), WHITE)
    canvas.disc(centre, 1.5, WHITE)


def render_result(sim) -> np.ndarray:
    """(height, width, 3) uint8 picture of a :class:`SimResult`."""
    grid = sim.grid
    scale = max(1, OUTPUT_PIXELS // grid.size)
    small = colour_values(sim.envelope, colour_limit(sim.envelope))
    image = np.repeat(np.repeat(small, scale, axis=0), scale, axis=1)
    canvas = Canvas(image, grid, scale)
    _draw_outline(canvas)
    _draw_electrodes(canvas, sim.electrodes)
    _draw_target(canvas, sim.target_mm, sim.target_radius_mm)
    return canvas.image
