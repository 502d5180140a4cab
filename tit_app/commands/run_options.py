"""The flags of ``tit-app run``: built from the operations' parameters, and named in errors.

Each :class:`~tit_app.operations.Param` becomes one flag (``target_radius`` ->
``--target-radius``) whose value goes to :func:`tit_app.ops.build_params` under
the same key. A :class:`ParamError` names a parameter field instead
(``target.radius_mm``), so :func:`where` maps it back to the flag the user typed.
"""

from __future__ import annotations

import argparse

from tit_app.operations import CHOICE, COUNT, NAMES, NUMBERS, OPERATIONS, PAIR, PLANE, POINT, Operation, Param
from tit_app.ops.options import parse_names, parse_numbers, parse_pair, parse_xyz


def _argument_type(parse):
    """An argparse type from an ops parser, keeping its error message."""
    def convert(text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    convert.__name__ = parse.__name__
    return convert


# How a flag's text becomes a value, by kind; every other kind is a real number.
_TYPES = {
    PAIR: _argument_type(parse_pair),
    NAMES: _argument_type(parse_names),
    POINT: _argument_type(parse_xyz),
    NUMBERS: _argument_type(parse_numbers),
    COUNT: int,
}


def _shown(param: Param) -> str:
    """The default as a user would type it."""
    value = param.default
    if param.kind == PAIR:
        return ",".join(value)
    if param.kind in (POINT, NUMBERS):
        return ",".join(f"{c:g}" for c in value)
    if param.kind in (COUNT, PLANE, CHOICE):
        return str(value)
    return f"{value:g}"


def _help(param: Param) -> str:
    return f"{param.help} ({param.default_help or 'default ' + _shown(param)})"


def _add_flag(parser: argparse.ArgumentParser, param: Param) -> None:
    """One flag; its default is None, meaning "the model's default"."""
    options: dict = {"help": _help(param)}
    if param.kind in (PLANE, CHOICE):
        options["choices"] = param.choices
    else:
        options["type"] = _TYPES.get(param.kind, float)
    if param.metavar:
        options["metavar"] = param.metavar
    parser.add_argument(param.flag, **options)


def add_operation_options(parser: argparse.ArgumentParser, operation: Operation) -> None:
    """A flag for each parameter of `operation`, then ``--out``."""
    for param in operation.params:
        _add_flag(parser, param)
    parser.add_argument("--out", metavar="FILE", help="save FILE.png (the figure), FILE.npz (the numbers), "
                        "FILE.json (parameters and model) and, for a ranking, FILE.csv")


def flag_for(field_name: str) -> str:
    """The CLI flag behind a parameter field, or the field itself."""
    # Any operation's parameters: a field means the same flag in every operation.
    for operation in OPERATIONS:
        param = operation.param_answering_for(field_name)
        if param is not None:
            return param.flag
    return field_name


def where(field_name: str) -> str:
    """"--flag (field)" for error messages; just the flag when they match."""
    flag = flag_for(field_name)
    if flag in (field_name, "--" + field_name.replace("_", "-")):
        return flag
    return f"{flag} ({field_name})"
