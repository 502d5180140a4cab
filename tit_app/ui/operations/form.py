"""An operation's parameter form: fields in rows, each with room for its own error message.

Preflight errors (an ops ParamError) are shown next to the field they name, and the
offending editor is marked `invalid` for the style sheet, before anything starts.
"""

from __future__ import annotations

import re

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from tit_app.ui.operations.fields import Field
from tit_app.ui.widgets import restyle


class ParamForm(QWidget):
    def __init__(self, fields: list[Field], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("paramForm")
        self.fields = fields
        self.general_error = _error_label()
        self._errors: dict[int, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(8)
        for field in fields:
            form.addRow(_row_label(field), self._with_error(field))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.general_error)
        layout.addLayout(form)

    def _with_error(self, field: Field) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field.widget)
        error = _error_label()
        column.addWidget(error)
        self._errors[id(field)] = error
        field.widget.setToolTip(field.tooltip)
        return box

    def values(self) -> dict:
        merged: dict = {}
        for field in self.fields:
            merged.update(field.values())
        return merged

    def set_values(self, values: dict) -> None:
        self.clear_errors()
        for field in self.fields:
            field.set_values(values)

    def show_error(self, field_name: str, message: str) -> list[QWidget]:
        """Put `message` beside the field `field_name` names; returns the editors marked."""
        for field in self.fields:
            editors = field.editors_for(field_name)
            if editors:
                for editor in editors:
                    _mark(editor, True)
                _show(self._errors[id(field)], self.readable(message))
                editors[0].setFocus(Qt.OtherFocusReason)
                return editors
        _show(self.general_error, self.readable(f"{field_name}: {message}"))
        return []

    def readable(self, message: str) -> str:
        """`message` with ops' internal field names (`pair1.anode`) replaced by the names the form shows.

        Only names that cannot be ordinary words are replaced (they hold a dot, a digit or a bracket):
        'electrodes' in "needs 4 distinct electrodes" is prose, `pair1.anode` never is.
        """
        names = {name: spoken for field in self.fields for name, spoken in field.spoken_names().items()
                 if re.search(r"[.\d\[]", name)}
        if not names:
            return message
        pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r"\b")
        return pattern.sub(lambda match: names[match.group(0)], message)

    def clear_errors(self) -> None:
        for label in (self.general_error, *self._errors.values()):
            label.clear()
            label.hide()
        for field in self.fields:
            for editor in field.editors():
                _mark(editor, False)

    def error_text(self) -> str:
        """Every message shown right now (for tests and accessibility)."""
        labels = (self.general_error, *self._errors.values())
        return "\n".join(label.text() for label in labels if label.text())


def _row_label(field: Field) -> QLabel:
    label = QLabel(field.label)
    label.setToolTip(field.tooltip)
    label.setBuddy(field.editors()[0] if field.editors() else None)
    return label


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def _show(label: QLabel, text: str) -> None:
    label.setText(text)
    label.show()


def _mark(editor: QWidget, invalid: bool) -> None:
    editor.setProperty("invalid", invalid)
    restyle(editor)
