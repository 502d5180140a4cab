"""The Pending tab: the queue, when each event leaves, the exact payload of the selected one, and its buttons.

The Privacy page hands it every snapshot (`set_snapshot`); the model keeps the current one
and changes row by row, so the selection and the row at the top of the view stay put while
the user reads. While the tab is on screen a one-second tick counts the "Leaves" column down,
from the snapshot alone. Deleting runs on the telemetry task thread (`ui/delivery/tasks.py`):
the rows go at once, and a snapshot taken before the deletion finished does not bring them back.
"""

from __future__ import annotations

import html
import time
from dataclasses import replace
from itertools import compress

from PyQt5.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PyQt5.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tit_app import telemetry
from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.delivery.tasks import tasks
from tit_app.ui.privacy.event_models import PendingEventsModel
from tit_app.ui.privacy.leave_time import may_any_leave_now
from tit_app.ui.privacy.payload_preview import preview_text
from tit_app.ui.privacy.send_feedback import destinations_text, events, send_result_text
from tit_app.ui.privacy.steady_table import EmptyHint, steady_columns
from tit_app.ui.widgets import code_view, hint_label, make_button, make_table

PLACEHOLDER = "Select an event to see exactly what each destination will receive."
SEND_TIP = ("Send the waiting events now, without waiting for the next round or for the review time "
            "after Enable")
NOTHING_WAITING = "Nothing is waiting to be sent."
PREVIEW_HOLDS = "Preview only: nothing is sent until you clear “Keep events on this computer”."
NOTHING_MAY_LEAVE = "None of the waiting events can be sent now; the Leaves column says why."
TICK_MS = 1000
EMPTY = ("No event is waiting to be sent.\nWhile sharing is on, what tit_app records appears here first, "
         "with the exact payload each destination will receive.")
# Columns in average characters: Time, Event, Status, Destinations, Attempts (Leaves takes the rest).
COLUMN_CHARS = (9, 14, 8, 18, 8)
PAYLOAD_SHARE = 0.5  # of the splitter's height, when the tab first shows
CONFIRM_TITLE = "Delete all waiting events — tit_app"
ALL = "all"  # a deletion of every row


