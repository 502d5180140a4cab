"""The named numbers of a result (see :mod:`tit_app.ops.figures`), computed in one place.

The CLI summary, the window's tiles, the NPZ and the JSON sidecar all take their
numbers from :func:`readings`, so the same montage shows the same named numbers
everywhere. A search's result carries the 3-D scores of the montage it maps
(the ones its ranking shows) and the slice figures of that map.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from tit_app.ops import figures
from tit_app.ops.figures import Figure
from tit_app.ops.results import ExSearchResult, FlexResult, RankedMontage, pair_roles, rankings, simulation_of

MISSES_TARGET = "the slice misses the target ball"


@dataclass(frozen=True)
class Reading:
    figure: Figure
    value: float
    note: str = ""      # why the value is not given (it is NaN then)

    @property
    def text(self) -> str:
        if self.note:
            return f"n/a ({self.note})"
        return self.figure.text(self.value)


def slice_misses_target(sim) -> bool:
    """True when no point of the slice lies in the target ball."""
    return sim.grid.distance_to_plane(sim.target_mm) >= sim.target_radius_mm


def slice_peak(sim) -> float:
    """Largest envelope at the slice's pixels and, if on the slice, the target centre."""
    values = sim.envelope[np.isfinite(sim.envelope)]
    if sim.grid.distance_to_plane(sim.target_mm) < 1e-9 * sim.grid.half_width_mm:
        values = np.append(values, sim.target_value)
    return float(values.max()) if values.size else float("nan")


def slice_readings(sim) -> list[Reading]:
    """Envelope at the target centre, and the slice's peak and focality."""
    missed = slice_misses_target(sim)
    return [
        Reading(figures.TARGET_CENTRE, float(sim.target_value)),
        Reading(figures.SLICE_PEAK, slice_peak(sim)),
        Reading(figures.SLICE_FOCALITY, float("nan") if missed else float(sim.focality),
                MISSES_TARGET if missed else ""),
    ]


def score_attributes(montage_type=RankedMontage) -> list[str]:
    """The numeric score attributes of a ranked montage, in declaration order, then the
    known scores it derives from them (``combined``)."""
    stored = [f.name for f in dataclasses.fields(montage_type) if f.name not in ("pair1", "pair2")]
    derived = [name for name in figures.SCORE_FIGURES
               if name not in stored and isinstance(getattr(montage_type, name, None), property)]
    return stored + derived


def ranking_figure(list_name: str) -> Figure:
    """The score a ranking list is sorted by: ``top_by_focality`` -> Focality (3-D)."""
    score = list_name.removeprefix("top_by_")
    return figures.score_figure("target_value" if score == "envelope" else score)


def montage_scores(montage) -> list[Reading]:
    """A ranked montage's scores, each under its figure's name."""
    return [Reading(figures.score_figure(name), float(getattr(montage, name)))
            for name in score_attributes(type(montage))]


def mapped_montage(result: ExSearchResult):
    """The ranked montage whose map the result carries (None if no list has it)."""
    key = tuple((p.get("anode"), p.get("cathode")) for p in pair_roles(simulation_of(result).electrodes).values())
    return next((m for ranking in rankings(result).values() for m in ranking if (m.pair1, m.pair2) == key), None)


def readings(result) -> list[Reading]:
    """Every named number of a result: the search's own first, then the slice's."""
    search: list[Reading] = []
    if isinstance(result, FlexResult):
        search = [Reading(figures.score_figure(name), float(getattr(result, name)))
                  for name in figures.SCORE_FIGURES if hasattr(result, name)]
        search.append(Reading(figures.EVALUATIONS, float(result.evaluations)))
    elif isinstance(result, ExSearchResult):
        best = mapped_montage(result)
        search = montage_scores(best) if best is not None else []
        search.append(Reading(figures.MONTAGES_SCORED, float(result.combinations)))
    return search + slice_readings(simulation_of(result))


def values_by_key(result) -> dict[str, float]:
    """{figure key: value} of :func:`readings` (NaN where not given)."""
    return {r.figure.key: r.value for r in readings(result)}
