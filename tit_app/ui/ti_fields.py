"""The TI-specific form editors: electrode pairs, currents, the target, the slice, electrode lists."""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit

from tit_app.ops import electrodes
from tit_app.ui.param_fields import Field, int_box, number_box, without_buttons


def electrode_edit(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit(name)
    edit.setAccessibleName(accessible)
    edit.setMaxLength(8)
    edit.setFixedWidth(54)
    completer = QCompleter(list(electrodes.NAMES), edit)
    completer.setCaseSensitivity(Qt.CaseInsensitive)
    edit.setCompleter(completer)
    return edit


class PairField(Field):
    tooltip = "Current flows in at the anode and out at the cathode (10-10 names such as F7, Cz, PO8)."

    def __init__(self, index: int, pair) -> None:
        super().__init__()
        self.index = index
        self.label = f"Pair {index}"
        prefix = f"pair{index}"
        self.anode = self._add(electrode_edit(pair.anode, f"Pair {index} anode"), f"{prefix}.anode")
        self._layout.addWidget(QLabel("→"))
        self.cathode = self._add(electrode_edit(pair.cathode, f"Pair {index} cathode"), f"{prefix}.cathode")
        current = number_box(pair.current_ma, 0.0, 20.0, " mA", f"Pair {index} current", 2, 0.1)
        self.current = self._add(current, f"{prefix}.current_ma", f"current{index}_ma", stretch=1)

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
    def __init__(self, index: int, value: float) -> None:
        super().__init__()
        self.index = index
        self.label = f"Current {index}"
        box = number_box(value, 0.0, 20.0, " mA", f"Current of pair {index}", 2, 0.1)
        self.box = self._add(box, f"current{index}_ma", stretch=1)

    def values(self) -> dict:
        return {f"current{self.index}": self.box.value()}


class TargetField(Field):
    label = "Target"
    tooltip = "Centre of the region of interest: x right, y front, z up, in mm from the head centre."

    def __init__(self, target) -> None:
        super().__init__()
        self.xyz = []
        for axis, value in zip("xyz", target.centre_mm):
            box = number_box(value, -200.0, 200.0, "", f"Target {axis} in millimetres")
            box.setPrefix(f"{axis} ")
            without_buttons(box)  # three boxes in a row: room for digits, not arrows
            self.xyz.append(self._add(box, "target.centre_mm", stretch=1))

    def values(self) -> dict:
        return {"target": tuple(box.value() for box in self.xyz)}

    def set_values(self, values: dict) -> None:
        for box, value in zip(self.xyz, values.get("target") or ()):
            box.setValue(value)


class RadiusField(Field):
    label = "Radius"
    tooltip = "Radius of the spherical region of interest."

    def __init__(self, target) -> None:
        super().__init__()
        self.radius = self._add(number_box(target.radius_mm, 0.5, 100.0, " mm", "Target radius"),
                                "target.radius_mm", stretch=1)

    def values(self) -> dict:
        return {"target_radius": self.radius.value()}

    def set_values(self, values: dict) -> None:
        if values.get("target_radius") is not None:
            self.radius.setValue(values["target_radius"])


class SliceField(Field):
    label = "Slice"
    tooltip = "The plane mapped through the target, and its points per side."

    def __init__(self, spec) -> None:
        super().__init__()
        self.plane = QComboBox()
        self.plane.setAccessibleName("Slice plane")
        for plane in ("axial", "coronal", "sagittal"):
            self.plane.addItem(plane.capitalize(), plane)
        self.plane.setCurrentIndex(max(0, self.plane.findData(spec.plane)))
        self.plane.setMinimumWidth(90)
        self._add(self.plane, "slice.plane", "slice.offset_mm", stretch=1)
        self.size = self._add(int_box(spec.size, 8, 2048, "Grid points per side", " px", 32), "slice.size", stretch=1)

    def values(self) -> dict:
        return {"plane": self.plane.currentData(), "size": self.size.value()}

    def set_values(self, values: dict) -> None:
        if values.get("plane"):
            self.plane.setCurrentIndex(max(0, self.plane.findData(values["plane"])))
        if values.get("size"):
            self.size.setValue(values["size"])


class NamesField(Field):
    label = "Electrodes"
    tooltip = "Candidate 10-10 electrodes, separated by spaces or commas (at least 4)."

    def __init__(self, names) -> None:
        super().__init__()
        self.edit = QLineEdit(" ".join(names))
        self.edit.setCursorPosition(0)  # show the start of a long list
        self.edit.setAccessibleName("Candidate electrodes")
        self._add(self.edit, "electrodes", stretch=1)

    def values(self) -> dict:
        return {"electrodes": tuple(self.edit.text().replace(",", " ").split())}
