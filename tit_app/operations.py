"""The four TI operations, each declared once: what the window and ``tit-app run`` both show.

An :class:`Operation` names its catalog event (``sim_ti``), its command
(``sim-ti``), its title, icon and help, the ops function that runs it, its
parameters as plain data (:class:`Param`) and what telemetry may record of a run
(``safe_params``). The window builds its form from the parameters (tit_app.ui),
the command line its flags (tit_app.commands.run_options); neither repeats them.

`safe_params` is the whole list of what a run tells telemetry about its
parameters: the catalog's declared, non-identifying ones
(tit_app/resources/events.toml). Electrode names, currents and targets never
leave this module. docs/architecture.md follows such an event through the layers.

Qt-free and telemetry-free: it is imported by the command line without a display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from tit_app.ops import HEAD_MODELS, PLANES, build_params
from tit_app.ops.ex_search import ex_search, montage_count
from tit_app.ops.flex_search import flex_search
from tit_app.ops.ranking import RANK_BY
from tit_app.ops.sim_mti import sim_mti
from tit_app.ops.sim_ti import sim_ti

# Kinds of parameter values, which say how they are typed in and shown.
PAIR = "pair"          # (anode, cathode) electrode names
CURRENT = "current"    # mA
POINT = "point"        # (x, y, z) mm
LENGTH = "length"      # mm
PLANE = "plane"        # one of tit_app.ops.PLANES
COUNT = "count"        # a whole number
NAMES = "names"        # electrode names
NUMBER = "number"      # any other real number
NUMBERS = "numbers"    # several real numbers, e.g. one per head layer
CHOICE = "choice"      # one of the parameter's choices


@dataclass(frozen=True)
class Param:
    """One parameter of an operation, as plain data.

    ``key`` is the option :func:`tit_app.ops.build_params` reads, and ``--key``
    (underscores as dashes) its flag. ``errors`` are the fields a
    :class:`~tit_app.ops.ParamError` names when this parameter is wrong (a name
    also covers ``name.…`` and ``name[…]``); for a pair, the anode's, then the
    cathode's. ``choices`` are the only values allowed, ``low``/``high``/``step``/
    ``decimals`` bound the form's editor. An operation's ``form`` says which
    parameters the window shows; the command line has a flag for every one.
    """

    key: str
    kind: str
    default: Any
    help: str                      # the flag's help, before "(default ...)"
    errors: tuple[str, ...]
    label: str = ""
    tooltip: str = ""
    accessible_name: str = ""      # for screen readers, when the label alone says too little
    unit: str = ""
    low: float | None = None
    high: float | None = None
    step: float | None = None
    decimals: int | None = None
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    default_help: str = ""         # replaces "default <value>" when that is not a plain value

    @property
    def flag(self) -> str:
        """The command-line option that sets this parameter."""
        return "--" + self.key.replace("_", "-")

    def answers_for(self, field_name: str) -> bool:
        """True if a ParamError about `field_name` is about this parameter."""
        return any(field_name == name or field_name.startswith((name + ".", name + "["))
                   for name in self.errors)


@dataclass(frozen=True)
class Operation:
    """One operation: its names, how to run it, its parameters, and what telemetry may see."""

    name: str                          # the catalog's event name
    cli_name: str
    title: str
    icon: str
    summary: str                       # the window's one-line description
    cli_help: str                      # the command line's (lower case, no full stop)
    run: Callable[..., Any]            # (params, progress, cancel) -> result
    params: tuple[Param, ...]          # in the order of the command's flags
    form: tuple[tuple[str, ...], ...]  # the form's rows: the keys each row edits
    safe_params: Callable[[Any], dict]

    def build(self, values: dict):
        """Validated parameters from flat option values; raises ops ParamError."""
        return build_params(self.name, values).validated()

    def param(self, key: str) -> Param:
        """The parameter with this key."""
        return next(p for p in self.params if p.key == key)

    def param_answering_for(self, field_name: str) -> Param | None:
        """The parameter a ParamError about `field_name` is about, if any."""
        return next((p for p in self.params if p.answers_for(field_name)), None)


# -- parameters ----------------------------------------------------------------------------

def _pair(index: int, pair) -> Param:
    return Param(
        f"pair{index}", PAIR, (pair.anode, pair.cathode), f"electrodes of pair {index}",
        (f"pair{index}.anode", f"pair{index}.cathode"), label=f"Pair {index}",
        tooltip="Current flows in at the anode and out at the cathode (10-10 names such as F7, Cz, PO8).",
        metavar="ANODE,CATHODE")


def _current(index: int, value: float) -> Param:
    return Param(
        f"current{index}", CURRENT, value, f"current of pair {index} in mA, zero-to-peak",
        (f"current{index}_ma", f"pair{index}.current_ma"), label=f"Current {index}",
        tooltip="Amplitude of the pair's sinusoidal carrier, zero-to-peak (half the peak-to-peak).",
        unit="mA", low=0.0, high=20.0, step=0.1, decimals=2, metavar="MA")


def _pairs(defaults, count: int) -> tuple[Param, ...]:
    params: list[Param] = []
    for index in range(1, count + 1):
        pair = getattr(defaults, f"pair{index}")
        params += [_pair(index, pair), _current(index, pair.current_ma)]
    return tuple(params)


def _seed(defaults) -> Param:
    return Param("seed", COUNT, defaults.seed, "random seed, for reproducible runs", ("seed",),
                 label="Seed", tooltip="Makes the random starts repeatable.", low=0, high=2**31 - 1)


def _search_common(defaults) -> tuple[Param, ...]:
    """Both searches: the currents of the two pairs they place, the seed of their randomness and
    how far below the scalp their sample points stay."""
    return (_current(1, defaults.current1_ma), _current(2, defaults.current2_ma), _seed(defaults),
            Param("clearance", LENGTH, defaults.clearance_mm,
                  "depth below the scalp (so distance from every electrode) of the points montages are "
                  "scored on", ("clearance_mm",), label="Clearance",
                  tooltip="Sample points stay this far below the scalp: the field of a point electrode "
                          "is singular right under it.",
                  accessible_name="Electrode clearance", unit="mm", low=0.0, high=80.0, step=1.0,
                  decimals=1, metavar="MM"))


def _shared(defaults) -> tuple[Param, ...]:
    """Every operation's target, slice and head."""
    target, spec, head = defaults.target, defaults.slice, defaults.head
    return (
        Param("target", POINT, tuple(target.centre_mm), "target centre in mm", ("target.centre_mm",),
              label="Target", unit="mm", low=-200.0, high=200.0, step=1.0, decimals=1, metavar="X,Y,Z",
              tooltip="Centre of the region of interest: x right, y front, z up, in mm from the head centre."),
        Param("target_radius", LENGTH, target.radius_mm, "target radius", ("target.radius_mm",),
              label="Radius", tooltip="Radius of the spherical region of interest.",
              accessible_name="Target radius", unit="mm", low=0.5, high=100.0, step=1.0, decimals=1,
              metavar="MM"),
        Param("plane", PLANE, spec.plane, "slice orientation", ("slice.plane",), label="Slice",
              tooltip="The plane mapped through the target, and its points per side.",
              accessible_name="Slice plane", choices=PLANES),
        Param("offset", LENGTH, spec.offset_mm, "slice position along its normal", ("slice.offset_mm",),
              unit="mm", metavar="MM", default_help="default: through the target"),
        Param("size", COUNT, spec.size, "grid points per side", ("slice.size",),
              accessible_name="Grid points per side", unit="px", low=8, high=2048, step=32, metavar="N"),
        Param("head_radius", LENGTH, head.radius_mm, "head radius", ("head.radius_mm",),
              unit="mm", metavar="MM"),
        Param("head_model", CHOICE, head.model,
              "head model: four-shell (brain, CSF, skull, scalp) or homogeneous", ("head.model",),
              label="Head model", accessible_name="Head model", choices=HEAD_MODELS,
              tooltip="Four-shell: brain, CSF, skull and scalp, each with its own conductivity (the "
                      "default). Homogeneous: one tissue, faster and more optimistic (docs/ops.md)."),
        Param("conductivity", NUMBER, head.conductivity_s_per_m,
              "tissue conductivity of the homogeneous model", ("head.conductivity_s_per_m",),
              unit="S/m", metavar="S/M"),
        Param("shell_conductivities", NUMBERS, tuple(head.shell_conductivities_s_per_m),
              "four-shell conductivities of brain, CSF, skull, scalp in S/m",
              ("head.shell_conductivities_s_per_m",), unit="S/m", metavar="B,C,S,S"),
        Param("shell_thicknesses", NUMBERS, tuple(head.shell_thicknesses_mm),
              "four-shell thicknesses of CSF, skull, scalp in mm (the brain fills the rest)",
              ("head.shell_thicknesses_mm",), unit="mm", metavar="C,S,S"),
    )


