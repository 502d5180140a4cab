"""The exhaustive search's ranking as a sortable table; a row can be opened as a simulation."""

from __future__ import annotations

from PyQt5.QtCore import QSortFilterProxyModel, Qt, pyqtSignal
from PyQt5.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from tit_app.ops import figures
from tit_app.ops.readout import score_attributes
from tit_app.ops.results import rankings
from tit_app.ui.table_model import RowsTableModel
from tit_app.ui.widgets import hint_label, make_button, make_table

SORT_ROLE = Qt.UserRole + 1
MONTAGE_ROLE = Qt.UserRole + 2
HEADER_LINES, HEADER_PADDING = 3, 12  # a score's name on two lines, its unit on the third; style.qss padding
STALE_TIP = "This ranking is from the previous run; it can be opened again when the new run ends."


def merged_ranking(result) -> list:
    """Every top list as one, each montage once (the table sorts by any score)."""
    seen, rows = set(), []
    for montage in (m for ranking in rankings(result).values() for m in ranking):
        key = (montage.pair1, montage.pair2)
        if key not in seen:
            seen.add(key)
            rows.append(montage)
    return rows


def _header(figure) -> str:
    """The figure's name, its unit on a second line (so the column need not be wide)."""
    return f"{figure.name}\n{figure.unit}" if figure.unit else figure.name


# The two pairs, then one column per score a ranked montage carries, named as everywhere else.
SCORES = tuple(figures.score_figure(a) for a in score_attributes())
PAIR_TIPS = ("Pair 1: anode – cathode (10-10 names).", "Pair 2: anode – cathode (10-10 names).")


class MontageRankingModel(RowsTableModel):
    HEADERS = ("Pair 1", "Pair 2", *(_header(f) for f in SCORES))
    NUMERIC_COLUMNS = frozenset(range(2, 2 + len(SCORES)))
    FOCALITY_COLUMN = 2 + SCORES.index(figures.FOCALITY_3D)

    def set_result(self, result) -> None:
        self.set_rows(merged_ranking(result) if result is not None else [])

    @staticmethod
    def _values(montage) -> tuple:
        return ("–".join(montage.pair1), "–".join(montage.pair2),
                *(getattr(montage, a) for a in score_attributes()))

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.ToolTipRole and orientation == Qt.Horizontal and 0 <= section < len(self.HEADERS):
            return PAIR_TIPS[section] if section < 2 else SCORES[section - 2].definition
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
        columns = self.table.horizontalHeader()
        # The pairs as wide as their names, the scores share the rest: the table never scrolls
        # sideways, and a score's name wraps in its header where the room is short.
        columns.setSectionResizeMode(QHeaderView.Stretch)
        for column in (0, 1):
            columns.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        columns.setMinimumSectionSize(40)
        columns.setStretchLastSection(False)  # the score columns all stretch; this one would lag a resize
        # A scroll bar that comes and goes with the row count would leave the stretched columns a bar's
        # width too wide for a moment (the table would scroll sideways): it is always there.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        columns.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter | Qt.TextWordWrap)
        columns.setMinimumHeight(HEADER_LINES * columns.fontMetrics().lineSpacing() + HEADER_PADDING)
        self.table.setSortingEnabled(True)
        self.table.setSelectionMode(self.table.SingleSelection)
        self.table.sortByColumn(MontageRankingModel.FOCALITY_COLUMN, Qt.DescendingOrder)
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
            self.note.setText(f"{self.model.rowCount()} of {result.combinations:,} montages, the best by each "
                              "score, computed on 3-D sample points. Double-click one or press Return to "
                              "simulate it.")
            self.note.setToolTip("\n\n".join(f"{f.name}: {f.definition}" for f in SCORES))
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
