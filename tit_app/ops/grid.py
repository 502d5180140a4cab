"""Square sampling grids on a slice through the spherical head.

Image convention (used by the maps, the PNG and the NPZ): row 0 is the top
of the picture and column 0 its left.

* axial    (z = offset): columns run along +x (right), rows down along -y
  (anterior at the top), so the subject's right is on the picture's right.
* coronal  (y = offset): columns along +x, rows down along -z (top = vertex).
* sagittal (x = offset): columns along +y (nose on the right), rows along -z.

Samples sit at pixel centres of a square of side 2R centred on the head.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# plane -> (axis normal to the slice, horizontal axis, vertical axis)
PLANE_AXES = {"axial": (2, 0, 1), "coronal": (1, 0, 2), "sagittal": (0, 1, 2)}
PLANES = tuple(PLANE_AXES)


@dataclass(frozen=True)
class SliceGrid:
    plane: str
    offset_mm: float
    size: int
    half_width_mm: float
    points_mm: np.ndarray  # (size, size, 3)
    inside: np.ndarray     # (size, size) bool, strictly inside the head

    def to_pixel(self, point_mm) -> tuple[float, float]:
        """(column, row) in grid pixels of a point projected on the slice."""
        _, horizontal, vertical = PLANE_AXES[self.plane]
        point = np.asarray(point_mm, dtype=float)
        scale = self.size / (2.0 * self.half_width_mm)
        column = (point[horizontal] + self.half_width_mm) * scale - 0.5
        row = (self.half_width_mm - point[vertical]) * scale - 0.5
        return float(column), float(row)

    def distance_to_plane(self, point_mm) -> float:
        normal, _, _ = PLANE_AXES[self.plane]
        return abs(float(np.asarray(point_mm)[normal]) - self.offset_mm)


def slice_grid(plane: str, offset_mm: float, size: int,
               radius_mm: float) -> SliceGrid:
    """Pixel-centre sample points of a slice and the mask of the head."""
    normal, horizontal, vertical = PLANE_AXES[plane]
    centres = (np.arange(size) + 0.5) / size * 2.0 * radius_mm - radius_mm
    across, down = np.meshgrid(centres, centres[::-1])
    points = np.empty((size, size, 3))
    points[..., normal] = offset_mm
    points[..., horizontal] = across
    points[..., vertical] = down
    inside = np.einsum("...i,...i->...", points, points) < radius_mm**2
    return SliceGrid(plane, float(offset_mm), int(size), float(radius_mm),
                     points, inside)


def values_on_grid(grid: SliceGrid, compute, progress,
                   chunk_points: int) -> np.ndarray:
    """Evaluate ``compute(points (m, 3)) -> (m,)`` or ``(m, k)`` on the head's pixels.

    Works in chunks so ``progress`` (a Span or Reporter) can check for a
    cancel between them; pixels outside the head are NaN. The image is
    (size, size), or (size, size, k) for k values per point.
    """
    flat_points = grid.points_mm[grid.inside]
    values = None
    for start in range(0, len(flat_points), chunk_points):
        progress.check()
        stop = min(start + chunk_points, len(flat_points))
        chunk = np.asarray(compute(flat_points[start:stop]))
        if values is None:
            values = np.empty((len(flat_points),) + chunk.shape[1:])
        values[start:stop] = chunk
        progress.fraction(stop / len(flat_points))
    image = np.full(grid.inside.shape + values.shape[1:], np.nan)
    image[grid.inside] = values
    return image