def _flex_params(d) -> tuple[Param, ...]:
    return (*_search_common(d),
            Param("budget", COUNT, d.budget, "field evaluations allowed in all", ("budget",), label="Budget",
                  tooltip="Field evaluations the whole search may use (the default comes from a "
                          "convergence study, docs/ops.md).", low=1, high=1_000_000),
            Param("restarts", COUNT, d.restarts, "simplex runs from the best random starts", ("restarts",),
                  label="Restarts", tooltip="Simplex runs, from the best of many random montages; "
                                            "they share the budget.", low=1, high=1000),
            Param("min_separation", LENGTH, d.min_separation_mm,
                  "smallest distance between electrodes, also between the 10-10 sites they snap to",
                  ("min_separation_mm",), label="Min. separation",
                  tooltip="No two electrodes closer than this (neighbouring 10-10 sites are about "
                          "27-36 mm apart on the default head).",
                  accessible_name="Minimum electrode separation", unit="mm", low=0.0, high=90.0,
                  step=1.0, decimals=1, metavar="MM"),
            *_shared(d))


def _ex_params(d) -> tuple[Param, ...]:
    return (*_search_common(d),
            Param("electrodes", NAMES, tuple(d.electrodes), "candidate electrodes", ("electrodes",),
                  label="Electrodes", accessible_name="Candidate electrodes", metavar="NAME,NAME,...",
                  tooltip="Candidate 10-10 electrodes, separated by spaces or commas (at least 4).",
                  default_help="default: the 10-20 sites plus Oz"),
            Param("top", COUNT, d.top_n, "montages to list", ("top_n",), label="Keep best",
                  tooltip="How many montages to keep per ranking.", low=1, high=500, metavar="N"),
            Param("rank_by", CHOICE, d.rank_by,
                  "which ranking picks the mapped montage: focality, or combined (target envelope x "
                  "focality); both only among montages above the intensity floor",
                  ("rank_by",), label="Map the best by", accessible_name="Map the best by",
                  tooltip="Focality: the most focal montage above the intensity floor. Combined: the "
                          "best target envelope x focality above the floor (docs/ops.md).",
                  choices=RANK_BY),
            Param("min_target_fraction", NUMBER, d.min_target_fraction,
                  "intensity floor: a montage is ranked by focality or combined score only if its "
                  "mean target envelope reaches this share of the strongest montage's (0 turns it off)",
                  ("min_target_fraction",), label="Intensity floor", accessible_name="Intensity floor",
                  tooltip="Share of the strongest montage's target envelope a montage needs to be ranked "
                          "by focality (0 to 1).",
                  low=0.0, high=1.0, step=0.05, decimals=2, metavar="SHARE"),
            *_shared(d))


