"""A result's map as a ready-to-draw image, prepared in the operation's worker thread.

Colouring a large slice (a million pixels at 1024²) and finding its colour limit takes
tens of milliseconds; done on the GUI thread when a run finishes, that is a visible
stall. QImage (unlike QPixmap) may be built on any thread, so the worker does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from PyQt5.QtCore import Qt
from PyQt5.QtGui import QImage

from tit_app.ops.map_style import colour_limit, colour_values
from tit_app.ops.readout import readings
from tit_app.ops.results import simulation_of


@dataclass(frozen=True)
class MapPicture:
    sim: Any  # ops SimResult
    image: QImage  # RGBA; transparent outside the head
    vmax: float  # top of the colour scale (the 99th percentile, as in the saved PNG)
    display: QImage | None = None  # `image` already scaled to the side the view last asked for


@dataclass(frozen=True)
class ShownResult:
    """What a run hands the GUI: the operation's result, its picture and its named numbers."""

    result: Any
    picture: MapPicture
    readings: tuple  # tit_app.ops.readout.Reading, as the CLI and the saved files have them
    params: Any = None  # what the run was given (validated), or a reopened file's parameters


def extend_edges(values: np.ndarray, passes: int = 2) -> np.ndarray:
    """Give the pixels just outside the head their inside neighbours' mean value.

    Smooth scaling blends each pixel with its neighbours; without this, the dark
    'outside' colour bleeds into the rim of the head as a dark fringe.
    """
    filled = values.copy()
    for _ in range(passes):
        missing = ~np.isfinite(filled)
        padded = np.pad(filled, 1, constant_values=np.nan)
        neighbours = np.stack([padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:]])
        valid = np.isfinite(neighbours)
        count = valid.sum(axis=0)
        total = np.where(valid, neighbours, 0.0).sum(axis=0)
        fill = missing & (count > 0)
        filled[fill] = total[fill] / count[fill]
    return filled


def rgba_image(envelope: np.ndarray, vmax: float) -> QImage:
    """The coloured map; the view clips it to the head outline."""
    envelope = extend_edges(envelope)
    rgb = colour_values(envelope, vmax)
    alpha = np.where(np.isfinite(envelope), 255, 0).astype(np.uint8)
    rgba = np.ascontiguousarray(np.dstack([rgb, alpha]))
    height, width, _ = rgba.shape
    return QImage(rgba.data, width, height, 4 * width, QImage.Format_RGBA8888).copy()  # the copy owns its pixels


def map_picture(sim, display_side: int = 0) -> MapPicture:
    vmax = colour_limit(sim.envelope)
    image = rgba_image(sim.envelope, vmax)
    # Smooth scaling of a big map costs the GUI thread ~10 ms per paint size; do it here once.
    display = image.scaled(display_side, display_side, Qt.IgnoreAspectRatio, Qt.SmoothTransformation) \
        if display_side > 0 else None
    return MapPicture(sim, image, vmax, display)


def shown(result, display_side: int = 0, params=None) -> ShownResult:
    return ShownResult(result, map_picture(simulation_of(result), display_side), tuple(readings(result)), params)


def with_picture(run: Callable, display_side: int = 0) -> Callable:
    """`run` followed by preparing its picture (for a view `display_side` device pixels wide), in the worker."""

    def job(params, progress, cancel):
        return shown(run(params, progress, cancel), display_side, params)

    return job
