"""The TI-specific form editors: electrode pairs, currents, the target, the slice, electrode lists.

Each takes the parameters it edits (`tit_app.operations.Param`): their defaults,
limits, labels and tooltips, and the ParamError fields that point at its editors.
"""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QCompleter, QLabel, QLineEdit

from tit_app.operations import Param
from tit_app.ops import electrodes
from tit_app.ui.operations.fields import Field, choice_box, int_box, number_box, param_box, without_buttons


BOX_CHROME = 40  # a spin or combo box's padding, frame and arrows (style.qss), beside its text


def electrode_edit(name: str, accessible: str) -> QLineEdit:
    """A short line edit for one 10-10 name, completing known names."""
    edit = QLineEdit(name)
    edit.setAccessibleName(accessible)
    edit.setMaxLength(8)
    edit.setFixedWidth(54)
    completer = QCompleter(list(electrodes.NAMES), edit)
    completer.setCaseSensitivity(Qt.CaseInsensitive)
    edit.setCompleter(completer)
    return edit


def _index(param: Param) -> int:
    """The pair number in a key such as ``pair2`` or ``current2``."""
    return int("".join(filter(str.isdigit, param.key)))


class PairField(Field):
    """Anode, cathode and current of one electrode pair."""

    def __init__(self, pair: Param, current: Param) -> None:
        super().__init__()
        self.index = index = _index(pair)
        self.label, self.tooltip = pair.label, pair.tooltip
        (anode, cathode), (anode_errors, cathode_errors) = pair.default, pair.errors
        self.anode = self._add(electrode_edit(anode, f"{pair.label} anode"), anode_errors)
        self._layout.addWidget(QLabel("→"))
        self.cathode = self._add(electrode_edit(cathode, f"{pair.label} cathode"), cathode_errors)
        self.current = self._add(param_box(current, f"{pair.label} current"), *current.errors, stretch=1)
        shown = self.current.textFromValue(self.current.value()) + self.current.suffix()
        self.current.setMinimumWidth(self.current.fontMetrics().horizontalAdvance(shown) + BOX_CHROME)

    def values(self) -> dict:
        return {f"pair{self.index}": (self.anode.text().strip(), self.cathode.text().strip()),
                f"current{self.index}": self.current.value()}

    def set_values(self, values: dict) -> None:
        names = values.get(f"pair{self.index}")
        if names:
            self.anode.setText(names[0])
            self.cathode.setText(names[1])
        if values.get(f"current{self.index}") is not None:
            self.current.setValue(values[f"current{self.index}"])


class CurrentField(Field):
    """The current of one pair whose electrodes an operation chooses itself."""

    def __init__(self, current: Param) -> None:
        super().__init__()
        self.index = index = _index(current)
        self.label, self.tooltip = current.label, current.tooltip
        self.box = self._add(param_box(current, f"Current of pair {index}"), *current.errors, stretch=1)

    def values(self) -> dict:
        return {f"current{self.index}": self.box.value()}


class TargetField(Field):
    """The x, y, z of a point, in millimetres."""

    def __init__(self, target: Param) -> None:
        super().__init__()
        self.label, self.tooltip = target.label, target.tooltip
        self.xyz = []
        for axis, value in zip("xyz", target.default):
            # The axis letter is the prefix; the unit follows the three boxes once, for the whole row.
            box = number_box(value, target.low, target.high, "", f"{target.label} {axis} in millimetres",
                             target.decimals, target.step)
            box.setPrefix(f"{axis} ")
            without_buttons(box)  # three boxes in a row: room for digits, not arrows
            box.setMinimumWidth(50)  # "x -12.5"; the boxes grow with the form
            self.xyz.append(self._add(box, *target.errors, stretch=1))
        self._layout.addWidget(QLabel(target.unit))  # once for the row: the boxes need their room

    def values(self) -> dict:
        return {"target": tuple(box.value() for box in self.xyz)}

    def set_values(self, values: dict) -> None:
        for box, value in zip(self.xyz, values.get("target") or ()):
            box.setValue(value)


class LengthField(Field):
    """One length in millimetres (the target's radius)."""

    def __init__(self, length: Param) -> None:
        super().__init__()
        self.key, self.label, self.tooltip = length.key, length.label, length.tooltip
        self.box = self._add(param_box(length, length.accessible_name), *length.errors, stretch=1)

    def values(self) -> dict:
        return {self.key: self.box.value()}

    def set_values(self, values: dict) -> None:
        if values.get(self.key) is not None:
            self.box.setValue(values[self.key])


class SliceField(Field):
    """The slice's plane and points per side; its offset is left to follow the target."""

    def __init__(self, plane: Param, offset: Param, size: Param) -> None:
        super().__init__()
        self.label, self.tooltip = plane.label, plane.tooltip
        self.plane = choice_box(plane.accessible_name, plane.choices, plane.default)
        names = (self.plane.itemText(i) for i in range(self.plane.count()))  # three short names: all shown
        self.plane.setMinimumWidth(max(map(self.plane.fontMetrics().horizontalAdvance, names)) + BOX_CHROME)
        # The form has no offset editor: an offset error is about the plane that put the slice there.
        self._add(self.plane, *plane.errors, *offset.errors, stretch=1)
        box = int_box(size.default, size.low, size.high, size.accessible_name, f" {size.unit}", size.step)
        self.size = self._add(box, *size.errors, stretch=1)

    def values(self) -> dict:
        return {"plane": self.plane.currentData(), "size": self.size.value()}

    def set_values(self, values: dict) -> None:
        if values.get("plane"):
            self.plane.setCurrentIndex(max(0, self.plane.findData(values["plane"])))
        if values.get("size"):
            self.size.setValue(values["size"])


class NamesField(Field):
    """A list of electrode names, separated by spaces or commas."""

    def __init__(self, names: Param) -> None:
        super().__init__()
        self.key, self.label, self.tooltip = names.key, names.label, names.tooltip
        self.edit = QLineEdit(" ".join(names.default))
        self.edit.setCursorPosition(0)  # show the start of a long list
        self.edit.setAccessibleName(names.accessible_name)
        self._add(self.edit, *names.errors, stretch=1)

    def values(self) -> dict:
        return {self.key: tuple(self.edit.text().replace(",", " ").split())}
