"""'What we collect': the event catalog as a table, in a dialog or embedded in a page.

Generated from `telemetry.event_catalog()`, the same data the pipeline validates against, so the
documentation cannot drift from what is actually recorded.
"""

from __future__ import annotations

from html import escape

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tit_app import telemetry
from tit_app.ui.table_model import RowsTableModel

LEVEL_LABELS = {"errors": "Errors", "usage": "Usage"}
PARAMS_WIDTH = 280
LEVEL_NOTE = (
    "<b>Errors</b> events are shared at both settings; <b>Usage</b> events only with "
    "<i>Usage and errors</i>. A failed operation counts as an error. Every event also "
    "carries the app, Python and OS versions and whether the app runs as a window or "
    "on the command line."
)


def _catalog(catalog=None):
    """The given catalog, or the engine's: the one events are validated against."""
    return catalog if catalog is not None else telemetry.event_catalog()


class CatalogModel(RowsTableModel):
    HEADERS = ("Event", "Level", "What it means", "Parameters")

    def __init__(self, catalog=None, parent=None) -> None:
        super().__init__(parent)
        self.set_rows(_catalog(catalog).events.values())

    def cell_text(self, spec, column: int) -> str:
        if column == 0:
            return spec.name
        if column == 1:
            return LEVEL_LABELS.get(spec.level, spec.level)
        if column == 2:
            return spec.description
        return ", ".join(spec.params) or "—"

    def cell_tooltip(self, spec, column: int) -> str | None:
        if column != 3 or not spec.params:
            return None
        rows = "".join(f"<li><b>{escape(p.name)}</b>: {escape(p.description)}</li>" for p in spec.params.values())
        return f"<ul style='margin:0'>{rows}</ul>"


def never_collected_html(catalog=None) -> str:
    catalog = _catalog(catalog)
    items = "".join(f"<li>{escape(item)}</li>" for item in catalog.never_collected)
    return f"<b>Never collected</b><ul style='margin-top:4px'>{items}</ul>"


def catalog_html(catalog=None) -> str:
    """The whole catalog as a readable page: each event, its level, what it means and carries."""
    catalog = _catalog(catalog)
    parts = [f"<p>{LEVEL_NOTE}</p>"]
    for spec in catalog.events.values():
        params = ", ".join(f"<code>{escape(p)}</code>" for p in spec.params)
        carries = f"<br><span style='color:#5f6b78'>Carries: {params}</span>" if params else ""
        parts.append(f"<p style='margin:8px 0'><b><code>{escape(spec.name)}</code></b> "
                     f"<span style='color:#5f6b78'>· {LEVEL_LABELS.get(spec.level, spec.level)}</span><br>"
                     f"{escape(spec.description)}{carries}</p>")
    parts.append(never_collected_html(catalog))
    return "".join(parts)


class CatalogSummary(QTextBrowser):
    """The catalog as text, for the Privacy page (the table is in Help → What we collect…)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogSummary")
        self.setAccessibleName("What tit_app collects")
        self.setOpenLinks(False)
        self.setHtml(catalog_html())


class CatalogView(QWidget):
    """The catalog table with the level note and the never-collected list."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table = QTableView()
        self.table.setObjectName("catalogTable")
        self.table.setAccessibleName("Events tit_app can record")
        self.table.setModel(CatalogModel(parent=self.table))
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setSectionResizeMode(3, QHeaderView.Fixed)
        header.resizeSection(3, PARAMS_WIDTH)  # long parameter lists wrap instead of widening the table
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)  # rows follow the wrapping
        self.table.setShowGrid(False)
        note = QLabel(LEVEL_NOTE)
        note.setWordWrap(True)
        never = QLabel(never_collected_html())
        never.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(never)


class CatalogDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What tit_app collects")
        self.view = CatalogView()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.Close).setFocus()
        self.resize(980, 700)


def show_catalog(parent=None) -> CatalogDialog:
    """Open the catalog without blocking (it is reference material, not a question)."""
    dialog = CatalogDialog(parent)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    return dialog
