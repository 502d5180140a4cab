"""The status-bar item 'Usage statistics: on · 3 pending'; clicking it opens Settings → Privacy.

It shows the consent state each snapshot carries, so a change made anywhere (the Privacy
page, the consent dialog, `tit-app telemetry` in another process) shows within a second.
"""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QToolButton

from tit_app import telemetry
from tit_app.ui import assets
from tit_app.ui.consent_state import ConsentState, read_consent_state
from tit_app.ui.delivery.snapshot import TelemetrySnapshot

UNAVAILABLE = "Usage statistics are unavailable."
OFF_BECAUSE = {"environment": " (environment)", "policy": " (administrator)"}


def status_text(state: ConsentState | None, pending: int) -> str:
    if state is None:
        return "Usage statistics: unavailable"
    decision = state.decision
    if decision.enabled:
        what = "preview only" if state.preview else "on (errors only)" if decision.level == "errors" else "on"
        return f"Usage statistics: {what} · {pending} pending"
    if state.paused_for_answer:
        return "Usage statistics: paused (answer needed)"
    return f"Usage statistics: off{OFF_BECAUSE.get(decision.decided_by, '')}"


def status_tooltip(state: ConsentState | None) -> str:
    lines = [state.decision.reason if state is not None else UNAVAILABLE]
    if state is not None and state.decision.enabled and state.hold.reason:
        held = telemetry.hold_text(state.hold)
        lines.append(held[:1].upper() + held[1:] + ".")
    return "\n".join(lines + ["Click to open Settings → Privacy."])


class TelemetryStatusItem(QToolButton):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("telemetryStatus")
        self.setAutoRaise(True)
        self.setCursor(Qt.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.setIcon(assets.icon("privacy"))
        self.state: ConsentState | None = None
        self._pending = service.snapshot.pending_total
        service.pending_changed.connect(self.set_snapshot)
        self.refresh()

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self._pending = snapshot.pending_total
        if snapshot.consent is not None and snapshot.consent.is_newer_than(self.state):
            self.state = snapshot.consent
        self._show()

    def refresh(self) -> None:
        """Read the consent state now (after a change made in this window)."""
        self.state = read_consent_state()
        self._show()

    def _show(self) -> None:
        text = status_text(self.state, self._pending)
        self.setText(text)
        self.setAccessibleName(f"{text}. Open privacy settings")
        self.setToolTip(status_tooltip(self.state))
