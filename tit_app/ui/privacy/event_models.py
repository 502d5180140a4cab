"""Table models over a TelemetrySnapshot: the Pending queue, the Sent history, the drop counters.

They only ever read the snapshot they were given; `data()` never touches SQLite. A new
snapshot updates the Pending and Sent models row by row (`RowsTableModel.sync_rows`), so
the selection, the current row and the scroll position stay where the user left them.
"""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QFont

from tit_app.ui.formatting import clock_time
from tit_app.ui.delivery.snapshot import EMPTY, TelemetrySnapshot
from tit_app.ui.privacy.leave_time import leave_text, targets
from tit_app.ui.table_model import RowsTableModel

EVENT_ID_ROLE = Qt.UserRole + 1


class SnapshotTableModel(RowsTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.snapshot = EMPTY

    def set_snapshot(self, snapshot: TelemetrySnapshot, keys: list | None = None) -> None:
        """Show `snapshot`; `keys` are the `keys_of` its rows, when the caller has them already."""
        self.snapshot = snapshot
        self.sync_rows(self._rows_of(snapshot), keys)

    def _rows_of(self, snapshot: TelemetrySnapshot) -> tuple:
        raise NotImplementedError

    def _event_id(self, item) -> str:
        raise NotImplementedError

    def row_key(self, item):
        return self._event_id(item)

    def cell_data(self, item, column: int, role: int):
        return self._event_id(item) if role == EVENT_ID_ROLE else None


class PendingEventsModel(SnapshotTableModel):
    HEADERS = ("Time", "Event", "Status", "Destinations", "Attempts", "Leaves")
    NUMERIC_COLUMNS = frozenset({4})
    LEAVES = 5

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.now = 0.0  # the clock "Leaves" counts down from: the snapshot's time, then each tick

    def set_snapshot(self, snapshot: TelemetrySnapshot, keys: list | None = None) -> None:
        self.now = snapshot.taken_at
        super().set_snapshot(snapshot, keys)

    def tick(self, now: float) -> None:
        """Count "Leaves" down to `now` without a new snapshot (the page ticks once a second)."""
        self.now = now
        if self.rowCount():
            self.dataChanged.emit(self.index(0, self.LEAVES), self.index(self.rowCount() - 1, self.LEAVES),
                                  [Qt.DisplayRole])

    def _rows_of(self, snapshot: TelemetrySnapshot) -> tuple:
        return snapshot.pending

    def _event_id(self, item) -> str:
        return item.event.event_id

    def keys_of(self, rows: list) -> list:
        return [item.event.event_id for item in rows]  # inline: this runs over the whole queue at every update

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
        return leave_text(item, self.snapshot, self.now)

    def _destinations_text(self, item) -> str:
        names = targets(item, self.snapshot)
        if not names:
            return "none configured" if not self.snapshot.destinations else "none for this level"
        done = {d.destination for d in item.deliveries if d.state == "done"}
        return ", ".join(f"{name} ✓" if name in done else name for name in names)

    def cell_tooltip(self, item, column: int) -> str | None:
        errors = [f"{d.destination}: {d.last_error}" for d in item.deliveries if d.last_error]
        return "\n".join(errors) if errors and column in (3, 4, 5) else None


class SentEventsModel(SnapshotTableModel):
    HEADERS = ("Time", "Event", "Destination", "Outcome")

    def _rows_of(self, snapshot: TelemetrySnapshot) -> tuple:
        return snapshot.history

    def _event_id(self, item) -> str:
        return item.event_id

    def row_key(self, item):
        return (item.event_id, item.destination, item.outcome, item.at)  # an event has a line per destination

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


class LossesModel(RowsTableModel):
    """Every drop cause with its count and what it means (`telemetry.loss_report()`, via the snapshot)."""

    HEADERS = ("Cause", "Dropped", "What it means")
    NUMERIC_COLUMNS = frozenset({1})

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.set_rows(snapshot.losses)

    def cell_text(self, item, column: int) -> str:
        cause, count, meaning = item
        return (cause, str(count), meaning)[column]

    def cell_tooltip(self, item, column: int) -> str | None:
        return item[2]  # the whole explanation, when the column is too narrow for it

    def cell_data(self, item, column: int, role: int):
        if role == Qt.FontRole and item[1] > 0 and column < 2:  # the causes that did drop something stand out
            bold = QFont()
            bold.setBold(True)
            return bold
        return None
