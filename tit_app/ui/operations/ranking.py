"""The exhaustive search's ranking as a sortable table; a row can be opened as a simulation."""

from __future__ import annotations

from PyQt5.QtCore import QSortFilterProxyModel, Qt, pyqtSignal
from PyQt5.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from tit_app.ui.table_model import RowsTableModel
from tit_app.ui.widgets import hint_label, make_button, make_table

SORT_ROLE = Qt.UserRole + 1
MONTAGE_ROLE = Qt.UserRole + 2
STALE_TIP = "This ranking is from the previous run; it can be opened again when the new run ends."


def merged_ranking(result) -> list:
    """Both top lists as one, each montage once (the table sorts by either score)."""
    seen, rows = set(), []
    for montage in (*result.top_by_focality, *result.top_by_envelope):
        key = (montage.pair1, montage.pair2)
        if key not in seen:
            seen.add(key)
            rows.append(montage)
    return rows


class MontageRankingModel(RowsTableModel):
    HEADERS = ("Pair 1", "Pair 2", "At target (V/m)", "Focality")
    NUMERIC_COLUMNS = frozenset({2, 3})

    def set_result(self, result) -> None:
        self.set_rows(merged_ranking(result) if result is not None else [])

    @staticmethod
    def _values(montage) -> tuple:
        return "–".join(montage.pair1), "–".join(montage.pair2), montage.target_value, montage.focality

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.TextAlignmentRole:
            # Left, as the header's default: the sort arrow sits at the right edge, where a
            # right-aligned "Focality" ran into it.
            return None
        return super().headerData(section, orientation, role)

    def cell_text(self, item, column: int) -> str:
        value = self._values(item)[column]
        return f"{value:.4g}" if isinstance(value, float) else value

    def cell_data(self, item, column: int, role: int):
        if role == SORT_ROLE:
            return self._values(item)[column]
        if role == MONTAGE_ROLE:
            return item
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
        self.table.setObjectName("rankingTable")  # style.qss: narrower header padding
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Stretch)  # fits: no sideways scrolling
        for column in (0, 1, 2):  # as wide as their text; "Focality" (and its sort arrow) gets the rest
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(self.table.SingleSelection)
        self.table.sortByColumn(3, Qt.DescendingOrder)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrow keys move between rows
        self.table.activated.connect(self._open)  # Return on a row, or a double click
        self.heading = QLabel("<b>Best montages</b>")
        self.heading.setWordWrap(True)
        self.note = hint_label()
        self.open_button = make_button("Open as simulation", "open", "Open the selected montage as a simulation")
        self.open_button.clicked.connect(self._open_selected)
        self.stale = False  # while a new run is in progress, this ranking is the previous one's
        self._update_open_button()
        self.table.selectionModel().selectionChanged.connect(self._update_open_button)
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
                              "the target (V/m). Double-click one or press Return to simulate it.")
        self._update_open_button()

    def set_stale(self, stale: bool) -> None:
        self.stale = stale
        self._update_open_button()

    def _update_open_button(self, *_) -> None:
        self.open_button.setEnabled(not self.stale and bool(self.table.selectionModel().selectedRows()))
        self.open_button.setToolTip(STALE_TIP if self.stale else "")

    def _open(self, index) -> None:
        montage = index.sibling(index.row(), 0).data(MONTAGE_ROLE)
        if montage is not None and not self.stale:
            self.montage_opened.emit(montage)

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open(rows[0])
