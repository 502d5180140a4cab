"""'Your usage': per-operation counts, error rate and durations, from this computer's data."""

from __future__ import annotations

from tit_app.ui.formatting import seconds
from tit_app.ui.snapshot import TelemetrySnapshot
from tit_app.ui.table_model import RowsTableModel

OPERATION_TITLES = {
    "sim_ti": "Simulate TI",
    "sim_mti": "Simulate mTI",
    "flex_search": "Flex search",
    "ex_search": "Exhaustive search",
}


class UsageSummaryModel(RowsTableModel):
    HEADERS = ("Operation", "Runs", "Errors", "Error rate", "Median", "p95")
    NUMERIC_COLUMNS = frozenset(range(1, 6))

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.set_rows(snapshot.summary)

    def cell_text(self, item, column: int) -> str:
        return _cells(item)[column]


def _cells(row) -> tuple[str, ...]:
    return (
        OPERATION_TITLES.get(row.name, row.name),
        str(row.count),
        str(row.errors),
        f"{row.error_rate:.0%}",
        seconds(row.median_s),
        seconds(row.p95_s),
    )
