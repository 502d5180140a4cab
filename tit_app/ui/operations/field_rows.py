"""Which editor each row of an operation's form gets, from the kinds of the parameters it edits."""

from __future__ import annotations

from tit_app.operations import CHOICE, COUNT, CURRENT, LENGTH, NAMES, NUMBER, PAIR, PLANE, POINT, Operation
from tit_app.ui.operations.fields import ChoiceField, Field, IntField
from tit_app.ui.operations.ti_fields import CurrentField, LengthField, NamesField, PairField, SliceField, TargetField

# The kinds of a row's parameters -> the editor showing them.
EDITORS = {
    (PAIR, CURRENT): PairField,
    (CURRENT,): CurrentField,
    (POINT,): TargetField,
    (LENGTH,): LengthField,
    (NUMBER,): LengthField,    # one number with the parameter's unit and limits
    (PLANE, LENGTH, COUNT): SliceField,
    (COUNT,): IntField,
    (NAMES,): NamesField,
    (CHOICE,): ChoiceField,
}


def fields_for(operation: Operation) -> list[Field]:
    """New editors for the rows of `operation`'s form, top to bottom."""
    fields = []
    for keys in operation.form:
        params = [operation.param(key) for key in keys]
        editor = EDITORS[tuple(param.kind for param in params)]
        fields.append(editor(*params))
    return fields
