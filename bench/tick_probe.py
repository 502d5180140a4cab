"""How late the GUI thread runs its timers: the measure of a responsive window.

A precise repeating QTimer on the GUI thread records, for each tick, how much later
than its interval it came. Used by bench/gui_responsiveness.py; a measuring instrument, so
it lives with the benches rather than in the product.
"""

from __future__ import annotations

import time

from PyQt5.QtCore import QObject, Qt, QTimer


class TickProbe(QObject):
    def __init__(self, interval_ms: int = 10, parent=None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.lateness_ms: list[float] = []
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.lateness_ms.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness_ms.append(max(0.0, (now - self._last) * 1000 - self.interval_ms))
        self._last = now

    def max_ms(self) -> float:
        return max(self.lateness_ms, default=0.0)

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.lateness_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
