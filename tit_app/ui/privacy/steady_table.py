"""Tables the user reads while they update: columns that keep their width, and a sentence when empty.

Columns sized to their contents are measured again at every update (over every row: slow
with 10,000 events) and jump while the user reads. Here each column starts at a width that
fits what it usually holds, the user may drag it, and the last one takes the rest.
"""

from __future__ import annotations

from PyQt5.QtCore import QObject, Qt
from PyQt5.QtGui import QFont, QFontMetrics
from PyQt5.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout

TITLE_PADDING = 28  # the header section's padding (style.qss: 8 px each side) and its margins


def steady_columns(table: QTableView, chars: tuple[int, ...]) -> None:
    """Interactive columns `chars[i]` average characters wide, never narrower than their title (the last
    one stretches)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.Interactive)
    header.setStretchLastSection(True)
    char_width = table.fontMetrics().averageCharWidth()
    bold = QFont(header.font())
    bold.setWeight(QFont.DemiBold)  # the style sheet sets the titles semi-bold, which fontMetrics() does not know
    title_metrics = QFontMetrics(bold)
    model = table.model()
    for column, count in enumerate(chars):
        title = str(model.headerData(column, Qt.Horizontal) or "")
        width = max(count * char_width, title_metrics.horizontalAdvance(title))
        header.resizeSection(column, width + TITLE_PADDING)


class EmptyHint(QObject):
    """A sentence in the middle of a table while its model has no rows, saying why and what will appear."""

    def __init__(self, table: QTableView, text: str) -> None:
        super().__init__(table)
        self.label = QLabel(text)
        self.label.setObjectName("emptyHint")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignCenter)
        self.label.setEnabled(False)  # drawn in the style's muted text colour
        self.label.setAttribute(Qt.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(table.viewport())
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.label)
        self._model = table.model()
        for signal in (self._model.rowsInserted, self._model.rowsRemoved, self._model.modelReset):
            signal.connect(self._update)
        self._update()

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def _update(self, *_) -> None:
        self.label.setVisible(self._model.rowCount() == 0)