def _defaults(name: str):
    return build_params(name, {})


# The slice rows: the plane's row also answers for the offset, which follows the target.
_TARGET_ROWS = (("target",), ("target_radius",))
_SLICE_ROW = (("plane", "offset", "size"),)
_HEAD_ROW = (("head_model",),)


def _pair_rows(count: int) -> tuple[tuple[str, ...], ...]:
    return tuple((f"pair{i}", f"current{i}") for i in range(1, count + 1))


# -- what telemetry may record -------------------------------------------------------------

def _slice_params(params) -> dict:
    return {"plane": params.slice.plane, "grid_size": params.slice.size}


def _flex_safe_params(params) -> dict:
    return {"budget": params.budget, "restarts": params.restarts}


def _ex_safe_params(params) -> dict:
    return {"n_electrodes": len(params.electrodes),
            "n_combinations": montage_count(len(params.electrodes),
                                            params.current1_ma == params.current2_ma)}


# -- the operations ------------------------------------------------------------------------

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "sim_ti", "sim-ti", "Simulate TI", "sim-ti",
        "Temporal-interference envelope of two electrode pairs on a slice through the target.",
        "TI envelope of two electrode pairs on a slice",
        sim_ti, _pairs(_defaults("sim_ti"), 2) + _shared(_defaults("sim_ti")),
        _pair_rows(2) + _TARGET_ROWS + _SLICE_ROW + _HEAD_ROW, _slice_params),
    Operation(
        "sim_mti", "sim-mti", "Simulate mTI", "sim-mti",
        "Multichannel TI: two TI channels (pairs 1+2 and 3+4) combined on a slice.",
        "multichannel TI envelope of four electrode pairs on a slice",
        sim_mti, _pairs(_defaults("sim_mti"), 4) + _shared(_defaults("sim_mti")),
        _pair_rows(4) + _TARGET_ROWS + _SLICE_ROW + _HEAD_ROW, _slice_params),
    Operation(
        "flex_search", "flex-search", "Flex search", "flex",
        "Optimise four free electrode positions for the most focal envelope at the target.",
        "optimise free positions of four electrodes for a target",
        flex_search, _flex_params(_defaults("flex_search")),
        _TARGET_ROWS + (("budget",), ("restarts",), ("seed",), ("current1",), ("current2",),
                        ("min_separation",), ("clearance",)) + _SLICE_ROW + _HEAD_ROW,
        _flex_safe_params),
    Operation(
        "ex_search", "ex-search", "Exhaustive search", "ex-search",
        "Score every two-pair montage of the candidate electrodes and rank them.",
        "score every two-pair montage from a list of electrodes",
        ex_search, _ex_params(_defaults("ex_search")),
        (("electrodes",),) + _TARGET_ROWS + (("current1",), ("current2",), ("top",), ("rank_by",),
                                             ("min_target_fraction",), ("clearance",)) + _SLICE_ROW
        + _HEAD_ROW,
        _ex_safe_params),
)

BY_NAME = {operation.name: operation for operation in OPERATIONS}
BY_CLI_NAME = {operation.cli_name: operation for operation in OPERATIONS}

__all__ = ["BY_CLI_NAME", "BY_NAME", "OPERATIONS", "Operation", "Param"]
