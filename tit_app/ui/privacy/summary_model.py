"""'Your usage': per-operation runs, errors, cancelled runs and durations, from this computer's data.

"Runs" are the runs that ended (success or error); cancelled runs have their own column and
are left out of the error rate and the durations (telemetry/summary.py).
"""

from __future__ import annotations

from tit_app.ui.formatting import seconds
from tit_app.ui.operations import BY_NAME
from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.table_model import RowsTableModel


class UsageSummaryModel(RowsTableModel):
    HEADERS = ("Operation", "Runs", "Errors", "Error rate", "Cancelled", "Median", "p95", "p99")
    NUMERIC_COLUMNS = frozenset(range(1, 8))

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.set_rows(snapshot.summary)

    def cell_text(self, item, column: int) -> str:
        return _cells(item)[column]


def _cells(row) -> tuple[str, ...]:
    return (
        BY_NAME[row.name].title if row.name in BY_NAME else row.name,
        str(row.count),
        str(row.errors),
        f"{row.error_rate:.0%}" if row.count else "—",
        str(row.cancelled),
        seconds(row.median_s),
        seconds(row.p95_s),
        seconds(row.p99_s),
    )
