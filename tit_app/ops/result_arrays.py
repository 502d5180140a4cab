"""A result as plain named numpy arrays (the NPZ's content), and back.

Keys: the map and its geometry, the electrodes, the named numbers of
:mod:`tit_app.ops.figures` (under their keys), every other field of the result
under its own name (an array a simulation adds later is saved without a change
here), and each ranking as ``ranking_<list>_montages`` (rows of anode, cathode,
anode, cathode) plus one ``ranking_<list>_<figure key>`` column per score.
No pickles: every array is numbers or text.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tit_app.ops import figures
from tit_app.ops.grid import slice_grid
from tit_app.ops.readout import score_attributes, values_by_key
from tit_app.ops.results import (
    ExSearchResult,
    FlexResult,
    PlacedElectrode,
    RankedMontage,
    SimResult,
    is_ranking,
)

RESULT_TYPES = {"sim_ti": SimResult, "sim_mti": SimResult, "flex_search": FlexResult,
                "ex_search": ExSearchResult}
# Fields written under another key than their name (a figure's key, or with units).
SIM_KEYS = {"envelope": "envelope_v_per_m", "target_value": figures.TARGET_CENTRE.key,
            "focality": figures.SLICE_FOCALITY.key}
SEARCH_KEYS = {"target_value": figures.TARGET_MEAN_3D.key, "focality": figures.FOCALITY_3D.key,
               "combinations": figures.MONTAGES_SCORED.key, "evaluations": figures.EVALUATIONS.key}
_SIM_SPECIAL = {"kind", "grid", "electrodes"}


def _grid_arrays(sim: SimResult) -> dict[str, np.ndarray]:
    grid, placed = sim.grid, sim.electrodes
    return {
        "plane": np.array(grid.plane),
        "offset_mm": np.array(grid.offset_mm),
        "half_width_mm": np.array(grid.half_width_mm),
        "electrode_labels": np.array([e.label for e in placed]),
        "electrode_positions_mm": np.array([e.position_mm for e in placed], dtype=float).reshape(-1, 3),
        "electrode_pairs": np.array([e.pair for e in placed], dtype=int),
        "electrode_roles": np.array([e.role for e in placed]),
    }


def _ranking_arrays(name: str, ranking) -> dict[str, np.ndarray]:
    arrays = {f"ranking_{name}_montages": np.array([[*m.pair1, *m.pair2] for m in ranking], dtype=str)}
    for attribute in score_attributes():
        column = figures.score_figure(attribute).key
        arrays[f"ranking_{name}_{column}"] = np.array([getattr(m, attribute) for m in ranking], dtype=float)
    return arrays


def _field_arrays(obj, keys: dict[str, str], skip) -> dict[str, np.ndarray]:
    arrays = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name in skip or value is None or isinstance(value, SimResult):
            continue
        if is_ranking(value):
            arrays.update(_ranking_arrays(f.name, value))
        elif isinstance(value, dict):  # e.g. one array per pair: name_<key>
            arrays.update({f"{f.name}_{key}": _plain_array(item) for key, item in value.items()})
        else:
            arrays[keys.get(f.name, f.name)] = _plain_array(value)
    return arrays


def _plain_array(value) -> np.ndarray:
    """Numbers or text only: an NPZ that loads without pickles."""
    array = np.asarray(value)
    if array.dtype == object:
        raise TypeError(f"cannot save a {type(value).__name__} as plain numbers or text")
    return array


def result_arrays(result) -> dict[str, np.ndarray]:
    """Everything worth keeping, as plain (pickle-free) numpy arrays."""
    sim = result if isinstance(result, SimResult) else result.sim
    arrays = {"kind": np.array(result.kind)}
    arrays.update(_field_arrays(sim, SIM_KEYS, _SIM_SPECIAL))
    arrays.update(_grid_arrays(sim))
    if not isinstance(result, SimResult):
        arrays.update(_field_arrays(result, SEARCH_KEYS, {"kind"}))
    # The named numbers, as the CLI and the window show them (NaN where not given).
    arrays.update({key: np.array(value) for key, value in values_by_key(result).items()})
    return arrays


# -- reading back ----------------------------------------------------------------------

def _value(field, array: np.ndarray):
    """An array read from the NPZ in the type the dataclass field declares."""
    declared = str(field.type)
    if "ndarray" in declared:
        return array
    if declared.startswith("tuple"):
        return tuple(item.item() if hasattr(item, "item") else item for item in array)
    value = array.item()
    return int(value) if declared == "int" else value


def _ranking(data, name: str) -> tuple[RankedMontage, ...]:
    montages = data[f"ranking_{name}_montages"]
    stored = {f.name for f in dataclasses.fields(RankedMontage)}  # combined is derived, not read back
    columns = {a: data[f"ranking_{name}_{figures.score_figure(a).key}"] for a in score_attributes() if a in stored}
    return tuple(RankedMontage((str(row[0]), str(row[1])), (str(row[2]), str(row[3])),
                               **{a: float(values[i]) for a, values in columns.items()})
                 for i, row in enumerate(montages))


def _fields(cls, data, keys: dict[str, str], given: dict) -> dict:
    values = dict(given)
    for f in dataclasses.fields(cls):
        if f.name in values:
            continue
        if f"ranking_{f.name}_montages" in data:
            values[f.name] = _ranking(data, f.name)
        elif keys.get(f.name, f.name) in data:
            values[f.name] = _value(f, data[keys.get(f.name, f.name)])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ValueError(f"the file has no {keys.get(f.name, f.name)!r}; was it written by tit_app?")
    return values


def _electrodes(data) -> tuple[PlacedElectrode, ...]:
    return tuple(PlacedElectrode(str(label), tuple(float(c) for c in position), int(pair), str(role))
                 for label, position, pair, role in zip(
                     data["electrode_labels"], data["electrode_positions_mm"], data["electrode_pairs"],
                     data["electrode_roles"], strict=True))


def result_from_arrays(data) -> object:
    """The result object :func:`result_arrays` was made from (ValueError if it cannot be)."""
    kind = str(data["kind"]) if "kind" in data else ""
    if kind not in RESULT_TYPES:
        raise ValueError(f"not a tit_app result (kind {kind!r})")
    envelope = data["envelope_v_per_m"]
    grid = slice_grid(str(data["plane"]), float(data["offset_mm"]), envelope.shape[0],
                      float(data["half_width_mm"]))
    sim = SimResult(**_fields(SimResult, data, SIM_KEYS,
                              {"kind": kind, "grid": grid, "electrodes": _electrodes(data)}))
    cls = RESULT_TYPES[kind]
    if cls is SimResult:
        return sim
    return cls(**_fields(cls, data, SEARCH_KEYS, {"kind": kind, "sim": sim}))
