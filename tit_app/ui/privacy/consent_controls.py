"""The Privacy page's top box: sharing on or off, the level, preview only, the reason and the answer.

The reason is always shown, verbatim from the consent decision, because it is the one
sentence that explains *why* the toggle is where it is (a kill switch, a policy, you).
The receipt line below it says what the user agreed to, when and where.

The rules the controls follow (docs/gui.md):
- a kill switch or a policy of "off" decides: everything is greyed out;
- a policy of "errors" caps, it never traps: the toggle works, and "Usage and errors"
  is shown but cannot be chosen;
- a "yes" that no longer covers what can leave is paused until the user answers the
  question again, which "Review and answer…" asks.

Saving a change (which may purge the queue) and reading the state back run on the telemetry
task thread (`ui/delivery/tasks.py`); the controls wait, disabled, and show the state read
after the change when it is done.
"""

from __future__ import annotations

import logging

from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtWidgets import QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton

from tit_app import telemetry
from tit_app.ui.consent_dialog import ConsentDialog
from tit_app.ui.consent_state import ConsentState, answer_text, read_consent_state
from tit_app.ui.delivery.tasks import tasks
from tit_app.ui.widgets import hint_label, restyle

log = logging.getLogger(__name__)

LEVELS = (("Usage and errors", "usage"), ("Errors only", "errors"))
SHARE_USAGE = "Share anonymous usage statistics"
SHARE_ERRORS = "Share anonymous error reports"
CAPPED = "Your administrator allows error reports only, so usage statistics cannot be chosen here."
PREVIEW = "Keep events on this computer (preview only)"
PREVIEW_TIP = ("Events are still recorded and listed under Pending with their exact payloads, but none of "
               "them is sent until you clear this box. (A request to delete the data of an old anonymous id "
               "is still sent.)")
UNAVAILABLE = "Off: usage statistics are unavailable."


