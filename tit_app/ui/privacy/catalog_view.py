"""'What we collect': the consent notice and the event catalog, in a dialog or embedded in a page.

Generated from `telemetry.consent_notice()` and `telemetry.event_catalog()`, the same data
the pipeline validates against, so what the window says cannot drift from what is recorded.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QTextCursor
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
from tit_app.ui.widgets import resize_to_fit

LEVEL_LABELS = {"errors": "Errors", "usage": "Usage"}
PARAMS_WIDTH = 280
MUTED = "color:#5f6b78"
DIALOG_SIZE = (980, 700)  # smaller where the screen is


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


def _codes(names) -> str:
    return ", ".join(f"<code>{escape(name)}</code>" for name in names)


def level_note(catalog=None) -> str:
    """How levels work and what every event carries, from the catalog (HTML)."""
    catalog = _catalog(catalog)
    counted_as_errors = defaultdict(list)  # status value -> usage events for which it means an error
    for spec in catalog.events.values():
        if spec.level == "usage" and spec.error_status:
            counted_as_errors[spec.error_status].append(spec.name)
    parts = ["<b>Errors</b> events are shared at both settings; <b>Usage</b> events only with "
             "<i>Usage and errors</i>."]
    parts += [f"{_codes(names)} count as errors when their <code>status</code> is <code>{escape(status)}</code>."
              for status, names in counted_as_errors.items()]
    parts.append(f"Every event also carries {_codes(catalog.system_params)}, and the identifiers the consent "
                 "notice lists.")
    return " ".join(parts)


def never_collected_html(catalog=None) -> str:
    catalog = _catalog(catalog)
    items = "".join(f"<li>{escape(item)}</li>" for item in catalog.never_collected)
    return f"<b>Never collected</b><ul style='margin-top:4px'>{items}</ul>"


def events_html(catalog=None) -> str:
    """Each event, its level, what it means and what it carries."""
    parts = []
    for spec in _catalog(catalog).events.values():
        carries = f"<br><span style='{MUTED}'>Carries: {_codes(spec.params)}</span>" if spec.params else ""
        parts.append(f"<p style='margin:8px 0'><b><code>{escape(spec.name)}</code></b> "
                     f"<span style='{MUTED}'>· {LEVEL_LABELS.get(spec.level, spec.level)}</span><br>"
                     f"{escape(spec.description)}{carries}</p>")
    return "".join(parts)


class NoticeView(QTextBrowser):
    """The Privacy page's "What we collect": the consent notice, then every event in detail."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogSummary")
        self.setAccessibleName("What tit_app collects")
        self.setOpenLinks(False)
        self.notice = None

    def show_notice(self, notice: str) -> None:
        """Show `notice` (Markdown) and the catalog below it; nothing happens when it has not changed."""
        if notice == self.notice:
            return
        self.notice = notice
        self.setMarkdown(notice)
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.End)
        cursor.insertHtml(f"<h3>Every event, in detail</h3><p>{level_note()}</p>{events_html()}")
        self.moveCursor(QTextCursor.Start)


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
        note = QLabel(level_note())
        note.setObjectName("levelNote")
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
        self.setWindowTitle("What we collect — tit_app")  # ends in the app name, which X11 would append
        self.view = CatalogView()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.Close).setFocus()
        resize_to_fit(self, *DIALOG_SIZE)


def show_catalog(parent=None) -> CatalogDialog:
    """Open the catalog without blocking (it is reference material, not a question)."""
    dialog = CatalogDialog(parent)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    return dialog
