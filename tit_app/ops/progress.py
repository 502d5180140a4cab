"""The progress and cancel contract shared by every operation.

An operation receives ``progress`` (a callable taking an int percent, or
None) and ``cancel`` (a :class:`CancelToken`, or None). It reports
non-decreasing percents in [0, 100], ends at exactly 100 on success, and
checks the token between small chunks of work so a cancel is honoured well
within 200 ms. A cancelled operation raises :class:`Cancelled`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

ProgressCallback = Callable[[int], None]


class Cancelled(Exception):
    """Raised by an operation that stopped because its token was cancelled."""


class CancelToken:
    """A thread-safe flag: one thread cancels, the working thread checks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("the operation was cancelled")


class Reporter:
    """Turns fractions of work into the progress contract.

    Percents below 100 are capped at 99 so that 100 is only ever reported by
    :meth:`finish`, i.e. once the result is complete. Repeated percents are
    dropped, which keeps callback overhead tiny even when an operation
    reports after every one of thousands of small steps.
    """

    def __init__(self, callback: ProgressCallback | None = None,
                 token: CancelToken | None = None) -> None:
        self._callback = callback
        self.token = token if token is not None else CancelToken()
        self._last = -1

    def check(self) -> None:
        self.token.raise_if_cancelled()

    def start(self) -> None:
        self.check()
        self._emit(0)

    def fraction(self, done: float) -> None:
        """Report that ``done`` (0..1) of the whole operation is finished."""
        self.check()
        clamped = min(max(done, 0.0), 1.0)
        self._emit(min(99, math.floor(clamped * 100)))

    def span(self, low: float, high: float) -> Span:
        """A view reporting a sub-task that covers [low, high] of the whole."""
        return Span(self, low, high)

    def finish(self) -> None:
        self.check()
        self._emit(100)

    def _emit(self, percent: int) -> None:
        if percent > self._last:
            self._last = percent
            if self._callback is not None:
                self._callback(percent)


class Span:
    """A sub-range of a :class:`Reporter`, so helpers report in their own 0..1."""

    def __init__(self, reporter: Reporter, low: float, high: float) -> None:
        self._reporter = reporter
        self._low = low
        self._high = high

    def check(self) -> None:
        self._reporter.check()

    def fraction(self, done: float) -> None:
        clamped = min(max(done, 0.0), 1.0)
        self._reporter.fraction(self._low + clamped * (self._high - self._low))
