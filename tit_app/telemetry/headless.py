"""The headless driver: one daemon thread persisting and sending (docs/architecture.md, "The life of an event") outside the GUI.

It persists the buffer every 250 ms (at once when a burst fills a quarter of it) and sends
every 30 s. The destinations and the HTTP stack are loaded once something has been queued
while sharing is on, so a process with nothing to send never loads them. At interpreter
exit it stops (without waiting for the thread), persists what is left (waiting for a
persist in flight, so no event taken from the buffer is lost) and spends what remains of
EXIT_BUDGET_S sending; whatever is not sent by then waits in the store for the next run.
A problem that repeats every cycle is logged once.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time

from . import transport
from .problems import ProblemLog

log = logging.getLogger(__name__)

PERSIST_EVERY_S = 0.25
SEND_EVERY_S = 30.0
FIRST_SEND_AFTER_S = 10.0
EXIT_BUDGET_S = 0.4  # persisting and sending; with teardown, exit stays under the 0.5 s target


class BackgroundDriver:
    def __init__(self, engine) -> None:
        self.engine = engine
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._problems = ProblemLog(log)
        self._prepared = False
        self._thread = threading.Thread(target=self._run, name="tit-telemetry", daemon=True)

    def start(self) -> "BackgroundDriver":
        self._thread.start()
        return self

    def _run(self) -> None:
        next_send = time.monotonic() + FIRST_SEND_AFTER_S
        while not self._stop.is_set():
            self._wake.wait(PERSIST_EVERY_S)
            self._wake.clear()
            if self._stop.is_set():
                return  # shutdown persists what is left, under the same lock
            try:
                if self.engine.persist() and not self._prepared:
                    self._prepare()
                if time.monotonic() >= next_send:
                    next_send = time.monotonic() + SEND_EVERY_S
                    self.engine.send()
                self._problems.recovered("the worker step")
            except Exception as exc:  # logged once per distinct problem, never raised into the app
                self._problems.report("the worker step", exc)

    def wake(self) -> None:
        """Persist now: the buffer is filling faster than one tick drains it."""
        self._wake.set()

    def _prepare(self) -> None:
        """Something is queued: load the destinations and the HTTP stack now, so exiting does not pay
        for them. Not while nothing may leave (preview, the review wait): the next persist looks again."""
        try:
            if not self.engine.may_send_soon():
                return
            self._prepared = True
            if self.engine.exporters():
                transport.load_http_stack()
        except Exception:
            log.exception("telemetry destinations could not be prepared")

    def stop(self, timeout: float) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            # A send in flight may hold its socket for longer; we do not wait for it.
            self._thread.join(timeout)


def start(engine) -> BackgroundDriver:
    driver = BackgroundDriver(engine).start()
    atexit.register(_at_exit, engine)
    return driver


def _at_exit(engine) -> None:
    try:
        engine.shutdown(EXIT_BUDGET_S)
    except Exception:
        log.exception("telemetry could not shut down cleanly")
