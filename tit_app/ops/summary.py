"""Short plain-text summaries of results (for the CLI and logs)."""

from __future__ import annotations

import numpy as np

from tit_app.ops.results import ExSearchResult, FlexResult, simulation_of


def _xyz(point) -> str:
    return "(" + ", ".join(f"{c:g}" for c in point) + ") mm"


def _montage_text(electrodes) -> str:
    pairs = {}
    for e in electrodes:
        pairs.setdefault(e.pair, {})[e.role] = e.label
    return "  ".join(f"pair {n}: {p.get('anode')}->{p.get('cathode')}"
                     for n, p in sorted(pairs.items()))


def _map_lines(sim) -> list[str]:
    grid = sim.grid
    values = sim.envelope[np.isfinite(sim.envelope)]
    peak = f"{values.max():.4g} V/m" if values.size else "n/a"
    return [
        f"montage      {_montage_text(sim.electrodes)}",
        f"slice        {grid.plane} at {grid.offset_mm:g} mm, "
        f"{grid.size}x{grid.size} points, peak {peak}",
        f"target       {_xyz(sim.target_mm)}, radius {sim.target_radius_mm:g} mm",
        f"at target    {sim.target_value:.4g} V/m",
        f"focality     {sim.focality:.3g} (target / mean elsewhere on the slice)",
    ]


def _ranking_lines(title: str, ranking) -> list[str]:
    lines = [title]
    for rank, m in enumerate(ranking, start=1):
        lines.append(f"  {rank:2d}. {m.pair1[0]}-{m.pair1[1]} + "
                     f"{m.pair2[0]}-{m.pair2[1]}   target {m.target_value:.4g} "
                     f"V/m, focality {m.focality:.3g}")
    return lines


def summary_lines(result) -> list[str]:
    """A few lines describing any operation's result."""
    lines = [result.kind]
    if isinstance(result, FlexResult):
        nearest = ", ".join(f"{n} ({o:.1f} deg away)" for n, o in zip(
            result.nearest_names, result.nearest_offsets_deg, strict=True))
        lines += [f"evaluations  {result.evaluations}",
                  f"best score   focality {result.focality:.3g}, target mean "
                  f"{result.target_value:.4g} V/m (sample points)",
                  f"nearest 10-10 sites  {nearest}"]
    if isinstance(result, ExSearchResult):
        lines.append(f"montages     {result.combinations} scored")
        lines += _ranking_lines("top by target envelope:", result.top_by_envelope)
        lines += _ranking_lines("top by focality:", result.top_by_focality)
        lines.append("map of the most focal montage:")
    return lines + _map_lines(simulation_of(result))
