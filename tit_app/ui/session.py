"""The session events: app_launch at start, a heartbeat at most daily, app_close at quit."""

from __future__ import annotations

import time

from PyQt5.QtCore import QObject, QTimer

from tit_app import telemetry

HEARTBEAT_MS = 24 * 3600 * 1000  # fits QTimer's 32-bit interval (about 24.8 days at most)


class SessionTracker(QObject):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._started = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self.heartbeat)
        self._closed = False

    def start(self) -> None:
        self._started = time.monotonic()
        telemetry.track_event("app_launch")
        self._timer.start()

    def uptime_s(self) -> float:
        return time.monotonic() - self._started

    def heartbeat(self) -> None:
        telemetry.track_event("heartbeat", {"uptime_h": round(self.uptime_s() / 3600, 2)})

    def close(self) -> None:
        if self._closed:  # quitting can arrive twice (window close, then aboutToQuit)
            return
        self._closed = True
        self._timer.stop()
        telemetry.track_event("app_close", {"session_duration_s": round(self.uptime_s(), 1)})
