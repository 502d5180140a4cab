"""Logging a problem that repeats every cycle (a full disk, a read-only store) once, not every 250 ms."""

from __future__ import annotations

import logging


class ProblemLog:
    """Remembers the last problem per activity: a new one is logged with its traceback, a repeat quietly."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger
        self._current: dict[str, str] = {}

    def report(self, activity: str, exc: BaseException) -> None:
        text = f"{type(exc).__name__}: {exc}"
        if self._current.get(activity) == text:
            self._log.debug("telemetry: %s still fails: %s", activity, text)
            return
        self._current[activity] = text
        self._log.warning("telemetry: %s failed (%s); will try again", activity, text, exc_info=exc)

    def recovered(self, activity: str) -> None:
        if self._current.pop(activity, None) is not None:
            self._log.info("telemetry: %s works again", activity)

    def current(self, activity: str) -> str | None:
        """The problem `activity` has now, in words, or None."""
        return self._current.get(activity)
