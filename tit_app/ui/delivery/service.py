"""The GUI's one handle on telemetry delivery: owns the SendWorker and its QThread.

It attaches itself as telemetry's delivery driver (`telemetry.attach_driver`), so
`telemetry.shutdown()` stops our timers and the headless thread never starts. Quitting never waits much more than the shutdown budget:
a worker still stuck in a network call after that is left to the process exit (like the
headless driver's daemon thread) rather than destroyed while running.
"""

from __future__ import annotations

import logging
import time

from PyQt5.QtCore import QObject, QThread, pyqtSignal, pyqtSlot

from tit_app import telemetry
from tit_app.ui.delivery.send_worker import Intervals, SendWorker
from tit_app.ui.delivery.snapshot import EMPTY, TelemetrySnapshot
from tit_app.ui.delivery.tasks import finish_tasks
from tit_app.ui.threads import abandon

log = logging.getLogger(__name__)


class TelemetryService(QObject):
    pending_changed = pyqtSignal(object)  # TelemetrySnapshot, delivered on the GUI thread
    send_finished = pyqtSignal(object)
    _send_requested = pyqtSignal()
    _refresh_requested = pyqtSignal()
    _persist_requested = pyqtSignal()
    _stop_requested = pyqtSignal()

    def __init__(self, intervals: Intervals = Intervals(), parent=None) -> None:
        super().__init__(parent)
        self.snapshot: TelemetrySnapshot = EMPTY
        self._thread = QThread()  # no parent: its lifetime is ours to manage
        self._thread.setObjectName("tit-telemetry")
        self._worker = SendWorker(intervals)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.start)
        self._send_requested.connect(self._worker.send_now)
        self._refresh_requested.connect(self._worker.refresh)
        self._persist_requested.connect(self._worker.persist)
        self._stop_requested.connect(self._worker.stop)
        self._worker.pending_changed.connect(self._take_snapshot)
        self._worker.send_finished.connect(self.send_finished)

    def start(self) -> None:
        telemetry.attach_driver(self)
        self._thread.start()

    def send_now(self) -> None:
        self._send_requested.emit()

    def refresh(self) -> None:
        self._refresh_requested.emit()

    def wake(self) -> None:
        """The driver protocol: persist now, on the worker (a blocking track waits for its event)."""
        self._persist_requested.emit()

    @pyqtSlot(object)
    def _take_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.snapshot = snapshot
        self.pending_changed.emit(snapshot)

    # -- stopping ------------------------------------------------------------------------

    def stop(self, timeout: float) -> None:
        """The driver protocol: stop the timers and end the thread (waits ≤ timeout)."""
        if self._thread.isRunning():
            self._stop_requested.emit()
            self._thread.wait(max(0, int(timeout * 1000)))

    def shutdown(self, budget_s: float = 1.0) -> None:
        """Stop timers, persist and spend at most about `budget_s` sending, end the thread."""
        deadline = time.monotonic() + budget_s
        if not finish_tasks(budget_s / 2):  # a deletion or an opt-out the user asked for comes first
            log.warning("a telemetry task is still running at quit")
        try:
            telemetry.shutdown(budget_s=max(0.05, deadline - time.monotonic()))  # calls self.stop() first
        except Exception:
            log.exception("telemetry shutdown failed; pending events stay queued")
        self.stop(0.0)  # in case telemetry no longer had us as its driver
        remaining = max(0.05, deadline - time.monotonic())
        if not self._thread.wait(int(remaining * 1000)):
            log.warning("telemetry worker is still in a send; leaving it to the process exit")
            abandon(self._thread, self._worker)

    def is_running(self) -> bool:
        return self._thread.isRunning()
