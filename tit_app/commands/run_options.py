"""The flags of ``tit-app run``: declaring them, and naming them in errors.

Flags map one to one onto the keys :func:`tit_app.ops.build_params` reads
(``--target-radius`` -> ``target_radius``); a :class:`ParamError` names a
parameter field instead (``target.radius_mm``), so :func:`where` maps it
back to the flag the user typed.
"""

from __future__ import annotations

import argparse

from tit_app.ops import PLANES, build_params
from tit_app.ops.options import parse_names, parse_pair, parse_xyz


def _argument_type(parse):
    """An argparse type from an ops parser, keeping its error message."""
    def convert(text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    convert.__name__ = parse.__name__
    return convert


_names = _argument_type(parse_names)
_pair = _argument_type(parse_pair)
_xyz = _argument_type(parse_xyz)


def _mm(point) -> str:
    return ",".join(f"{c:g}" for c in point)


def add_operation_options(parser: argparse.ArgumentParser, name: str) -> None:
    """Options of one operation; None defaults mean "the model's default"."""
    add = parser.add_argument
    defaults = build_params(name.replace("-", "_"), {})
    if name in ("sim-ti", "sim-mti"):
        for i in range(1, 3 if name == "sim-ti" else 5):
            pair = getattr(defaults, f"pair{i}")
            add(f"--pair{i}", type=_pair, metavar="ANODE,CATHODE",
                help=f"electrodes of pair {i} (default {pair.anode},{pair.cathode})")
            add(f"--current{i}", type=float, metavar="MA",
                help=f"current of pair {i} in mA (default {pair.current_ma:g})")
    else:
        for i in (1, 2):
            add(f"--current{i}", type=float, metavar="MA",
                help=f"current of pair {i} in mA "
                     f"(default {getattr(defaults, f'current{i}_ma'):g})")
        add("--seed", type=int,
            help=f"random seed, for reproducible runs (default {defaults.seed})")
    if name == "flex-search":
        add("--budget", type=int,
            help=f"field evaluations allowed (default {defaults.budget})")
        add("--restarts", type=int,
            help=f"random restarts (default {defaults.restarts})")
        add("--min-separation", type=float, metavar="MM",
            help="smallest distance between electrodes "
                 f"(default {defaults.min_separation_mm:g})")
    if name == "ex-search":
        add("--electrodes", type=_names, metavar="NAME,NAME,...",
            help="candidate electrodes (default: the 10-20 sites plus Oz)")
        add("--top", type=int, metavar="N",
            help=f"montages to list (default {defaults.top_n})")
    target, spec, head = defaults.target, defaults.slice, defaults.head
    add("--target", type=_xyz, metavar="X,Y,Z",
        help=f"target centre in mm (default {_mm(target.centre_mm)})")
    add("--target-radius", type=float, metavar="MM",
        help=f"target radius (default {target.radius_mm:g})")
    add("--plane", choices=PLANES, help=f"slice orientation (default {spec.plane})")
    add("--offset", type=float, metavar="MM",
        help="slice position along its normal (default: through the target)")
    add("--size", type=int, metavar="N",
        help=f"grid points per side (default {spec.size})")
    add("--head-radius", type=float, metavar="MM",
        help=f"head radius (default {head.radius_mm:g})")
    add("--conductivity", type=float, metavar="S/M",
        help=f"tissue conductivity (default {head.conductivity_s_per_m:g})")
    add("--out", metavar="FILE", help="save FILE.png and FILE.npz")


# Parameter fields (as ParamError names them) -> the flags that set them.
_FLAGS = {"target.centre_mm": "--target", "target.radius_mm": "--target-radius",
          "slice.plane": "--plane", "slice.offset_mm": "--offset",
          "slice.size": "--size", "head.radius_mm": "--head-radius",
          "head.conductivity_s_per_m": "--conductivity",
          "min_separation_mm": "--min-separation", "top_n": "--top"}


def flag_for(field_name: str) -> str:
    """The CLI flag behind a parameter field, or the field itself."""
    head, _, tail = field_name.partition(".")
    if head.startswith("pair") and tail:
        return f"--current{head[4:]}" if tail == "current_ma" else f"--{head}"
    if head.startswith("current"):
        return "--" + head.removesuffix("_ma")
    if head.startswith("electrodes"):
        return "--electrodes"
    if field_name in ("budget", "restarts", "seed"):
        return "--" + field_name
    return _FLAGS.get(field_name, field_name)


def where(field_name: str) -> str:
    """"--flag (field)" for error messages; just the flag when they match."""
    flag = flag_for(field_name)
    if flag in (field_name, "--" + field_name.replace("_", "-")):
        return flag
    return f"{flag} ({field_name})"
