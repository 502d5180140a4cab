"""The four operations as the window shows them: form fields, how to run, what telemetry may see.

`safe_params` is the whole list of what a run tells telemetry about its parameters:
the catalog's declared, non-identifying ones (resources/events.toml). Electrode names,
currents and targets never leave this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from tit_app.ops.ex_search import ex_search, montage_count
from tit_app.ops.flex_search import flex_search
from tit_app.ops.options import build_params
from tit_app.ops.params import SimMTIParams, SimTIParams
from tit_app.ops.search_params import ExSearchParams, FlexSearchParams
from tit_app.ops.sim_mti import sim_mti
from tit_app.ops.sim_ti import sim_ti
from tit_app.ui.param_fields import Field, IntField
from tit_app.ui.ti_fields import CurrentField, NamesField, PairField, RadiusField, SliceField, TargetField


@dataclass(frozen=True)
class OperationSpec:
    name: str  # the catalog's event name
    title: str
    icon: str
    summary: str
    run: Callable[..., Any]  # (params, progress, cancel) -> result
    make_fields: Callable[[], list[Field]]
    safe_params: Callable[[Any], dict]

    def build(self, values: dict):
        """Validated parameters from the form's values; raises ops ParamError."""
        return build_params(self.name, values).validated()


def _slice_params(params) -> dict:
    return {"plane": params.slice.plane, "grid_size": params.slice.size}


def _sim_fields(defaults, pairs: int) -> list[Field]:
    fields: list[Field] = [PairField(i, getattr(defaults, f"pair{i}")) for i in range(1, pairs + 1)]
    return fields + [TargetField(defaults.target), RadiusField(defaults.target), SliceField(defaults.slice)]


def _flex_fields() -> list[Field]:
    d = FlexSearchParams()
    return [
        TargetField(d.target),
        RadiusField(d.target),
        IntField("budget", "Budget", d.budget, 1, 1_000_000, "budget", "Field evaluations allowed per restart."),
        IntField("restarts", "Restarts", d.restarts, 1, 1000, "restarts", "Independent random starts."),
        IntField("seed", "Seed", d.seed, 0, 2**31 - 1, "seed", "Makes the random starts repeatable."),
        CurrentField(1, d.current1_ma),
        CurrentField(2, d.current2_ma),
        SliceField(d.slice),
    ]


def _ex_fields() -> list[Field]:
    d = ExSearchParams()
    return [
        NamesField(d.electrodes),
        TargetField(d.target),
        RadiusField(d.target),
        CurrentField(1, d.current1_ma),
        CurrentField(2, d.current2_ma),
        IntField("top", "Keep best", d.top_n, 1, 500, "top_n", "How many montages to keep per ranking."),
        SliceField(d.slice),
    ]


OPERATIONS: tuple[OperationSpec, ...] = (
    OperationSpec(
        "sim_ti", "Simulate TI", "sim-ti",
        "Temporal-interference envelope of two electrode pairs on a slice through the target.",
        sim_ti, lambda: _sim_fields(SimTIParams(), 2), _slice_params),
    OperationSpec(
        "sim_mti", "Simulate mTI", "sim-mti",
        "Multichannel TI: two TI channels (pairs 1+2 and 3+4) combined on a slice.",
        sim_mti, lambda: _sim_fields(SimMTIParams(), 4), _slice_params),
    OperationSpec(
        "flex_search", "Flex search", "flex",
        "Optimise four free electrode positions for the most focal envelope at the target.",
        flex_search, _flex_fields, lambda p: {"budget": p.budget, "restarts": p.restarts}),
    OperationSpec(
        "ex_search", "Exhaustive search", "ex-search",
        "Score every two-pair montage of the candidate electrodes and rank them.",
        ex_search, _ex_fields,
        lambda p: {"n_electrodes": len(p.electrodes), "n_combinations": montage_count(len(p.electrodes))}),
)

BY_NAME = {spec.name: spec for spec in OPERATIONS}
