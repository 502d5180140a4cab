"""Table models over a TelemetrySnapshot: the Pending queue and the Sent history.

They only ever read the snapshot they were given; `data()` never touches SQLite. A new
snapshot resets the model (the page restores the selection by event id).
"""

from __future__ import annotations

from PyQt5.QtCore import Qt

from tit_app.ui.formatting import clock_time, relative_future
from tit_app.ui.delivery.snapshot import EMPTY, TelemetrySnapshot
from tit_app.ui.table_model import RowsTableModel

EVENT_ID_ROLE = Qt.UserRole + 1


class SnapshotTableModel(RowsTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.snapshot = EMPTY

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.snapshot = snapshot
        self.set_rows(self._rows_of(snapshot))

    def _rows_of(self, snapshot: TelemetrySnapshot) -> tuple:
        raise NotImplementedError

    def _event_id(self, item) -> str:
        raise NotImplementedError

    def cell_data(self, item, column: int, role: int):
        return self._event_id(item) if role == EVENT_ID_ROLE else None


class PendingEventsModel(SnapshotTableModel):
    HEADERS = ("Time", "Event", "Status", "Destinations", "Attempts", "Next try")
    NUMERIC_COLUMNS = frozenset({4})

    def _rows_of(self, snapshot: TelemetrySnapshot) -> tuple:
        return snapshot.pending

    def _event_id(self, item) -> str:
        return item.event.event_id

    def cell_text(self, item, column: int) -> str:
        event = item.event
        if column == 0:
            return clock_time(event.time_us / 1e6, self.snapshot.taken_at or None)
        if column == 1:
            return event.name
        if column == 2:
            return str(event.params.get("status", "—"))
        if column == 3:
            return self._destinations_text(item)
        if column == 4:
            return str(max((d.attempts for d in item.deliveries), default=0))
        return self._next_try(item)

    def _targets(self, item) -> list[str]:
        """Destinations this event is queued for: configured ones accepting its level."""
        return [d.name for d in self.snapshot.destinations if item.event.level in d.levels]

    def _destinations_text(self, item) -> str:
        targets = self._targets(item)
        if not targets:
            return "none configured" if not self.snapshot.destinations else "none for this level"
        done = self._done(item)
        return ", ".join(f"{name} ✓" if name in done else name for name in targets)

    def _next_try(self, item) -> str:
        done = self._done(item)
        waiting = {d.destination: d.next_attempt for d in item.deliveries if d.state == "pending"}
        due = [waiting.get(name, 0.0) for name in self._targets(item) if name not in done]
        return relative_future(min(due), self.snapshot.taken_at) if due else "—"

    @staticmethod
    def _done(item) -> set[str]:
        return {d.destination for d in item.deliveries if d.state == "done"}

    def cell_tooltip(self, item, column: int) -> str | None:
        errors = [f"{d.destination}: {d.last_error}" for d in item.deliveries if d.last_error]
        return "\n".join(errors) if errors and column in (3, 4, 5) else None


class SentEventsModel(SnapshotTableModel):
    HEADERS = ("Time", "Event", "Destination", "Outcome")

    def _rows_of(self, snapshot: TelemetrySnapshot) -> tuple:
        return snapshot.history

    def _event_id(self, item) -> str:
        return item.event_id

    def cell_text(self, item, column: int) -> str:
        if column == 0:
            return clock_time(item.at, self.snapshot.taken_at or None)
        if column == 1:
            return item.name
        if column == 2:
            return item.destination
        return "Sent" if item.outcome == "sent" else f"Dropped: {item.detail}" if item.detail else "Dropped"

    def cell_tooltip(self, item, column: int) -> str | None:
        return item.detail or None
