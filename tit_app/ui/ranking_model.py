"""The exhaustive search's ranking as a sortable table; a row can be opened as a simulation."""

from __future__ import annotations

from PyQt5.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, pyqtSignal
from PyQt5.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from tit_app.ui.widgets import make_button, make_table

SORT_ROLE = Qt.UserRole + 1
MONTAGE_ROLE = Qt.UserRole + 2


def merged_ranking(result) -> list:
    """Both top lists as one, each montage once (the table sorts by either score)."""
    seen, rows = set(), []
    for montage in (*result.top_by_focality, *result.top_by_envelope):
        key = (montage.pair1, montage.pair2)
        if key not in seen:
            seen.add(key)
            rows.append(montage)
    return rows


class MontageRankingModel(QAbstractTableModel):
    HEADERS = ("Pair 1", "Pair 2", "At target (V/m)", "Focality")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def set_result(self, result) -> None:
        self.beginResetModel()
        self._rows = merged_ranking(result) if result is not None else []
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
        if role == Qt.TextAlignmentRole and section >= 2:  # numbers: header over the digits
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() >= len(self.HEADERS):
            return None
        montage = self._rows[index.row()]
        values = ("–".join(montage.pair1), "–".join(montage.pair2), montage.target_value, montage.focality)
        value = values[index.column()]
        if role == Qt.DisplayRole:
            return f"{value:.4g}" if isinstance(value, float) else value
        if role == SORT_ROLE:
            return value
        if role == MONTAGE_ROLE:
            return montage
        if role == Qt.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class RankingView(QWidget):
    montage_opened = pyqtSignal(object)  # RankedMontage

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = MontageRankingModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = make_table(self.proxy, "Best montages")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)  # fits: no sideways scrolling
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(self.table.SingleSelection)
        self.table.sortByColumn(3, Qt.DescendingOrder)
        self.table.doubleClicked.connect(self._open)
        self.heading = QLabel("<b>Best montages</b>")
        self.heading.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("hintLabel")
        self.note.setWordWrap(True)
        self.open_button = make_button("Open as simulation", "open", "Open the selected montage as a simulation")
        self.open_button.clicked.connect(self._open_selected)
        self.open_button.setEnabled(False)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.open_button.setEnabled(bool(self.table.selectionModel().selectedRows())))
        header = QHBoxLayout()
        header.addWidget(self.heading, 1)
        header.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_result(self, result) -> None:
        self.model.set_result(result)
        if result is not None:
            self.note.setText(f"{self.model.rowCount()} of {result.combinations:,}, by focality and by envelope at "
                              "the target (V/m). Double-click one to simulate it.")
        self.open_button.setEnabled(False)

    def _open(self, index) -> None:
        montage = index.sibling(index.row(), 0).data(MONTAGE_ROLE)
        if montage is not None:
            self.montage_opened.emit(montage)

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open(rows[0])
