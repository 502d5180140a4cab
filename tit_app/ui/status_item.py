"""The status-bar item 'Usage statistics: on · 3 pending'; clicking it opens Settings → Privacy."""

from __future__ import annotations

import logging

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QToolButton

from tit_app import telemetry
from tit_app.ui import assets
from tit_app.ui.delivery.snapshot import TelemetrySnapshot

log = logging.getLogger(__name__)


def status_text(enabled: bool, decided_by: str, pending: int) -> str:
    if enabled:
        return f"Usage statistics: on · {pending} pending"
    if decided_by == "environment":
        return "Usage statistics: off (environment)"
    if decided_by == "policy":
        return "Usage statistics: off (administrator)"
    return "Usage statistics: off"


class TelemetryStatusItem(QToolButton):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("telemetryStatus")
        self.setAutoRaise(True)
        self.setCursor(Qt.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.setIcon(assets.icon("privacy"))
        self._pending = service.snapshot.pending_total
        service.pending_changed.connect(self.set_snapshot)
        self.refresh()

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self._pending = snapshot.pending_total
        self.refresh()

    def refresh(self) -> None:
        try:
            decision = telemetry.decision()
            enabled, decided_by, reason = decision.enabled, decision.decided_by, decision.reason
        except Exception:
            log.exception("could not read the telemetry decision")
            enabled, decided_by, reason = False, "error", "Usage statistics are unavailable."
        text = status_text(enabled, decided_by, self._pending)
        self.setText(text)
        self.setAccessibleName(f"{text}. Open privacy settings")
        self.setToolTip(f"{reason}\nClick to open Settings → Privacy.")
