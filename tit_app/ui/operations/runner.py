"""Running one operation off the GUI thread: a worker QObject moved to a QThread.

`run_in_thread` does all the wiring and returns a handle. The worker wraps the call in
`telemetry.track_operation`, so every run records start and exactly one outcome
(success, error or cancelled), and reports only by signal: an exception in the
operation becomes `failed(message)`, never an exception in the GUI.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any, Callable, Mapping

from PyQt5.QtCore import QObject, Qt, QThread, pyqtSignal, pyqtSlot

from tit_app import telemetry
from tit_app.ops.progress import Cancelled as OpCancelled
from tit_app.ops.progress import CancelToken
from tit_app.ui.threads import abandon

log = logging.getLogger(__name__)


class OperationWorker(QObject):
    progress = pyqtSignal(int)
    finished = pyqtSignal(object)
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()
    ended = pyqtSignal()  # after any of the three outcomes

    def __init__(self, fn: Callable, params: Any, op_name: str, safe_params: Mapping[str, Any],
                 token: CancelToken) -> None:
        super().__init__()
        self._fn, self._params, self._token = fn, params, token
        self._op_name, self._safe_params = op_name, dict(safe_params)
        self.duration_s: float | None = None  # as telemetry recorded it, once the run ended

    @pyqtSlot()
    def run(self) -> None:
        try:
            result = self._tracked_call()
        except telemetry.Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # reported by signal, never raised into Qt's event loop
            log.info("%s failed", self._op_name, exc_info=True)
            self.failed.emit(_message(exc))
        else:
            self.finished.emit(result)
        finally:
            self.ended.emit()

    def _tracked_call(self) -> Any:
        tracked = telemetry.track_operation(self._op_name, **self._safe_params)
        try:
            with tracked:
                try:
                    return self._fn(self._params, self.progress.emit, self._token)
                except OpCancelled as exc:
                    raise telemetry.Cancelled(str(exc)) from exc  # so telemetry records "cancelled"
        finally:
            # One definition of a run's duration: the status line shows what "Your usage" counts.
            self.duration_s = tracked.duration_s


def _message(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class OperationHandle(QObject):
    """The GUI thread's view of one run: its signals, cancel(), and waiting for it."""

    progress = pyqtSignal(int)
    finished = pyqtSignal(object)
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()
    ended = pyqtSignal()

    def __init__(self, worker: OperationWorker, token: CancelToken, parent=None) -> None:
        super().__init__(parent)
        self.token = token
        self._worker = worker
        self._thread = QThread()
        self._thread.setObjectName(f"tit-op-{worker._op_name}")
        self._failed_by_crash = False
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)
        # Direct: quit() is thread-safe, and the thread should end without a GUI round trip.
        worker.ended.connect(self._thread.quit, Qt.DirectConnection)
        worker.progress.connect(self.progress)
        worker.finished.connect(self._worker_finished)
        worker.failed.connect(self._worker_failed)
        worker.cancelled.connect(self._worker_cancelled)
        self._thread.finished.connect(self.ended)
        _live.add(self)

    # Once a crash marked the run failed, what the worker says afterwards changes nothing.
    @pyqtSlot(object)
    def _worker_finished(self, result) -> None:
        if not self._failed_by_crash:
            self.finished.emit(result)

    @pyqtSlot(str)
    def _worker_failed(self, message: str) -> None:
        if not self._failed_by_crash:
            self.failed.emit(message)

    @pyqtSlot()
    def _worker_cancelled(self) -> None:
        if not self._failed_by_crash:
            self.cancelled.emit()

    def mark_failed(self, message: str) -> None:
        """An unexpected error elsewhere in the app: stop this run and report it failed."""
        if self._failed_by_crash or not self.is_running():
            return
        self._failed_by_crash = True
        self.token.cancel()
        self.failed.emit(message)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self.token.cancel()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, timeout_ms: int) -> bool:
        return self._thread.wait(timeout_ms)

    @property
    def duration_s(self) -> float | None:
        """The run's duration as telemetry recorded it (set before `finished` is emitted)."""
        return self._worker.duration_s

    def stop(self, timeout_s: float) -> bool:
        """Cancel and wait; a run that does not stop in time is left to the process exit."""
        self.cancel()
        if self._thread.wait(int(timeout_s * 1000)):
            return True
        abandon(self._thread, self._worker)
        return False


_live: "weakref.WeakSet[OperationHandle]" = weakref.WeakSet()


def fail_running(message: str) -> int:
    """Mark every running operation failed (after a crash elsewhere in the app); returns how many."""
    running = [handle for handle in list(_live) if handle.is_running()]
    for handle in running:
        handle.mark_failed(message)
    return len(running)


def run_in_thread(fn: Callable, params: Any, *, op_name: str, safe_params: Mapping[str, Any],
                  parent=None) -> OperationHandle:
    """Start `fn(params, progress, cancel)` in a new QThread; returns its handle."""
    token = CancelToken()
    worker = OperationWorker(fn, params, op_name, safe_params, token)
    handle = OperationHandle(worker, token, parent)
    handle.start()
    return handle
