"""FILE.json beside FILE.npz: how the result was made and what its numbers mean.

It holds the app's version, the time, the operation, every parameter as
validated (the head model among them), the named numbers with their
definitions (:mod:`tit_app.ops.figures`), a description of each NPZ key and the
names of the files written together. Reading the NPZ needs nothing from it;
reopening a result (:func:`tit_app.ops.output.read_result`) reads both.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from datetime import datetime, timezone

from tit_app import __version__
from tit_app.ops import figures
from tit_app.ops.readout import readings

FORMAT = "tit_app result"
FORMAT_VERSION = 1
ARRAY_MEANINGS = {
    "kind": "the operation",
    "envelope_v_per_m": "TI envelope amplitude on the slice (rows top to bottom, columns left to right, "
                        "see docs/ops.md); NaN outside the head",
    "plane": "slice plane", "offset_mm": "slice offset along its normal axis",
    "half_width_mm": "half the side of the square slice (the head radius)",
    "target_mm": "target centre (x, y, z)", "target_radius_mm": "target ball radius",
    "electrode_labels": "10-10 names (~Name: near that site)", "electrode_positions_mm": "(x, y, z) per electrode",
    "electrode_pairs": "1-based pair number per electrode", "electrode_roles": "anode or cathode",
    "angles_deg": "theta, phi per free electrode", "nearest_names": "nearest 10-10 site per free electrode",
    "nearest_offsets_deg": "angle to that site",
}


def _plain(value):
    """JSON-ready: tuples as lists, NaN and infinities as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def parameters(params) -> dict:
    """Every field of a validated parameter set, nested as it is built (a mapping: as it is)."""
    if dataclasses.is_dataclass(params):
        return _plain(dataclasses.asdict(params))
    return _plain(dict(params)) if isinstance(params, Mapping) else {}


def _head_model(params) -> dict | None:
    head = parameters(params).get("head") if params is not None else None
    if head is None:
        return None
    if not dataclasses.is_dataclass(params):
        return head
    return {"class": type(params.head).__name__, **head}


def sidecar(result, params, arrays: dict, files: dict[str, str]) -> dict:
    return _plain({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "operation": result.kind,
        "parameters": parameters(params),
        "model": {"head": _head_model(params),
                  "units": {"length": "mm", "current": "mA", "field": "V/m", "conductivity": "S/m"},
                  "described_in": "docs/ops.md"},
        "figures": {r.figure.key: {"name": r.figure.name, "unit": r.figure.unit,
                                   "definition": r.figure.definition, "value": r.value,
                                   **({"not_given": r.note} if r.note else {})}
                    for r in readings(result)},
        "arrays": {key: ARRAY_MEANINGS.get(key) or _figure_meaning(key) for key in arrays},
        "files": files,
    })


def _figure_meaning(key: str) -> str:
    for figure in figures.ALL:
        if key == figure.key or key.endswith("_" + figure.key):
            return f"{figure.name} ({figure.unit or 'ratio'}): {figure.definition}"
    if key.endswith("_montages"):
        return "ranked montages: pair 1 anode, cathode, pair 2 anode, cathode; best first"
    return "a field of the result, under its own name"


def sidecar_text(result, params, arrays: dict, files: dict[str, str]) -> str:
    return json.dumps(sidecar(result, params, arrays, files), indent=2, ensure_ascii=False) + "\n"
