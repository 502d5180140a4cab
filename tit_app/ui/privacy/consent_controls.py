"""The Privacy page's top box: the sharing toggle, the level, and the reason for the state.

The reason is always shown, verbatim from the consent decision, because it is the one
sentence that explains *why* the toggle is where it is (a kill switch, a policy, you).
"""

from __future__ import annotations

import logging

from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import QCheckBox, QComboBox, QGridLayout, QGroupBox, QLabel

from tit_app import telemetry
from tit_app.ui.widgets import restyle

log = logging.getLogger(__name__)

LEVELS = (("Usage and errors", "usage"), ("Errors only", "errors"))


class ConsentControls(QGroupBox):
    choice_saved = pyqtSignal(bool, bool)  # (enabled, saved to disk)

    def __init__(self, parent=None) -> None:
        super().__init__("Sharing", parent)
        self.toggle = QCheckBox("Share anonymous usage statistics")
        self.toggle.setObjectName("shareToggle")
        self.toggle.setAccessibleName("Share anonymous usage statistics")
        self.level = QComboBox()
        self.level.setObjectName("levelCombo")
        self.level.setAccessibleName("What to share")
        for text, value in LEVELS:
            self.level.addItem(text, value)
        self.reason = QLabel()
        self.reason.setObjectName("reasonLabel")
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Why usage statistics are on or off")
        share = QLabel("Share:")
        share.setBuddy(self.level)
        layout = QGridLayout(self)
        layout.setHorizontalSpacing(10)
        layout.setColumnStretch(1, 1)
        layout.addWidget(self.toggle, 0, 0)
        layout.addWidget(share, 0, 2)
        layout.addWidget(self.level, 0, 3)
        layout.addWidget(self.reason, 1, 0, 1, 4)
        self.toggle.clicked.connect(self._apply)
        self.level.activated.connect(self._apply)
        self.refresh()

    def refresh(self) -> None:
        """Show the current decision; read from the engine, no disk or network."""
        decision = _decision()
        self.toggle.setChecked(decision is not None and decision.enabled)
        level = decision.level if decision is not None and decision.level else _stored_level()
        self.level.setCurrentIndex(max(0, self.level.findData(level)))
        can_change = decision is not None and decision.user_can_change
        self.toggle.setEnabled(can_change)
        self.level.setEnabled(can_change and self.toggle.isChecked())
        self.reason.setText(decision.reason if decision is not None else "Off: usage statistics are unavailable.")
        sharing = "on" if self.toggle.isChecked() else "off"
        if self.property("sharing") != sharing:
            self.setProperty("sharing", sharing)
            restyle(self.reason)  # its look depends on this property (style.qss)

    def _apply(self) -> None:
        enabled = self.toggle.isChecked()
        try:
            saved = telemetry.set_enabled(enabled, self.level.currentData())
        except Exception:  # a broken store or config must not take the settings page down
            log.exception("could not change the telemetry setting")
            saved = False
        self.refresh()
        self.choice_saved.emit(enabled, saved)


def _decision():
    try:
        return telemetry.decision()
    except Exception:
        log.exception("could not read the telemetry decision")
        return None


def _stored_level() -> str:
    try:
        return telemetry.level()
    except Exception:
        return "usage"
