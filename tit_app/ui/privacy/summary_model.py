"""'Your usage': per-operation counts, error rate and durations, from this computer's data."""

from __future__ import annotations

from tit_app.ui.formatting import seconds
from tit_app.ui.operations import BY_NAME
from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.table_model import RowsTableModel


class UsageSummaryModel(RowsTableModel):
    HEADERS = ("Operation", "Runs", "Errors", "Error rate", "Median", "p95")
    NUMERIC_COLUMNS = frozenset(range(1, 6))

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.set_rows(snapshot.summary)

    def cell_text(self, item, column: int) -> str:
        return _cells(item)[column]


def _cells(row) -> tuple[str, ...]:
    return (
        BY_NAME[row.name].title if row.name in BY_NAME else row.name,
        str(row.count),
        str(row.errors),
        f"{row.error_rate:.0%}",
        seconds(row.median_s),
        seconds(row.p95_s),
    )
