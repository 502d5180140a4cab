"""The one read-only table model the app's tables share.

A model holds a tuple of rows; a subclass names its columns (`HEADERS`), says which are
numbers (`NUMERIC_COLUMNS`, right-aligned under a right-aligned header) and formats a
cell (`cell_text`, `cell_tooltip`, `cell_data` for any other role).
"""

from __future__ import annotations

from PyQt5.QtCore import QAbstractTableModel, QModelIndex, Qt

RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)


class RowsTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    NUMERIC_COLUMNS: frozenset[int] = frozenset()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: tuple = ()

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def row_item(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.TextAlignmentRole and section in self.NUMERIC_COLUMNS:
            return RIGHT
        return None

    def data(self, index, role=Qt.DisplayRole):
        item = self.row_item(index.row()) if index.isValid() else None
        column = index.column()
        if item is None or not 0 <= column < len(self.HEADERS):
            return None
        if role == Qt.DisplayRole:
            return self.cell_text(item, column)
        if role == Qt.ToolTipRole:
            return self.cell_tooltip(item, column)
        if role == Qt.TextAlignmentRole:
            return RIGHT if column in self.NUMERIC_COLUMNS else None
        return self.cell_data(item, column, role)

    def cell_text(self, item, column: int) -> str:
        raise NotImplementedError

    def cell_tooltip(self, item, column: int) -> str | None:
        return None

    def cell_data(self, item, column: int, role: int):
        return None
