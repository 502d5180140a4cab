"""The desktop app's side of crash reporting, on top of the core's hook (`telemetry.install_crash_handler`).

The core records the crash on the crashing thread; this module then marks any running
operation failed and shows the crash dialog, always on the GUI thread (a queued signal),
one at a time, and only for the first crash of each kind in a session (repeats are only
counted). If showing the dialog fails, it is never tried again in this session, so a
broken dialog cannot loop through the hook (docs/architecture.md, "Crash reporting").
"""

from __future__ import annotations

import logging

from PyQt5.QtCore import QObject, Qt, pyqtSignal
from PyQt5.QtWidgets import QApplication

from tit_app import telemetry
from tit_app.ui.crash_dialog import CrashDialog
from tit_app.ui.operations.runner import fail_running

log = logging.getLogger(__name__)

FAILED_BY_CRASH = "Stopped: an unexpected error occurred elsewhere in the app (see the report)."


class CrashRelay(QObject):
    crashed = pyqtSignal(object)  # a telemetry.CrashRecord, from any thread

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None  # the one open now (or last shown)
        self._open = False
        self._broken = False
        self.crashed.connect(self._show, Qt.QueuedConnection)

    def _show(self, record) -> None:
        if self._open or self._broken:
            return
        try:
            if record.repeat:
                return
            if record.where != "native":
                fail_running(FAILED_BY_CRASH)
            self.dialog = CrashDialog(record, QApplication.activeWindow())
            self.dialog.finished.connect(self._closed)
            self._open = True
            self.dialog.open()
        except Exception:
            self._broken = True  # never again this session: the hook must not loop through a broken dialog
            self._open = False
            log.exception("the crash dialog could not be shown")

    def _closed(self) -> None:
        self._open = False


def install(relay: CrashRelay | None = None) -> CrashRelay:
    """Install the core's crash handler for the window; crashes left from the last run are shown too.

    Again after the consent question (with the same relay): native traces start once sharing is on.
    """
    relay = relay or CrashRelay(QApplication.instance())
    for record in telemetry.install_crash_handler("gui", relay.crashed.emit):
        relay.crashed.emit(record)
    return relay
