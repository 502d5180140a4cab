"""What the operations return: plain data, with no knowledge of files or pictures.

Saving a result is :mod:`tit_app.ops.output`; drawing it is :mod:`tit_app.ops.figure`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from tit_app.ops.grid import SliceGrid


@dataclass(frozen=True)
class PlacedElectrode:
    label: str                               # 10-10 name ("~Name" if free)
    position_mm: tuple[float, float, float]
    pair: int                                # 1-based pair number
    role: str                                # "anode" or "cathode"


@dataclass(frozen=True)
class SimResult:
    """An envelope map (V/m) on a slice; NaN outside the head."""

    kind: str                                # "sim_ti" or "sim_mti"
    grid: SliceGrid
    envelope: np.ndarray                     # (size, size)
    electrodes: tuple[PlacedElectrode, ...]
    target_mm: tuple[float, float, float]
    target_radius_mm: float
    target_value: float                      # envelope at the target centre
    focality: float                          # target value / mean off-target
    # Optional maps (sim_ti, sim_mti), each (size, size) in V/m, NaN outside the head:
    carrier_magnitudes: tuple[np.ndarray, ...] = ()   # |E| of each pair's carrier, pair order
    radial_envelope: np.ndarray | None = None         # the envelope along the radial direction


@dataclass(frozen=True)
class RankedMontage:
    pair1: tuple[str, str]
    pair2: tuple[str, str]
    target_value: float                      # mean envelope on target samples
    focality: float                          # that / mean on the rest samples

    @property
    def combined(self) -> float:
        """Target value x focality (V/m), the combined ranking score."""
        return self.target_value * self.focality


@dataclass(frozen=True)
class FlexResult:
    kind: str
    sim: SimResult                           # map of the best montage
    angles_deg: np.ndarray                   # (4, 2) theta, phi per electrode
    nearest_names: tuple[str, ...]           # the distinct 10-10 sites mapped
    nearest_offsets_deg: tuple[float, ...]   # angle from the free optimum to that site
    target_value: float                      # sites' mean envelope on fresh target samples
    focality: float                          # sites' focality on fresh samples
    evaluations: int
    free_target_value: float = float("nan")  # free optimum, fresh samples
    free_focality: float = float("nan")      # free optimum, fresh samples
    search_focality: float = float("nan")    # free optimum on the points it was optimised on


@dataclass(frozen=True)
class ExSearchResult:
    kind: str
    sim: SimResult                           # map of the top montage of `ranked_by`
    combinations: int
    top_by_envelope: tuple[RankedMontage, ...]
    top_by_focality: tuple[RankedMontage, ...]   # above the floor only
    top_by_combined: tuple[RankedMontage, ...] = ()   # above the floor only
    ranked_by: str = "focality"              # which ranking the map shows
    min_target_v_per_m: float = 0.0          # the intensity floor applied


def simulation_of(result) -> SimResult:
    """The map-bearing part of any result."""
    return result if isinstance(result, SimResult) else result.sim


def pair_roles(electrodes) -> dict[int, dict[str, str]]:
    """{pair number: {"anode": label, "cathode": label}}, pairs in order."""
    pairs: dict[int, dict[str, str]] = {}
    for electrode in sorted(electrodes, key=lambda e: e.pair):
        pairs.setdefault(electrode.pair, {})[electrode.role] = electrode.label
    return pairs


def is_ranking(value) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(m, RankedMontage) for m in value)


def rankings(result) -> dict[str, tuple[RankedMontage, ...]]:
    """Every ranking list a result carries, by field name (``top_by_focality``, ...)."""
    return {f.name: getattr(result, f.name) for f in dataclasses.fields(result)
            if is_ranking(getattr(result, f.name))}
