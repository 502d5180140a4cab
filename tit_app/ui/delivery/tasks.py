"""Telemetry calls the user starts (delete, opt out, reset the id, answer the consent question), run off the GUI thread.

They read and write SQLite and the settings file, which can take long enough to freeze the
window (a purge of 10,000 events, a disk that is slow or locked by another process). One
task thread runs them in the order they were asked for; each reports back on the GUI thread
with its result or its exception, and the widget that asked updates then.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from PyQt5.QtCore import QObject, Qt, pyqtSignal, pyqtSlot

if TYPE_CHECKING:
    from concurrent.futures import Future

log = logging.getLogger(__name__)

Done = Callable[[Any, "BaseException | None"], None]  # (result, exception): one of them is None


class TelemetryTasks(QObject):
    _finished = pyqtSignal(object, object, object, object)  # future, done callback, result, exception

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        from concurrent.futures import ThreadPoolExecutor  # here: the window starts without it

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tit-telemetry-task")
        self._futures: set[Future] = set()  # until their done callback has run on the GUI thread
        # Queued, also when a task ended so fast that its callback runs on the GUI thread: `done` always
        # runs after `run` returned, from the event loop.
        self._finished.connect(self._deliver, Qt.QueuedConnection)

    def run(self, work: Callable[[], Any], done: Done | None = None) -> Future:
        """Run `work()` on the task thread; then call `done(result, exception)` on the GUI thread."""
        future = self._pool.submit(work)
        self._futures.add(future)
        future.add_done_callback(lambda f: self._report(f, done))
        return future

    def _report(self, future: Future, done: Done | None) -> None:
        error = future.exception()
        if error is not None:
            log.error("telemetry task failed", exc_info=error)
        self._finished.emit(future, done, None if error else future.result(), error)

    @pyqtSlot(object, object, object, object)
    def _deliver(self, future: Future, done: Done | None, result: Any, error: BaseException | None) -> None:
        self._futures.discard(future)
        if done is None:
            return
        try:
            done(result, error)
        except Exception:  # a widget closed meanwhile, say: never an exception into Qt's event loop
            log.exception("showing the result of a telemetry task failed")

    def busy(self) -> bool:
        """A task has not run yet, or its result has not been handed to the GUI thread yet."""
        return bool(self._futures)

    def wait(self, timeout_s: float) -> bool:
        """Wait for the tasks asked for so far (at quit, so a delete the user asked for is carried out)."""
        from concurrent.futures import wait

        _done, not_done = wait(set(self._futures), timeout=timeout_s)
        return not not_done


_shared: TelemetryTasks | None = None


def tasks() -> TelemetryTasks:
    """The app's one task runner (created on first use, on the GUI thread)."""
    global _shared
    if _shared is None:
        _shared = TelemetryTasks()
    return _shared


def finish_tasks(timeout_s: float) -> bool:
    """At quit: wait (at most `timeout_s`) for the tasks the user asked for, before telemetry shuts down."""
    return _shared is None or _shared.wait(timeout_s)
