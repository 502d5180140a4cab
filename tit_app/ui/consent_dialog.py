"""The consent dialog (registered as the core's `consent_prompt_gui()` by `register()`).

Its text is the notice the core generates for this installation (`telemetry.consent_notice()`):
what can leave at the most the policy allows, who receives it, and when. When a "yes"
no longer covers what can leave (`telemetry.consent_changes()`), the same dialog asks
again and says first what is new.

Two equal buttons and no default: Enter must not mean yes. Enter presses the button that
has the keyboard focus (shown by a focus frame, also on the "What exactly is sent?" link
where the focus starts), and nothing when no button has it. Esc and closing the window
mean No Thanks. The answer is saved on the telemetry task thread (`ui/delivery/tasks.py`:
a first yes stores the first_run event in SQLite), with a receipt saying it was given here;
the dialog closes when it is saved. If the save fails the engine keeps the answer for this
session and `saved` tells the caller to say so (without another modal box).
"""

from __future__ import annotations

import logging

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tit_app import telemetry
from tit_app.ui import assets
from tit_app.ui.delivery.tasks import tasks
from tit_app.ui.privacy.catalog_view import show_catalog
from tit_app.ui.qt_app import application
from tit_app.ui.widgets import WINDOW_FRAME_ALLOWANCE, svg_logo

log = logging.getLogger(__name__)

# Like every window's title, they end in the app's name, which X11 would otherwise append.
TITLE = "Usage Data — tit_app"
REASK_TITLE = "What is shared has changed — tit_app"
TEXT_WIDTH = 540
TEXT_GUTTER = 8  # between the text and the scroll bar
# Taller notices scroll: with the buttons, the dialog then fits a 1024×700 screen.
TEXT_MAX_HEIGHT = 440
TEXT_MIN_HEIGHT = 160
# An amber note, so what changed stands apart from the notice below it.
CHANGES_STYLE = ("QLabel#consentChanges { background: #fff8e6; border: 1px solid #f1d9a6; "
                 "border-radius: 6px; padding: 8px 12px; }")
# The link looks like text, so without a frame nobody sees that it has the focus (it does at first).
# The same room with and without the frame, so the text does not move or get cut when it shows.
LINK_FOCUS_STYLE = ("QPushButton#linkButton { border: 1px solid transparent; border-radius: 3px; padding: 1px 3px; }"
                    "QPushButton#linkButton:focus { border: 1px dotted #1e40af; }")
ENTER_KEYS = (Qt.Key_Return, Qt.Key_Enter)


def consent_needed() -> bool:
    """True while the question is open (never answered, or asked again) and the answer is the user's to give."""
    try:
        return telemetry.consent_needed()
    except Exception:  # a broken config means we cannot ask sensibly; telemetry stays off
        log.exception("could not read the consent state")
        return False


def save_answer(agreed: bool) -> bool:
    """Save the choice with a receipt saying the dialog took it; False when it is kept for this session only."""
    try:
        return telemetry.set_enabled(agreed, via="dialog")
    except Exception:
        log.exception("could not save the consent answer")
        return False


def _read(generate, what: str) -> str:
    try:
        return generate()
    except Exception:  # the dialog still asks, with what it could read
        log.exception("could not generate the %s", what)
        return ""


class ConsentDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.agreed: bool | None = None
        self.saved = True
        self.changes = _read(telemetry.consent_changes_notice, "list of changes")  # "" unless asking again
        self.notice = _read(telemetry.consent_notice, "consent notice")
        self.setObjectName("consentDialog")
        self.setWindowTitle(REASK_TITLE if self.changes else TITLE)
        self.setWindowIcon(assets.app_icon())
        self.setWindowFlag(Qt.WindowContextHelpButtonHint, False)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.setSizeConstraint(QLayout.SetFixedSize)  # sized by its text; nothing to gain by resizing
        layout.addLayout(self._build_body())
        layout.addLayout(self._build_buttons())
        self._fit_to_screen()
        self.details_button.setFocus(Qt.OtherFocusReason)  # focus on neither answer

    def text(self) -> str:
        """Everything the dialog says, as Markdown: what changed (when asking again), then the notice."""
        return self.changes + self.notice

    def _build_body(self) -> QHBoxLayout:
        self.text_area = self._build_text_area()
        self.details_button = _plain_button("What exactly is sent?", "linkButton")
        self.details_button.setCursor(Qt.PointingHandCursor)
        self.details_button.setStyleSheet(LINK_FOCUS_STYLE)
        self.details_button.clicked.connect(lambda: show_catalog(self))
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(self.text_area)
        column.addWidget(self.details_button, 0, Qt.AlignLeft)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(svg_logo(56), 0, Qt.AlignTop)
        body.addLayout(column, 1)
        return body

    def _build_text_area(self) -> QScrollArea:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, TEXT_GUTTER, 4)
        column.setSpacing(12)
        if self.changes:
            changes = _markdown_label(self.changes, "consentChanges", "What tit_app can send now that it could not before")
            changes.setStyleSheet(CHANGES_STYLE)
            column.addWidget(changes)
        column.addWidget(_markdown_label(self.notice, "consentText", "What tit_app would share"))
        column.addStretch(1)
        area = QScrollArea()
        area.setObjectName("consentScroll")
        area.setAccessibleName("Notice")  # a Tab stop, so the keyboard can scroll the notice
        area.setFrameShape(QFrame.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        area.setWidgetResizable(True)
        area.setWidget(content)
        content.setAutoFillBackground(False)  # setWidget turned it on; the dialog's background shows through
        area.viewport().setAutoFillBackground(False)
        bar = area.verticalScrollBar()
        bar.ensurePolished()  # its width comes from the style sheet
        area.setFixedWidth(TEXT_WIDTH + TEXT_GUTTER + bar.sizeHint().width())
        # The labels fill the viewport, so their height is asked for at the width they are drawn at.
        area.setFixedHeight(min(content.heightForWidth(TEXT_WIDTH + TEXT_GUTTER), TEXT_MAX_HEIGHT))
        return area

    def _fit_to_screen(self) -> None:
        """Shorten the text area (it scrolls) until the whole dialog fits on the screen it opens on."""
        screen = self.screen()  # the parent's screen, or the primary one before the dialog is shown
        if screen is None:
            return
        around_text = self.sizeHint().height() - self.text_area.height()
        room = screen.availableGeometry().height() - WINDOW_FRAME_ALLOWANCE - around_text
        if room < self.text_area.height():
            self.text_area.setFixedHeight(max(TEXT_MIN_HEIGHT, room))

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
        if self.agreed is not None:  # the first answer counts; closing while it is saved changes nothing
            return
        self.agreed = agreed
        for button in (self.no_button, self.enable_button):
            button.setEnabled(False)
        tasks().run(lambda: save_answer(agreed), self._saved)

    def _saved(self, saved, _error) -> None:
        self.saved = bool(saved)
        super().done(QDialog.Accepted if self.agreed else QDialog.Rejected)

    def reject(self) -> None:
        # Esc, the window's close button and Alt+F4 all land here: they mean No Thanks.
        self._answer(False)

    def keyPressEvent(self, event) -> None:
        """Enter presses the focused button (the buttons are not auto-default, so they pass it on)."""
        if event.key() in ENTER_KEYS:
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused.isEnabled():
                focused.click()
            return  # never an answer the user did not focus
        super().keyPressEvent(event)


def _markdown_label(text: str, name: str, accessible_name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.MarkdownText)
    label.setWordWrap(True)
    label.setAccessibleName(accessible_name)
    return label


def _plain_button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def ask_consent(parent=None) -> bool | None:
    """Show the dialog modally if the question is open; returns the answer or None."""
    if not consent_needed():
        return None
    application()  # the core may ask before any window exists
    dialog = ConsentDialog(parent)
    dialog.exec_()
    return dialog.agreed


def register() -> None:
    """Let the core's `consent_prompt_gui()` show this dialog; the core never imports the UI itself."""
    telemetry.register_gui_prompt(ask_consent)
