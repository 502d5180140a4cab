"""The editors of an operation's parameter form: the base class and the generic field kinds.

A field edits one form row, one or more of an operation's parameters
(`tit_app.operations.Param`, which give its label, limits and tooltip). It turns
its widgets into the flat option values `ops.options.build_params` understands, and
says which of its widgets an ops `ParamError.field` (e.g. `pair2.cathode`,
`slice.size`, `electrodes[3]`) points at, so the error can be shown right there.
The TI-specific editors are in `ti_fields`; `field_rows` picks one for each row.
"""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QSpinBox, QWidget

from tit_app.operations import Param


class Field:
    label = ""
    tooltip = ""

    def __init__(self) -> None:
        self.widget = QWidget()
        self._layout = QHBoxLayout(self.widget)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._editors: dict[str, list[QWidget]] = {}  # ParamError field name or prefix -> editors

    def _add(self, editor: QWidget, *error_names: str, stretch: int = 0) -> QWidget:
        self._layout.addWidget(editor, stretch)
        for name in error_names:
            self._editors.setdefault(name, []).append(editor)
        return editor

    def editors_for(self, field_name: str) -> list[QWidget]:
        """The widgets a ParamError about `field_name` belongs to (none if it is not ours)."""
        for name, editors in self._editors.items():
            if field_name == name or field_name.startswith((name + ".", name + "[")):
                return editors
        return []

    def spoken_names(self) -> dict[str, str]:
        """ParamError field names (`pair1.anode`) and the name the user knows them by (`Pair 1 anode`)."""
        return {name: editors[0].accessibleName() for name, editors in self._editors.items()
                if editors[0].accessibleName()}

    def editors(self) -> list[QWidget]:
        return list(dict.fromkeys(e for editors in self._editors.values() for e in editors))

    def values(self) -> dict:
        raise NotImplementedError

    def set_values(self, values: dict) -> None:
        """Fill in whatever of `values` this field shows (used to open a result as a simulation)."""


def number_box(value: float, low: float, high: float, suffix: str, accessible: str, decimals: int = 1,
               step: float = 1.0) -> QDoubleSpinBox:
    """A right-aligned real-number spin box."""
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setAccessibleName(accessible)
    box.setAlignment(Qt.AlignRight)
    box.setMinimumWidth(60)  # the size hint fits '-200.0' plus affixes; rows of several boxes need less
    return box


def int_box(value: int, low: int, high: int, accessible: str, suffix: str = "", step: int = 1) -> QSpinBox:
    """A right-aligned whole-number spin box."""
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setAccessibleName(accessible)
    box.setAlignment(Qt.AlignRight)
    box.setMinimumWidth(70)  # room for five digits and a short unit
    return box


def choice_box(accessible: str, choices, default) -> QComboBox:
    """A drop-down of the parameter's choices; the longest choice does not set the form's width
    (the box grows with the form, and the open list shows every choice in full)."""
    box = QComboBox()
    box.setAccessibleName(accessible)
    for choice in choices:
        box.addItem(choice.capitalize(), choice)
    box.setCurrentIndex(max(0, box.findData(default)))
    box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLength)
    box.setMinimumWidth(80)
    return box


def param_box(param: Param, accessible: str, value: float | None = None) -> QDoubleSpinBox:
    """A number box with the parameter's limits, step, decimals and unit."""
    suffix = f" {param.unit}" if param.unit else ""
    return number_box(param.default if value is None else value, param.low, param.high, suffix, accessible,
                      param.decimals, param.step)


def without_buttons(box) -> None:
    """No arrows: for boxes in a row, where the digits need the room."""
    box.setButtonSymbols(QDoubleSpinBox.NoButtons)
    box.setProperty("buttons", "none")


class IntField(Field):
    """A whole number in a spin box (budget, restarts, seed, ranking length)."""

    def __init__(self, param: Param) -> None:
        super().__init__()
        self.key, self.label, self.tooltip = param.key, param.label, param.tooltip
        box = int_box(param.default, int(param.low), int(param.high), param.label)
        self.box = self._add(box, *param.errors, stretch=1)

    def values(self) -> dict:
        return {self.key: self.box.value()}


class ChoiceField(Field):
    """One of the parameter's choices (head model, which ranking the map shows)."""

    def __init__(self, param: Param) -> None:
        super().__init__()
        self.key, self.label, self.tooltip = param.key, param.label, param.tooltip
        self.box = choice_box(param.accessible_name or param.label, param.choices, param.default)
        self._add(self.box, *param.errors, stretch=1)

    def values(self) -> dict:
        return {self.key: self.box.currentData()}

    def set_values(self, values: dict) -> None:
        if values.get(self.key):
            self.box.setCurrentIndex(max(0, self.box.findData(values[self.key])))
