"""Short plain-text summaries of results (for the CLI and logs).

Every number is printed under its name from :mod:`tit_app.ops.figures`, the
same name the window, the NPZ and the docs use.
"""

from __future__ import annotations

from tit_app.ops import figures
from tit_app.ops.map_style import slice_title
from tit_app.ops.readout import ranking_figure, readings, score_attributes
from tit_app.ops.results import FlexResult, pair_roles, rankings, simulation_of

NAME_WIDTH = max(len(f.name) for f in figures.ALL) + 2


def _xyz(point) -> str:
    return "(" + ", ".join(f"{c:g}" for c in point) + ") mm"


def _montage_text(electrodes) -> str:
    return "  ".join(f"pair {n}: {p.get('anode')}->{p.get('cathode')}"
                     for n, p in pair_roles(electrodes).items())


def _ranking_lines(name: str, ranking) -> list[str]:
    columns = [figures.score_figure(a) for a in score_attributes()]
    header = "".join(f"{f.name + (f' ({f.unit})' if f.unit else ''):>24}" for f in columns)
    lines = [f"ranked by {ranking_figure(name).name}:", f"  {'#':>3}  {'montage':<24}{header}"]
    for rank, m in enumerate(ranking, start=1):
        montage = f"{m.pair1[0]}-{m.pair1[1]} + {m.pair2[0]}-{m.pair2[1]}"
        values = "".join(f"{getattr(m, a):>24.4g}" for a in score_attributes())
        lines.append(f"  {rank:3d}  {montage:<24}{values}")
    return lines


def summary_lines(result) -> list[str]:
    """A few lines describing any operation's result."""
    sim = simulation_of(result)
    lines = [result.kind]
    for name, ranking in rankings(result).items():
        lines += _ranking_lines(name, ranking)
    if isinstance(result, FlexResult):
        nearest = ", ".join(f"{n} ({o:.1f} deg away)" for n, o in zip(
            result.nearest_names, result.nearest_offsets_deg, strict=True))
        lines.append(f"{'Nearest 10-10 sites':<{NAME_WIDTH}}{nearest}")
    lines += [f"{'Montage':<{NAME_WIDTH}}{_montage_text(sim.electrodes)}",
              f"{'Slice':<{NAME_WIDTH}}{slice_title(sim.grid)}, {sim.grid.size}x{sim.grid.size} points",
              f"{'Target':<{NAME_WIDTH}}{_xyz(sim.target_mm)}, radius {sim.target_radius_mm:g} mm"]
    lines += [f"{r.figure.name:<{NAME_WIDTH}}{r.text}" for r in readings(result)]
    return lines
