"""The operations' declarations (tit_app.operations) agree with what ops builds from them."""

import pytest

from tit_app.operations import CHOICE, COUNT, NAMES, NUMBERS, OPERATIONS, PAIR, PLANE, POINT
from tit_app.ops import build_params


def _another_value(param):
    """A value other than the parameter's default, of the right kind."""
    if param.kind == PAIR:
        return ("Cz", "Oz")
    if param.kind == NAMES:
        return ("Cz", "Oz", "Fz", "Pz")
    if param.kind == POINT:
        return (1.0, 2.0, 3.0)
    if param.kind == NUMBERS:
        return tuple(value + 0.5 for value in param.default)
    if param.kind in (PLANE, CHOICE):
        return next(choice for choice in param.choices if choice != param.default)
    if param.kind == COUNT:
        return param.default + 1
    return 1.0 if param.default is None else param.default + 1.0


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_every_declared_parameter_reaches_the_operation(operation):
    defaults = build_params(operation.name, {})
    for param in operation.params:
        changed = build_params(operation.name, {param.key: _another_value(param)})
        assert changed != defaults, param.key


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_the_form_shows_declared_parameters_once(operation):
    keys = [key for row in operation.form for key in row]
    assert len(keys) == len(set(keys))
    assert set(keys) <= {param.key for param in operation.params}