class ConsentControls(QGroupBox):
    choice_saved = pyqtSignal(bool, bool)  # (enabled, saved to disk)
    preview_saved = pyqtSignal(bool, bool)  # (preview on, saved to disk)
    opting_out = pyqtSignal()  # the user turned sharing off: the queue is being purged

    def __init__(self, parent=None) -> None:
        super().__init__("Sharing", parent)
        self.state: ConsentState | None = None
        self.toggle = QCheckBox(SHARE_USAGE)
        self.toggle.setObjectName("shareToggle")
        self.level = self._level_combo()
        self.preview = QCheckBox(PREVIEW)
        self.preview.setObjectName("previewCheck")
        self.preview.setAccessibleName(PREVIEW)
        self.preview.setToolTip(PREVIEW_TIP)
        self.reason = QLabel()
        self.reason.setObjectName("reasonLabel")
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Why usage statistics are on or off")
        self.answer = hint_label()
        self.answer.setObjectName("answerLabel")
        self.answer.setAccessibleName("Your recorded answer")
        self.answer.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.review_button = QPushButton("Review and answer…")
        self.review_button.setObjectName("reviewButton")
        self.review_button.setAccessibleName("Review what changed and answer again")
        self.review_button.setAutoDefault(False)
        self._build_layout()
        self.toggle.clicked.connect(self._apply)
        self.level.activated.connect(self._apply)
        self.preview.clicked.connect(self._apply_preview)
        self.review_button.clicked.connect(self._review)
        self.show_state(None)

    def _level_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName("levelCombo")
        combo.setAccessibleName("What to share")
        for text, value in LEVELS:
            combo.addItem(text, value)
        return combo

    def _build_layout(self) -> None:
        share = QLabel("Share:")
        share.setBuddy(self.level)
        layout = QGridLayout(self)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(8)
        layout.setColumnStretch(1, 1)
        layout.addWidget(self.toggle, 0, 0)
        layout.addWidget(share, 0, 2)
        layout.addWidget(self.level, 0, 3)
        layout.addWidget(self.preview, 1, 0, 1, 4)
        layout.addWidget(self.reason, 2, 0, 1, 4)
        answer_row = QHBoxLayout()  # the answer takes the whole width while the button is hidden
        answer_row.addWidget(self.answer, 1)
        answer_row.addWidget(self.review_button)
        layout.addLayout(answer_row, 3, 0, 1, 4)

    # -- showing the state ---------------------------------------------------------------

    def refresh(self) -> None:
        """Read the consent state (on the task thread) and show it."""
        tasks().run(read_consent_state, lambda state, _error: self.show_state(state))

    def show_state(self, state: ConsentState | None, force: bool = False) -> None:
        """Show `state`, unless it was read before the one shown (a snapshot overtaken by a click here)."""
        if not force and state is not None and not state.is_newer_than(self.state):
            return
        self.state = state
        decision = state.decision if state is not None else None
        can_change = decision is not None and decision.user_can_change
        self.toggle.setChecked(decision is not None and decision.enabled)
        self.toggle.setEnabled(can_change)
        self.toggle.setText(SHARE_ERRORS if state is not None and state.capped_to_errors else SHARE_USAGE)
        self.toggle.setAccessibleName(self.toggle.text())
        self._show_level(state, can_change)
        self.preview.setChecked(state is not None and state.preview)
        self.preview.setEnabled(can_change)
        self.reason.setText(decision.reason if decision is not None else UNAVAILABLE)
        self.answer.setText(answer_text(state))
        self.review_button.setVisible(state is not None and state.paused_for_answer)
        self._restyle_for(self.toggle.isChecked())

    def _show_level(self, state: ConsentState | None, can_change: bool) -> None:
        capped = state is not None and state.capped_to_errors
        usage = self.level.model().item(self.level.findData("usage"))
        usage.setEnabled(not capped)  # shown, so the cap is visible, but it cannot be chosen
        usage.setToolTip(CAPPED if capped else "")
        self.level.setToolTip(CAPPED if capped else "")
        level = "errors" if capped else self._level_of(state)
        self.level.setCurrentIndex(max(0, self.level.findData(level)))
        self.level.setEnabled(can_change and self.toggle.isChecked())

    @staticmethod
    def _level_of(state: ConsentState | None) -> str:
        if state is None:
            return "usage"
        return state.decision.level or state.level

    def _restyle_for(self, sharing_on: bool) -> None:
        sharing = "on" if sharing_on else "off"
        if self.property("sharing") != sharing:
            self.setProperty("sharing", sharing)
            restyle(self.reason)  # its look depends on this property (style.qss)

    # -- the user's changes --------------------------------------------------------------

    def _apply(self) -> None:
        enabled, level = self.toggle.isChecked(), self.level.currentData()
        if not enabled:
            self.opting_out.emit()
        self._save(lambda: telemetry.set_enabled(enabled, level, via="privacy page"),
                   lambda saved: self.choice_saved.emit(enabled, saved))

    def _apply_preview(self) -> None:
        on = self.preview.isChecked()
        self._save(lambda: telemetry.set_preview(on), lambda saved: self.preview_saved.emit(on, saved))

    def _save(self, change, report) -> None:
        """Make `change` on the task thread, read the state after it, show it, then `report(saved)`."""
        for widget in (self.toggle, self.level, self.preview):
            widget.setEnabled(False)  # until the change is made and shown

        def work():
            try:
                saved = change()
            except Exception:  # a broken store or config must not take the settings page down
                log.exception("could not change the telemetry setting")
                saved = False
            return saved, read_consent_state()

        def done(result, _error) -> None:
            saved, state = result
            self.show_state(state, force=True)
            report(bool(saved))

        tasks().run(work, done)

    def _review(self) -> None:
        """Ask the question again, with what changed, in the same dialog as at start-up."""
        dialog = ConsentDialog(self.window())
        dialog.exec_()  # the dialog saves the answer on the task thread before it closes
        self.refresh()
        if dialog.agreed is not None:
            self.choice_saved.emit(dialog.agreed, dialog.saved)
