"""The Pending tab: the queue, when each event leaves, the exact payload of the selected one, and its buttons.

The Privacy page hands it every snapshot (`set_snapshot`); the model keeps the current one.
While the tab is on screen a one-second tick counts the "Leaves" column down, from the
snapshot alone.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import replace

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from tit_app import telemetry
from tit_app.ui.privacy.event_models import EVENT_ID_ROLE, PendingEventsModel
from tit_app.ui.privacy.leave_time import may_leave_now
from tit_app.ui.privacy.payload_preview import preview_text
from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.widgets import code_view, hint_label, make_button, make_table

log = logging.getLogger(__name__)

PLACEHOLDER = "Select an event to see exactly what each destination will receive."
SEND_TIP = ("Send the waiting events now, without waiting for the next round or for the review time "
            "after Enable")
NOTHING_WAITING = "Nothing is waiting to be sent."
PREVIEW_HOLDS = "Preview only: nothing is sent until you clear “Keep events on this computer”."
NOTHING_MAY_LEAVE = "None of the waiting events can be sent now; the Leaves column says why."
TICK_MS = 1000


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
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(lambda: self.model.tick(time.time()))
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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.model.tick(time.time())
        self._tick.start()

    def hideEvent(self, event) -> None:
        self._tick.stop()  # nothing to count while nobody looks
        super().hideEvent(event)

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
        blocked = self._send_blocked_by()
        self.send_button.setEnabled(not blocked and not self._sending)
        self.send_button.setToolTip(blocked or SEND_TIP)

    def _send_blocked_by(self) -> str:
        """Why Send now would send nothing ("" when it would send something)."""
        snapshot = self.model.snapshot
        if not snapshot.pending:
            return NOTHING_WAITING
        if any(may_leave_now(item, snapshot) for item in snapshot.pending):
            return ""
        return PREVIEW_HOLDS if snapshot.consent is not None and snapshot.consent.preview else NOTHING_MAY_LEAVE

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

    def show_consent(self, state) -> None:
        """Use a consent state read just now (after a change on the page) until the next snapshot."""
        if state is not None:
            self.set_snapshot(replace(self.model.snapshot, consent=state))

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

