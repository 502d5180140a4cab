"""The Pending tab: the queue, the exact payload of the selected event, and its buttons.

The Privacy page hands it every snapshot (`set_snapshot`); the model keeps the current one.
"""

from __future__ import annotations

import html
import logging
from dataclasses import replace

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from tit_app import telemetry
from tit_app.ui.privacy.event_models import EVENT_ID_ROLE, PendingEventsModel
from tit_app.ui.privacy.payload_preview import preview_text
from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.widgets import code_view, hint_label, make_button, make_table

log = logging.getLogger(__name__)

PLACEHOLDER = "Select an event to see exactly what each destination will receive."


class PendingPanel(QWidget):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self._service = service
        self._sending = False
        self.model = PendingEventsModel(self)
        self.table = make_table(self.model, "Events waiting to be sent")
        self.preview = code_view("Payload of the selected event", PLACEHOLDER)
        self.indent = QCheckBox("Indent")
        self.indent.setToolTip("Lay the JSON out on several lines (the content is the same)")
        self.send_button = make_button("Send now", "send", "Send pending events now")
        self.delete_button = make_button("Delete selected", "delete", "Delete the selected events")
        self.delete_all_button = make_button("Delete all", "delete-all", "Delete every pending event")
        self.destinations = hint_label()
        self._build_layout()
        self.table.selectionModel().selectionChanged.connect(self._show_preview)
        self.indent.toggled.connect(self._show_preview)
        self.send_button.clicked.connect(self._send_now)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_all_button.clicked.connect(self.delete_all)
        service.send_finished.connect(self._send_finished)

    def _build_layout(self) -> None:
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Payload</b> — exactly what each destination receives"))
        header.addStretch(1)
        header.addWidget(self.indent)
        detail_layout.addLayout(header)
        detail_layout.addWidget(self.preview)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.preview.setMinimumHeight(150)
        splitter.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.destinations, 1)
        for button in (self.send_button, self.delete_button, self.delete_all_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    # -- snapshot ------------------------------------------------------------------------

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        selected = set(self.selected_ids())
        self.model.set_snapshot(snapshot)
        self._restore_selection(selected)
        names = ", ".join(d.name for d in snapshot.destinations)
        text = f"Destinations: {names}" if names else "No destination configured"
        # Configuration errors name their setting, so the user knows what to fix.
        lines = [text, *(f"⚠ {p}" for p in snapshot.problems)]
        self.destinations.setText("<br>".join(html.escape(line) for line in lines))
        self._update_buttons()
        self._show_preview()

    def _restore_selection(self, event_ids: set[str]) -> None:
        selection = self.table.selectionModel()
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(EVENT_ID_ROLE) in event_ids:
                selection.select(self.model.index(row, 0), selection.Select | selection.Rows)

    def selected_ids(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows()
        return [index.data(EVENT_ID_ROLE) for index in rows]

    def _update_buttons(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.delete_all_button.setEnabled(has_rows)
        self.delete_button.setEnabled(bool(self.selected_ids()))
        can_send = has_rows and telemetry.is_enabled() and bool(self.model.snapshot.destinations)
        self.send_button.setEnabled(can_send and not self._sending)

    def _show_preview(self, *_) -> None:
        self._update_buttons()
        rows = self.table.selectionModel().selectedRows()
        item = self.model.row_item(rows[0].row()) if rows else None
        text = preview_text(item, self.model.snapshot, self.indent.isChecked()) if item else PLACEHOLDER
        if text != self.preview.toPlainText():
            self.preview.setPlainText(text)

    def clear(self) -> None:
        """Empty the table at once (after opt-out); the next snapshot confirms it."""
        self.set_snapshot(replace(self.model.snapshot, pending=(), pending_total=0))

    # -- actions -------------------------------------------------------------------------

    def _send_now(self) -> None:
        self._sending = True
        self.send_button.setText("Sending…")
        self._update_buttons()
        self._service.send_now()

    def _send_finished(self, _report) -> None:
        self._sending = False
        self.send_button.setText("Send now")
        self._update_buttons()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        try:
            telemetry.delete_pending(ids)
        except Exception:
            log.exception("could not delete pending events")
        self.table.clearSelection()
        self._service.refresh()

    def delete_all(self) -> None:
        try:
            telemetry.purge()
        except Exception:
            log.exception("could not delete pending events")
        self.clear()
        self._service.refresh()

