"""Operation parameters from flat option values (CLI flags, form fields).

Keys, all optional (missing or None means the default):

* every operation: ``target`` (x, y, z) mm, ``target_radius`` mm,
  ``plane``, ``offset`` mm, ``size`` (grid points per side),
  ``head_radius`` mm, ``head_model`` ("four-shell" or "homogeneous"),
  ``conductivity`` S/m (homogeneous), ``shell_conductivities`` (brain, CSF,
  skull, scalp) S/m and ``shell_thicknesses`` (CSF, skull, scalp) mm;
* sim_ti / sim_mti: ``pair1`` .. ``pair4`` as (anode, cathode) and
  ``current1`` .. ``current4`` in mA;
* flex_search: ``budget``, ``restarts``, ``seed``, ``current1``,
  ``current2``, ``min_separation`` mm, ``clearance`` mm;
* ex_search: ``electrodes`` (names), ``top``, ``seed``, ``current1``,
  ``current2``, ``rank_by``, ``min_target_fraction``, ``clearance`` mm.

Nothing is validated here: call ``validated()`` on the result.

tit_app/operations.py describes each key once (label, limits, help, flag) for
the window and the command line.
"""

from __future__ import annotations

from tit_app.ops.params import Head, Pair, SimMTIParams, SimTIParams, SliceSpec, Target
from tit_app.ops.search_params import ExSearchParams, FlexSearchParams


def _pick(values: dict, key: str, default):
    value = values.get(key)
    return default if value is None else value


def _pair(values: dict, index: int, default: Pair) -> Pair:
    anode, cathode = _pick(values, f"pair{index}", (default.anode, default.cathode))
    return Pair(anode, cathode,
                _pick(values, f"current{index}", default.current_ma))


def _shared(values: dict, defaults) -> dict:
    target, spec, head = defaults.target, defaults.slice, defaults.head
    return {
        "target": Target(
            tuple(_pick(values, "target", target.centre_mm)),
            _pick(values, "target_radius", target.radius_mm)),
        "slice": SliceSpec(_pick(values, "plane", spec.plane),
                           _pick(values, "offset", spec.offset_mm),
                           _pick(values, "size", spec.size)),
        "head": Head(_pick(values, "head_radius", head.radius_mm),
                     _pick(values, "conductivity", head.conductivity_s_per_m),
                     _pick(values, "head_model", head.model),
                     tuple(_pick(values, "shell_conductivities",
                                 head.shell_conductivities_s_per_m)),
                     tuple(_pick(values, "shell_thicknesses", head.shell_thicknesses_mm))),
    }


def _simulation(cls, pair_count: int, values: dict):
    defaults = cls()
    pairs = {f"pair{i}": _pair(values, i, getattr(defaults, f"pair{i}"))
             for i in range(1, pair_count + 1)}
    return cls(**pairs, **_shared(values, defaults))


def _search_shared(values: dict, defaults) -> dict:
    """Both searches: the two currents and the electrode clearance."""
    return {"current1_ma": _pick(values, "current1", defaults.current1_ma),
            "current2_ma": _pick(values, "current2", defaults.current2_ma),
            "clearance_mm": _pick(values, "clearance", defaults.clearance_mm)}


def _flex(values: dict) -> FlexSearchParams:
    d = FlexSearchParams()
    return FlexSearchParams(
        budget=_pick(values, "budget", d.budget),
        restarts=_pick(values, "restarts", d.restarts),
        seed=_pick(values, "seed", d.seed),
        min_separation_mm=_pick(values, "min_separation", d.min_separation_mm),
        **_search_shared(values, d), **_shared(values, d))


def _ex(values: dict) -> ExSearchParams:
    d = ExSearchParams()
    return ExSearchParams(
        electrodes=tuple(_pick(values, "electrodes", d.electrodes)),
        top_n=_pick(values, "top", d.top_n),
        seed=_pick(values, "seed", d.seed),
        rank_by=_pick(values, "rank_by", d.rank_by),
        min_target_fraction=_pick(values, "min_target_fraction", d.min_target_fraction),
        **_search_shared(values, d), **_shared(values, d))


BUILDERS = {
    "sim_ti": lambda values: _simulation(SimTIParams, 2, values),
    "sim_mti": lambda values: _simulation(SimMTIParams, 4, values),
    "flex_search": _flex,
    "ex_search": _ex,
}


def parse_names(text: str) -> tuple[str, ...]:
    """"F7, P7,Cz" -> ("F7", "P7", "Cz"); names are checked later."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names:
        raise ValueError("expected comma-separated electrode names, e.g. F7,P7")
    return names


def parse_pair(text: str) -> tuple[str, str]:
    """"F7,P7" -> ("F7", "P7")."""
    names = parse_names(text)
    if len(names) != 2:
        raise ValueError(f"expected ANODE,CATHODE, got {text!r}")
    return names


def parse_numbers(text: str) -> tuple[float, ...]:
    """"0.275,1.654,0.01,0.465" -> (0.275, 1.654, 0.01, 0.465); counts are checked later."""
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"expected numbers separated by commas, got {text!r}") from None


def parse_xyz(text: str) -> tuple[float, float, float]:
    """"10,0,-5.5" -> (10.0, 0.0, -5.5) in mm."""
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3:
        raise ValueError(f"expected X,Y,Z in mm, got {text!r}")
    return values


def build_params(operation: str, values: dict):
    """Unvalidated parameters of ``operation`` ("sim_ti", ...) from options."""
    return BUILDERS[operation](values)
