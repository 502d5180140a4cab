"""The first-run consent dialog (registered as the core's `consent_prompt_gui()` by `register()`).

Two equal buttons and no default: Enter must not mean yes. Esc and closing the window
mean No Thanks. The answer is saved at once; if the save fails the engine keeps the
answer for this session and `saved` tells the caller to say so (without another modal box).
"""

from __future__ import annotations

import logging

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QDialog, QHBoxLayout, QLabel, QLayout, QPushButton, QVBoxLayout

from tit_app import telemetry
from tit_app.ui import assets
from tit_app.ui.privacy.catalog_view import show_catalog
from tit_app.ui.qt_app import application
from tit_app.ui.widgets import svg_logo

log = logging.getLogger(__name__)

TITLE = "tit_app — Usage Data"
TEXT_WIDTH = 470


def consent_needed() -> bool:
    """True while nobody has answered and the answer is the user's to give."""
    try:
        return not telemetry.consent_asked() and telemetry.decision().user_can_change
    except Exception:  # a broken config means we cannot ask sensibly; telemetry stays off
        log.exception("could not read the consent state")
        return False


def save_answer(agreed: bool) -> bool:
    """Save the choice; False when it could only be kept for this session."""
    try:
        return telemetry.set_enabled(agreed)
    except Exception:
        log.exception("could not save the consent answer")
        return False


class ConsentDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.agreed: bool | None = None
        self.saved = True
        self.setObjectName("consentDialog")
        self.setWindowTitle(TITLE)
        self.setWindowIcon(assets.app_icon())
        self.setWindowFlag(Qt.WindowContextHelpButtonHint, False)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.setSizeConstraint(QLayout.SetFixedSize)  # sized by its text; nothing to gain by resizing
        layout.addLayout(self._build_body())
        layout.addLayout(self._build_buttons())
        self.details_button.setFocus(Qt.OtherFocusReason)  # focus on neither answer

    def _build_body(self) -> QHBoxLayout:
        logo = svg_logo(56)
        text = QLabel(assets.consent_text())
        text.setObjectName("consentText")
        text.setTextFormat(Qt.MarkdownText)
        text.setWordWrap(True)
        text.setFixedWidth(TEXT_WIDTH)  # a fixed width gives word-wrapped text a reliable height
        text.setAccessibleName("What usage data tit_app would share")
        self.details_button = _plain_button("What exactly is sent?", "linkButton")
        self.details_button.setCursor(Qt.PointingHandCursor)
        self.details_button.clicked.connect(lambda: show_catalog(self))
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(text)
        column.addWidget(self.details_button, 0, Qt.AlignLeft)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(logo, 0, Qt.AlignTop)
        body.addLayout(column, 1)
        return body

    def _build_buttons(self) -> QHBoxLayout:
        self.no_button = _plain_button("No Thanks", "noThanksButton")
        self.enable_button = _plain_button("Enable", "enableButton")
        for button in (self.no_button, self.enable_button):
            button.setMinimumWidth(120)
        self.no_button.clicked.connect(lambda: self._answer(False))
        self.enable_button.clicked.connect(lambda: self._answer(True))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.no_button)
        row.addWidget(self.enable_button)
        return row

    def _answer(self, agreed: bool) -> None:
        if self.agreed is None:  # the first answer counts; closing after a click changes nothing
            self.agreed = agreed
            self.saved = save_answer(agreed)
        super().done(QDialog.Accepted if self.agreed else QDialog.Rejected)

    def reject(self) -> None:
        # Esc, the window's close button and Alt+F4 all land here: they mean No Thanks.
        self._answer(False)


def _plain_button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def ask_consent(parent=None) -> bool | None:
    """Show the dialog modally if the question is still open; returns the answer or None."""
    if not consent_needed():
        return None
    application()  # the core may ask before any window exists
    dialog = ConsentDialog(parent)
    dialog.exec_()
    return dialog.agreed


def register() -> None:
    """Let the core's `consent_prompt_gui()` show this dialog; the core never imports the UI itself."""
    telemetry.register_gui_prompt(ask_consent)
