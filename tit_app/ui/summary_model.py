"""'Your usage': per-operation counts, error rate and durations, from this computer's data."""

from __future__ import annotations

from PyQt5.QtCore import QAbstractTableModel, QModelIndex, Qt

from tit_app.ui.formatting import seconds
from tit_app.ui.snapshot import TelemetrySnapshot

OPERATION_TITLES = {
    "sim_ti": "Simulate TI",
    "sim_mti": "Simulate mTI",
    "flex_search": "Flex search",
    "ex_search": "Exhaustive search",
}


class UsageSummaryModel(QAbstractTableModel):
    HEADERS = ("Operation", "Runs", "Errors", "Error rate", "Median", "p95")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: tuple = ()

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.beginResetModel()
        self._rows = snapshot.summary
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.TextAlignmentRole and section > 0:  # numbers: header over the digits
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return _cells(row)[index.column()] if 0 <= index.column() < len(self.HEADERS) else None
        if role == Qt.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


def _cells(row) -> tuple[str, ...]:
    return (
        OPERATION_TITLES.get(row.name, row.name),
        str(row.count),
        str(row.errors),
        f"{row.error_rate:.0%}",
        seconds(row.median_s),
        seconds(row.p95_s),
    )
