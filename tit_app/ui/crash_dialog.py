"""The dialog after an error nobody caught: what happened, what to do, and the exact report.

With sharing on, the report is already queued like any event (the Privacy page shows it
and can delete it). With sharing off nothing was recorded; the dialog offers "Send this
report once" (a consent for this report only, noted in the receipt) and "Don't send",
which is the default: Enter and Esc both leave it unsent. Under a kill switch or a policy
of "off" it offers nothing.
"""

from __future__ import annotations

import logging
import threading

from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from tit_app import telemetry
from tit_app.ui.widgets import code_view, hint_label

log = logging.getLogger(__name__)

TITLE = "Something went wrong — tit_app"
SEND_ONCE = "Send this report once"
DONT_SEND = "Don't send"
WHERE_WORDS = {"gui": "the window", "cli": "a command", "thread": "a background task",
               "native": "the app's native code"}
ADVICE = ("tit_app keeps running. If an operation was in progress, it was stopped and marked failed. "
          "Save what you need; if the window behaves oddly, restart tit_app.")
NATIVE_ADVICE = "tit_app ended abruptly the last time it ran. Anything unsaved from that run is lost."
SHARED = ("This error report was queued like any other event. Under Settings → Privacy you can look at "
          "it or delete it before it leaves.")
OFFER = ("Error reporting is off, so nothing was recorded. You can send this one report, exactly as shown "
         "below, once; error reporting stays off.")
OFF = "Error reporting is off on this computer, so nothing was recorded or sent."
NOWHERE = ("Error reporting is off, so nothing was recorded, and no error destination is set up, so "
           "there is nowhere to send it. Below is the report as it would be recorded.")
REPEAT = ("The same error happened before in this session: it was counted, not recorded again "
          "(the next error report says how often).")


def headline(record) -> str:
    where = WHERE_WORDS.get(record.where, "the app")
    return f"Something went wrong: {record.error_type} in {where}."


def offers_send_once(record) -> bool:
    """Only where the report can go somewhere: its previews are the destinations it would reach."""
    return record.can_send_once and bool(record.previews)


def sharing_text(record) -> str:
    if record.shared:
        return SHARED
    if record.repeat:
        return REPEAT
    if offers_send_once(record):
        return OFFER
    return NOWHERE if record.can_send_once else OFF


class CrashDialog(QDialog):
    sent = pyqtSignal(object)  # destination -> what happened; emitted on the GUI thread

    def __init__(self, record, parent=None) -> None:
        super().__init__(parent)
        self.record = record
        self.result_text = ""
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)
        self.title = QLabel(f"<b>{headline(record)}</b>")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.advice = hint_label(NATIVE_ADVICE if record.where == "native" else ADVICE)
        self.sharing = hint_label(sharing_text(record))
        self.report = code_view("Error report")
        self.report.setPlainText(record.report_text() or "(no report: nothing was recorded)")
        for widget in (self.advice, self.sharing, self.report):
            layout.addWidget(widget)
        layout.addLayout(self._buttons())
        self.sent.connect(self._show_result)
        self.resize(620, 460)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        offer = offers_send_once(self.record)
        if offer:
            self.send_button = QPushButton(SEND_ONCE)
            self.send_button.setAutoDefault(False)
            self.send_button.clicked.connect(self._send_once)
            row.addWidget(self.send_button)
        self.close_button = QPushButton(DONT_SEND if offer else "Close")
        self.close_button.setDefault(True)  # Enter never sends
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        return row

    def _send_once(self) -> None:
        """Send off the GUI thread (a destination may be slow); the answer comes back by signal."""
        self.send_button.setEnabled(False)
        self.sharing.setText("Sending this report once…")
        threading.Thread(target=self._send_in_background, name="tit-crash-send-once", daemon=True).start()

    def _send_in_background(self) -> None:
        try:
            results = telemetry.send_crash_once(self.record, via="dialog")
        except Exception:  # telemetry's failure is only a line in this dialog
            log.exception("sending the crash report once failed")
            results = {}
        try:
            self.sent.emit(results)
        except RuntimeError:  # the dialog was closed and deleted meanwhile: nobody is left to tell
            pass

    def _show_result(self, results: dict) -> None:
        if results:
            self.result_text = "Sent once: " + "; ".join(f"{name}: {what}" for name, what in results.items())
        else:
            self.result_text = "Consent noted, but no error destination is set up, so nothing left this computer."
        self.sharing.setText(self.result_text)
        self.close_button.setText("Close")
