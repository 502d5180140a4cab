"""The telemetry SendWorker: persisting and sending (docs/architecture.md) in a QThread of their own.

Its timers are created in the worker thread (in `start`), so every persist and send
runs there and the GUI thread never waits for SQLite or the network. It reports by
signal only: `pending_changed(snapshot)` after anything changed the store or the consent
state (the engine notifies on both, also for a change made by another process). Each
snapshot carries when the send timer fires next, so the Privacy page can say when each
event will leave.
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass

from PyQt5.QtCore import QObject, Qt, QThread, QTimer, pyqtSignal, pyqtSlot

from tit_app import telemetry
from tit_app.ui.delivery.snapshot import SendSchedule, take_snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intervals:
    persist_ms: int = 250
    send_ms: int = 30_000
    first_send_ms: int = 10_000


WARM_MODULES = ("requests", "tit_app.telemetry.sender", "tit_app.telemetry.backoff", "tit_app.telemetry.summary")


def warm_up() -> None:
    """Load the delivery code now, in this thread, while the app is starting anyway.

    Importing (or, without .pyc files, compiling) a module holds the GIL for the whole
    module; done lazily in the middle of the first send, that stalls the GUI thread.
    """
    try:
        telemetry.exporters()
        for name in WARM_MODULES:
            importlib.import_module(name)
    except Exception:  # only an optimisation: delivery imports what it needs anyway
        log.debug("telemetry warm-up incomplete", exc_info=True)


class SendWorker(QObject):
    pending_changed = pyqtSignal(object)  # TelemetrySnapshot
    send_finished = pyqtSignal(object)  # the sender's report, or None when nothing was sent
    _store_changed = pyqtSignal()

    def __init__(self, intervals: Intervals = Intervals()) -> None:
        super().__init__()
        self._intervals = intervals
        self._persist_timer: QTimer | None = None
        self._send_timer: QTimer | None = None
        self._refresh_queued = False
        self._parsed: dict = {}  # the events decoded for earlier snapshots, by row id

    @pyqtSlot()
    def start(self) -> None:
        """Runs in the worker thread (connected to QThread.started)."""
        # Queued even from our own thread, so a burst of changes becomes one snapshot.
        self._store_changed.connect(self.refresh, Qt.QueuedConnection)
        self._persist_timer = self._new_timer(self._intervals.persist_ms, self.persist)
        self._send_timer = self._new_timer(self._intervals.first_send_ms, self._scheduled_send)
        telemetry.subscribe(self.note_store_changed)
        warm_up()
        self.refresh()

    def _new_timer(self, interval_ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(slot)
        timer.start()
        return timer

    def note_store_changed(self) -> None:
        """Telemetry's observer; runs on whichever thread changed the store."""
        if not self._refresh_queued:  # coalesce a burst of changes into one snapshot
            self._refresh_queued = True
            self._store_changed.emit()

    @pyqtSlot()
    def refresh(self) -> None:
        self._refresh_queued = False
        try:
            snapshot = take_snapshot(self._schedule(), self._parsed)
        except Exception:  # a broken store shows as a stale table, never as a crash
            log.exception("telemetry snapshot failed")
            return
        self.pending_changed.emit(snapshot)

    def _schedule(self) -> SendSchedule:
        """When the timer starts the next round; after the first one, rounds come every `send_ms`."""
        timer = self._send_timer
        if timer is None or not timer.isActive():
            return SendSchedule()
        return SendSchedule(time.time() + max(0, timer.remainingTime()) / 1000, self._intervals.send_ms / 1000)

    @pyqtSlot()
    def persist(self) -> None:
        try:
            telemetry.persist()  # notifies us when it stored something
        except Exception:
            log.exception("telemetry persist failed")

    @pyqtSlot()
    def _scheduled_send(self) -> None:
        self._send_timer.setInterval(self._intervals.send_ms)
        self._send(force=False)

    @pyqtSlot()
    def send_now(self) -> None:
        self._send(force=True)
        self.refresh()  # also when nothing was sent, so the page stops saying "sending"

    def _send(self, force: bool) -> None:
        try:
            report = telemetry.send(force=force)
        except Exception:
            log.exception("telemetry send failed; events stay queued")
            report = None
        self.send_finished.emit(report)

    @pyqtSlot()
    def stop(self) -> None:
        """Stop the timers in their own thread, then end the thread's event loop."""
        for timer in (self._persist_timer, self._send_timer):
            if timer is not None:
                timer.stop()
        telemetry.unsubscribe(self.note_store_changed)
        QThread.currentThread().quit()
