"""The one read-only table model the app's tables share.

A model holds a list of rows; a subclass names its columns (`HEADERS`), says which are
numbers (`NUMERIC_COLUMNS`, right-aligned under a right-aligned header) and formats a
cell (`cell_text`, `cell_tooltip`, `cell_data` for any other role).

`set_rows` replaces every row (a model reset); `sync_rows` changes only what changed, for
a table the user reads while it updates (the Privacy page's queue): the rows that are gone
are removed and the new ones inserted, so the view keeps the selection, the current row and
the scroll position, and nothing is measured or laid out again.
"""

from __future__ import annotations

from PyQt5.QtCore import QAbstractTableModel, QModelIndex, Qt

RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)


class RowsTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    NUMERIC_COLUMNS: frozenset[int] = frozenset()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []
        self._keys: list = []

    def row_key(self, item):
        """What identifies a row across updates (`sync_rows`); a subclass that syncs says what."""
        raise NotImplementedError

    def keys_of(self, rows: list) -> list:
        """`row_key` of every row (a subclass may do it faster: 10,000 rows are read at every update)."""
        return [self.row_key(item) for item in rows]

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = []
        self.endResetModel()

    def sync_rows(self, rows, keys: list | None = None) -> None:
        """Show `rows` by removing and inserting rows; the rows that stay keep their order.

        `keys` are their `keys_of`, when the caller has them already (one pass less over 10,000 rows).
        Only when the rows that stay come in another order (nothing the Privacy page's
        queries do) is the model reset instead.
        """
        rows = list(rows)
        keys = self.keys_of(rows) if keys is None else keys
        old_keys = self.shown_keys()
        if keys != old_keys:
            self._move_rows(rows, keys, old_keys)
        self._rows, self._keys = rows, keys
        if rows:  # the rows that stayed may read differently now (one signal; views repaint what shows)
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.HEADERS) - 1))

    def _move_rows(self, rows: list, keys: list, old_keys: list) -> None:
        if self._shifted(rows, keys, old_keys) or self._one_run(rows, keys, old_keys):
            return
        new_set, old_set = set(keys), set(old_keys)
        if [k for k in old_keys if k in new_set] != [k for k in keys if k in old_set]:
            self.set_rows(rows)
            return
        for first, last in reversed(_runs(i for i, key in enumerate(old_keys) if key not in new_set)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
        for first, last in _runs(i for i, key in enumerate(keys) if key not in old_set):
            self.beginInsertRows(QModelIndex(), first, last)
            self._rows[first:first] = rows[first:last + 1]
            self.endInsertRows()

    def _shifted(self, rows: list, keys: list, old_keys: list) -> bool:
        """The common change, found with list operations only: new rows on top, the last rows gone
        (events arrive, the oldest leave or fall out of a full queue). False when it is another change."""
        if not old_keys or not keys:
            return False
        try:
            added = keys.index(old_keys[0])
        except ValueError:
            return False
        kept = len(keys) - added
        if kept > len(old_keys) or keys[added:] != old_keys[:kept]:
            return False
        if kept < len(old_keys):
            self.beginRemoveRows(QModelIndex(), kept, len(old_keys) - 1)
            del self._rows[kept:]
            self.endRemoveRows()
        if added:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._rows[0:0] = rows[:added]
            self.endInsertRows()
        return True

    def _one_run(self, rows: list, keys: list, old_keys: list) -> bool:
        """Another common change, also with list operations only: one run of rows removed (the user
        deleted a selection) or inserted, anywhere. False when it is another change."""
        longer, shorter = (old_keys, keys) if len(old_keys) > len(keys) else (keys, old_keys)
        run = len(longer) - len(shorter)
        low, high = 0, len(shorter)  # the longest common start, by bisection over slice comparisons
        while low < high:
            middle = (low + high + 1) // 2
            if longer[:middle] == shorter[:middle]:
                low = middle
            else:
                high = middle - 1
        if longer[low + run:] != shorter[low:]:
            return False
        if longer is old_keys:
            self.beginRemoveRows(QModelIndex(), low, low + run - 1)
            del self._rows[low:low + run]
            self.endRemoveRows()
        else:
            self.beginInsertRows(QModelIndex(), low, low + run - 1)
            self._rows[low:low] = rows[low:low + run]
            self.endInsertRows()
        return True

    def shown_keys(self) -> list:
        """`keys_of` the rows shown now (kept from the last update; do not change the list)."""
        if len(self._keys) != len(self._rows):
            self._keys = self.keys_of(self._rows)
        return self._keys

    def row_of(self, key) -> int:
        """The row showing `key`, or -1."""
        try:
            return self.shown_keys().index(key)
        except ValueError:
            return -1

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


def _runs(indexes) -> list[tuple[int, int]]:
    """Consecutive indexes as (first, last) runs, in ascending order."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [(first, last) for first, last in runs]
