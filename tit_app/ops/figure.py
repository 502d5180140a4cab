"""The saved picture of a result (FILE.png), drawn with matplotlib's Agg backend.

The map in millimetres with the head outline, the target ball, every electrode
named (faded when it is only projected onto the slice, see
:mod:`tit_app.ops.map_style`), orientation letters, a colour bar in V/m that
states its 99th-percentile clip, a legend, and the result's named numbers
(:mod:`tit_app.ops.readout`). No pyplot and no GUI backend: the figure is drawn
straight onto an Agg canvas, so it works on any machine without a display.
matplotlib is imported when a figure is drawn, never at start-up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tit_app.ops import map_style
from tit_app.ops.grid import PLANE_AXES
from tit_app.ops.readout import readings, slice_misses_target
from tit_app.ops.results import pair_roles, simulation_of

DPI = 150
SIZE_IN = (10.0, 6.6)
MARGIN = 1.2            # the axes span 1.2 x the head radius: room for the letters
AXIS_NAMES = "xyz"
FADED_ALPHA = 0.45
LABEL_CLASH_MM = 6.0


def _rgb(colour) -> tuple[float, float, float]:
    return tuple(c / 255.0 for c in colour)


def _halo(alpha: float = 1.0):
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=2.5, foreground=(0.0, 0.0, 0.0, 0.8 * alpha))]


def _in_plane(grid, point_mm) -> tuple[float, float]:
    """(horizontal, vertical) mm of a point projected on the slice."""
    _, horizontal, vertical = PLANE_AXES[grid.plane]
    return float(point_mm[horizontal]), float(point_mm[vertical])


def _draw_map(ax, sim, vmax: float):
    from matplotlib import colormaps
    from matplotlib.patches import Circle

    grid = sim.grid
    half = grid.half_width_mm
    colours = colormaps[map_style.COLOUR_MAP].with_extremes(bad=_rgb(map_style.MISSING))
    image = ax.imshow(np.ma.masked_invalid(sim.envelope), cmap=colours, vmin=0.0, vmax=vmax,
                      extent=(-half, half, -half, half), origin="upper", interpolation="nearest")
    radius = np.sqrt(max(half**2 - grid.offset_mm**2, 0.0))
    outline = Circle((0.0, 0.0), radius, fill=False, edgecolor="white", linewidth=1.5)
    ax.add_patch(outline)
    image.set_clip_path(outline)
    _, horizontal, vertical = PLANE_AXES[grid.plane]
    ax.set_xlim(-MARGIN * half, MARGIN * half)
    ax.set_ylim(-MARGIN * half, MARGIN * half)
    ax.set_facecolor(_rgb(map_style.MISSING))
    ax.set_xlabel(f"{AXIS_NAMES[horizontal]} (mm)")
    ax.set_ylabel(f"{AXIS_NAMES[vertical]} (mm)")
    ax.set_aspect("equal")
    return image


def _draw_target(ax, sim) -> None:
    from matplotlib.patches import Circle

    centre = _in_plane(sim.grid, sim.target_mm)
    alpha = FADED_ALPHA if slice_misses_target(sim) else 1.0
    ax.add_patch(Circle(centre, sim.target_radius_mm, fill=False, edgecolor="white",
                        linestyle="--", linewidth=1.2, alpha=alpha))
    ax.plot(*centre, marker="+", color="white", markersize=8, alpha=alpha)
    if alpha < 1.0:
        ax.annotate("target (projected:\nnot on this slice)", centre, xytext=(0, -14), textcoords="offset points",
                    ha="center", va="top", color="white", fontsize=8, fontstyle="italic", path_effects=_halo())


def _draw_electrodes(ax, sim) -> None:
    labelled: list[tuple[float, float]] = []
    for electrode in sim.electrodes:
        colour = _rgb(map_style.pair_colour(electrode.pair))
        near = map_style.near_slice(sim.grid, electrode.position_mm)
        alpha = 1.0 if near else FADED_ALPHA
        x, y = _in_plane(sim.grid, electrode.position_mm)
        anode = electrode.role == "anode"
        ax.plot(x, y, marker="o", markersize=10, alpha=alpha, linestyle="none",
                markerfacecolor=colour if anode else "none", markeredgecolor=colour if not anode else "black",
                markeredgewidth=2.5 if not anode else 1.0)
        # Electrodes that project onto the same spot get their names one under the other.
        below = sum(1 for p in labelled if abs(p[0] - x) < LABEL_CLASH_MM and abs(p[1] - y) < LABEL_CLASH_MM)
        labelled.append((x, y))
        ax.annotate(electrode.label, (x, y), xytext=(7, 6 - 11 * below), textcoords="offset points",
                    color=colour, alpha=alpha, fontsize=9, fontweight="bold",
                    fontstyle="normal" if near else "italic", path_effects=_halo(alpha))


def _draw_orientation(ax, plane: str) -> None:
    top, bottom, left, right = map_style.ORIENTATION[plane]
    inset = 0.25 * (1.0 - 1.0 / MARGIN)  # the middle of the band outside the head, in axes fractions
    for letter, x, y in ((top, 0.5, 1.0 - inset), (bottom, 0.5, inset), (left, inset, 0.5),
                         (right, 1.0 - inset, 0.5)):
        ax.text(x, y, letter, transform=ax.transAxes, ha="center", va="center", color="white",
                fontsize=12, fontweight="bold", path_effects=_halo())


def _legend(fig, sim) -> None:
    from matplotlib.lines import Line2D

    handles, labels = [], []
    for number, roles in pair_roles(sim.electrodes).items():
        colour = _rgb(map_style.pair_colour(number))
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=9, markerfacecolor=colour,
                              markeredgecolor="black"))
        labels.append(f"pair {number} anode {roles.get('anode', '?')}")
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=9, markerfacecolor="none",
                              markeredgecolor=colour, markeredgewidth=2.5))
        labels.append(f"pair {number} cathode {roles.get('cathode', '?')}")
    handles.append(Line2D([], [], marker="o", linestyle="none", markersize=9, markerfacecolor="grey",
                          markeredgecolor="black", alpha=FADED_ALPHA))
    near_mm = map_style.NEAR_SLICE_FRACTION * sim.grid.half_width_mm
    labels.append(f"faded, italic name: more than {near_mm:.0f} mm\nfrom the slice (projected onto it)")
    handles.append(Line2D([], [], color="black", linestyle="--", marker="+", markersize=8))
    labels.append(f"target ball, radius {sim.target_radius_mm:g} mm")
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.675, 0.92), fontsize=8.5,
               frameon=False, title="Legend", title_fontsize=9.5, alignment="left")


def _numbers(fig, result, vmax: float) -> None:
    lines = [f"{r.figure.name}: n/a\n    ({r.note})" if r.note else f"{r.figure.name}: {r.text}"
             for r in readings(result)]
    lines += ["", f"Colours: 0 to {vmax:.3g} V/m, the {map_style.CLIP_PERCENTILE:g}th percentile",
              "of the head's values; higher values take the",
              "top colour (the arrow on the colour bar).",
              "Definitions: docs/ops.md, and the .json file",
              "saved with this picture."]
    fig.text(0.68, 0.1, "\n".join(lines), fontsize=8.5, va="bottom", ha="left", linespacing=1.5)


def result_figure(result):
    """A matplotlib Figure (on an Agg canvas) of any operation's result."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sim = simulation_of(result)
    vmax = map_style.colour_limit(sim.envelope)
    fig = Figure(figsize=SIZE_IN, dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.075, 0.1, 0.49, 0.8))
    image = _draw_map(ax, sim, vmax)
    _draw_target(ax, sim)
    _draw_electrodes(ax, sim)
    _draw_orientation(ax, sim.grid.plane)
    bar = fig.colorbar(image, cax=fig.add_axes((0.575, 0.1, 0.018, 0.8)), extend="max")
    bar.set_label(f"TI envelope amplitude (V/m), clipped at {vmax:.3g}")
    ax.set_title(f"{result.kind}: {map_style.slice_title(sim.grid)}", fontsize=11, loc="left")
    _legend(fig, sim)
    _numbers(fig, result, vmax)
    return fig


def write_figure(result, path) -> Path:
    """Draw the result and save it as a PNG at ``path``."""
    target = Path(path)
    result_figure(result).savefig(target, format="png", dpi=DPI)
    return target