class PendingPanel(QWidget):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self._service = service
        self._sending = False
        # Deletions asked for: (ids or ALL, when the task finished or None). Their rows stay out of the
        # table until a snapshot taken after the task finished shows the store without them.
        self._deletions: list[list] = []
        self._sized = False
        self.model = PendingEventsModel(self)
        self.table = make_table(self.model, "Events waiting to be sent")
        steady_columns(self.table, COLUMN_CHARS)
        self.empty_hint = EmptyHint(self.table, EMPTY)
        self.preview = code_view("Payload of the selected event", PLACEHOLDER)
        self.indent = QCheckBox("Indent")
        self.indent.setToolTip("Lay the JSON out on several lines (the content is the same)")
        self.send_button = make_button("Send now", "send", "Send pending events now")
        self.delete_button = make_button("Delete selected", "delete", "Delete the selected events")
        self.delete_all_button = make_button("Delete all…", "delete-all", "Delete every pending event")
        self.destinations = hint_label()
        self.destinations.setObjectName("destinationsLabel")
        self.destinations.setAccessibleName("Destinations and their state")
        self.feedback = hint_label()
        self.feedback.setObjectName("sendFeedback")
        self.feedback.setAccessibleName("What the last action did")
        self.feedback.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.feedback.hide()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(lambda: self.model.tick(time.time()))
        self.splitter = self._build_layout()
        self.table.selectionModel().selectionChanged.connect(self._show_preview)
        self.indent.toggled.connect(self._show_preview)
        self.send_button.clicked.connect(self._send_now)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_all_button.clicked.connect(self.delete_all)
        service.send_finished.connect(self._send_finished)

    def _build_layout(self) -> QSplitter:
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Payload</b> — exactly what each destination receives (drag the bar to resize)"))
        header.addStretch(1)
        header.addWidget(self.indent)
        detail_layout.addLayout(header)
        detail_layout.addWidget(self.preview)
        splitter = QSplitter(Qt.Vertical)
        splitter.setObjectName("pendingSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        lines = self.preview.fontMetrics().lineSpacing()
        self.preview.setMinimumHeight(6 * lines)
        self.table.setMinimumHeight(6 * self.table.verticalHeader().defaultSectionSize())
        splitter.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.destinations, 1)
        for button in (self.send_button, self.delete_button, self.delete_all_button):
            buttons.addWidget(button, 0, Qt.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        return splitter

    # -- snapshot ------------------------------------------------------------------------

    def set_snapshot(self, snapshot: TelemetrySnapshot, keys: list | None = None) -> None:
        """Show `snapshot` (`keys`: the `keys_of` its pending rows, when known already)."""
        snapshot, keys = self._without_hidden(snapshot, keys)
        self._keep_reading_position(lambda: self.model.set_snapshot(snapshot, keys))
        lines = destinations_text(snapshot)
        self.destinations.setText("<br>".join(html.escape(line) for line in lines))
        self._update_buttons()
        self._show_preview()

    def _without_hidden(self, snapshot: TelemetrySnapshot, keys: list | None) -> tuple[TelemetrySnapshot, list | None]:
        """`snapshot` without the rows being deleted, and the keys of the rows left (None: not read)."""
        self._deletions = [d for d in self._deletions if d[1] is None or snapshot.taken_at < d[1]]
        if not self._deletions:
            return snapshot, keys
        if any(ids == ALL for ids, _ in self._deletions):
            return replace(snapshot, pending=(), pending_total=0), []
        hidden = set().union(*(ids for ids, _ in self._deletions))
        keys = self.model.keys_of(snapshot.pending) if keys is None else keys
        if hidden.isdisjoint(keys):  # the store no longer holds them: nothing to leave out
            return snapshot, keys
        kept = [key not in hidden for key in keys]
        pending = tuple(compress(snapshot.pending, kept))
        return replace(snapshot, pending=pending, pending_total=len(pending)), list(compress(keys, kept))

    def _keep_reading_position(self, update) -> None:
        """Keep the row at the top of the view there while rows come and go above it (unless at the very top)."""
        bar = self.table.verticalScrollBar()
        top = self.table.indexAt(QPoint(0, 0)).row() if bar.value() > 0 else -1
        key = self.model.row_key(self.model.row_item(top)) if top >= 0 else None
        update()
        row = self.model.row_of(key) if key is not None else -1
        if row >= 0 and row != top:
            self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.PositionAtTop)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized:  # a payload pane tall enough to read, once; the user's drag is kept after that
            self._sized = True
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([round(total * (1 - PAYLOAD_SHARE)), round(total * PAYLOAD_SHARE)])
        self.model.tick(time.time())
        self._tick.start()

    def hideEvent(self, event) -> None:
        self._tick.stop()  # nothing to count while nobody looks
        super().hideEvent(event)

    def selected_rows(self) -> list[int]:
        """The selected rows, in order. Read from the selection's ranges (the table selects whole rows):
        `selectedRows()` asks the model about every cell of them, slow for a large selection."""
        ranges = self.table.selectionModel().selection()
        return sorted({row for part in ranges for row in range(part.top(), part.bottom() + 1)})

    def selected_ids(self) -> list[str]:
        return [self.model.row_key(self.model.row_item(row)) for row in self.selected_rows()]

    def _update_buttons(self) -> None:
        self.delete_all_button.setEnabled(self.model.rowCount() > 0)
        self.delete_button.setEnabled(self.table.selectionModel().hasSelection())
        blocked = self._send_blocked_by()
        self.send_button.setEnabled(not blocked and not self._sending)
        self.send_button.setToolTip(blocked or SEND_TIP)

    def _send_blocked_by(self) -> str:
        """Why Send now would send nothing ("" when it would send something)."""
        snapshot = self.model.snapshot
        if not snapshot.pending:
            return NOTHING_WAITING
        if may_any_leave_now(snapshot):
            return ""
        return PREVIEW_HOLDS if snapshot.consent is not None and snapshot.consent.preview else NOTHING_MAY_LEAVE

    def _show_preview(self, *_) -> None:
        self._update_buttons()
        item = self._first_selected()
        text = preview_text(item, self.model.snapshot, self.indent.isChecked()) if item else PLACEHOLDER
        if text != self.preview.toPlainText():
            self.preview.setPlainText(text)

    def _first_selected(self):
        selection = self.table.selectionModel().selection()
        return self.model.row_item(selection[0].top()) if not selection.isEmpty() else None

    def clear(self) -> None:
        """Empty the table at once (after opt-out or an id reset); the next snapshot confirms it."""
        self.set_snapshot(replace(self.model.snapshot, pending=(), pending_total=0))

    def show_consent(self, state) -> None:
        """Use a consent state read just now (after a change on the page) until the next snapshot."""
        if state is not None:
            self.set_snapshot(replace(self.model.snapshot, consent=state))

    def show_feedback(self, text: str) -> None:
        self.feedback.setText(text)
        self.feedback.setVisible(bool(text))

    # -- actions -------------------------------------------------------------------------

    def _send_now(self) -> None:
        self._sending = True
        self.send_button.setText("Sending…")
        self.show_feedback("Sending…")
        self._update_buttons()
        self._service.send_now()

    def _send_finished(self, report) -> None:
        if not self._sending:
            return  # a round of the timer's: the table shows what it did
        self._sending = False
        self.send_button.setText("Send now")
        self.show_feedback(send_result_text(report, self._send_blocked_by()))
        self._update_buttons()

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        ids = [self.model.row_key(self.model.row_item(row)) for row in rows]
        deletion = self._hide(set(ids))
        self._stay_in_table(rows[0])
        tasks().run(lambda: telemetry.delete_pending(ids), lambda count, error: self._deleted(deletion, count, error))

    def _stay_in_table(self, row: int) -> None:
        """Keep the keyboard in the table, on the row after the deleted ones, with nothing selected:
        the disabled "Delete selected" must not pass the focus on to "Delete all"."""
        self.table.setFocus(Qt.OtherFocusReason)
        row = min(row, self.model.rowCount() - 1)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.NoUpdate)

    def delete_all(self) -> None:
        count = self.model.rowCount()
        if count == 0 or not self.confirm_delete_all(count):
            return
        deletion = self._hide(ALL)
        self.table.setFocus(Qt.OtherFocusReason)
        tasks().run(telemetry.purge, lambda removed, error: self._deleted(deletion, removed, error))

    def confirm_delete_all(self, count: int) -> bool:
        """Ask before deleting the whole queue; Cancel is the default (Enter or Space on it deletes nothing)."""
        box = QMessageBox(QMessageBox.Warning, CONFIRM_TITLE, f"Delete all {events(count)} waiting to be sent?",
                          QMessageBox.NoButton, self)
        box.setObjectName("confirmDeleteAll")
        box.setInformativeText("They are deleted from this computer and never sent. This cannot be undone.")
        delete = box.addButton("Delete all", QMessageBox.DestructiveRole)
        cancel = box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        cancel.setFocus(Qt.OtherFocusReason)
        box.exec_()
        return box.clickedButton() is delete

    def _hide(self, ids) -> list:
        deletion = [ids, None]
        self._deletions.append(deletion)
        self.set_snapshot(self.model.snapshot, self.model.shown_keys())
        return deletion

    def _deleted(self, deletion: list, count, error) -> None:
        deletion[1] = time.time()
        if error is not None:
            self._deletions.remove(deletion)  # nothing was deleted: the rows come back with the next snapshot
            self.show_feedback(f"The events could not be deleted ({error.__class__.__name__}); they are still queued.")
        else:
            self.show_feedback(f"Deleted {events(count or 0)}.")
        self._service.refresh()
