"""Settings → Privacy: the choice, the queue, the history, the drops, the id, and what is collected.

Everything shown comes from the SendWorker's snapshots (`pending_changed`), so the page
stays live while events are recorded and sent, follows a change made by another process
(the `tit-app telemetry` command, say) within a second, and never reads SQLite while
painting. Changes made on the page (opting out, resetting the id, deleting, exporting) run
on the telemetry task thread (`ui/delivery/tasks.py`), which also reads the consent state
after them, so the change shows before the next snapshot.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from tit_app import telemetry
from tit_app.ui.consent_state import ConsentState, read_consent_state
from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.delivery.tasks import tasks
from tit_app.ui.privacy.catalog_view import NoticeView
from tit_app.ui.privacy.consent_controls import ConsentControls
from tit_app.ui.privacy.event_models import LossesModel, SentEventsModel
from tit_app.ui.privacy.pending_panel import PendingPanel
from tit_app.ui.privacy.steady_table import EmptyHint, steady_columns
from tit_app.ui.privacy.summary_model import UsageSummaryModel
from tit_app.ui.widgets import hint_label, make_button, make_table

log = logging.getLogger(__name__)

NO_ID = "none (sharing is off)"
RESET_TIP = ("Use a new anonymous id from now on. The events waiting to be sent are deleted, the old id is "
             "removed from the history on this computer, and destinations that take them are asked to delete "
             "what they hold under it.")
NO_ID_TIP = ("No event carries an anonymous id while sharing is off (a kill switch, a policy, a No Thanks or a "
             "paused answer), so there is nothing to show or reset.")
RESET_DONE = "A new anonymous id is used from now on; the events that were waiting were deleted."
NOT_SAVED = "Your choice could not be saved; it applies until you quit."
LOSSES_NOTE = ("Events telemetry had to drop, by cause, since its queue on this computer was created. While "
               "sharing is on, new counts also go to your destinations in the telemetry_health event, at most "
               "every six hours.")
TABS = ("Pending", "Sent", "Dropped", "Your usage", "What we collect")
EMPTY_SENT = ("Nothing was sent or dropped in the last 7 days.\nEach event that leaves (or is given up on) is "
              "listed here with its destination and the outcome.")
EMPTY_LOSSES = "No drop cause is known yet."
EMPTY_SUMMARY = ("No operation has finished yet while sharing was on.\nRun a simulation, a search, an analysis "
                 "or a field export, and its count and durations appear here.")


class PrivacyPage(QWidget):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("privacyPage")
        self._service = service
        self.controls = ConsentControls()
        self.pending = PendingPanel(service)
        self.sent_model = SentEventsModel(self)
        self.losses_model = LossesModel(self)
        self.summary_model = UsageSummaryModel(self)
        # The other tabs' tables are built after the page shows and the queue is listed (`_build_tables`).
        self.sent_table = self.losses_table = self.summary_table = None
        self.empty_hints: list[EmptyHint] = []
        self.notice_view = NoticeView()
        self._notice = ""  # the newest notice; laid out only while its tab shows (it is long)
        self.tabs = self._build_tabs()
        self.client_id = QLabel()
        self.client_id.setObjectName("clientIdLabel")
        self.client_id.setAccessibleName("Anonymous id")
        self.client_id.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message = hint_label()
        self.message.hide()
        self.reset_button = make_button("Reset id", "reset", "Reset the anonymous id")
        self.export_button = make_button("Export…", "export", "Export local telemetry data to a file")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.controls)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._identity_row())
        layout.addWidget(self.message)
        self.controls.opting_out.connect(self.pending.clear)  # the purge is under way: show it at once
        self.controls.choice_saved.connect(self._choice_saved)
        self.controls.preview_saved.connect(self._preview_saved)
        self.tabs.currentChanged.connect(self._build_tables)  # another tab chosen before they were built
        self.tabs.currentChanged.connect(self._show_notice)
        self.reset_button.clicked.connect(self.reset_id)
        self.export_button.clicked.connect(self._ask_export)
        service.pending_changed.connect(self.set_snapshot)
        self.controls.show_state(service.snapshot.consent)
        self._show_identity(self.controls.state)
        # The page is built, shown, filled and completed in separate turns of the event loop: each is a
        # short stall where doing it all at once is a long one (10,000 events take a while to list).
        QTimer.singleShot(0, self._fill)

    def _fill(self) -> None:
        if self.pending.model.snapshot.taken_at == 0:  # no snapshot has arrived meanwhile
            self.set_snapshot(self._service.snapshot)
        QTimer.singleShot(0, self._build_tables)

    def _build_tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setObjectName("privacyTabs")
        tabs.addTab(self.pending, TABS[0])
        for title in TABS[1:]:
            tabs.addTab(QWidget(), title)  # empty until `_build_tables`
        return tabs

    def _build_tables(self, *_) -> None:
        """Fill the tabs after Pending (once): their tables show the models' rows from then on."""
        if self.sent_table is not None:
            return
        self.sent_table = make_table(self.sent_model, "Events already sent or dropped")
        steady_columns(self.sent_table, (10, 18, 14))
        self.losses_table = make_table(self.losses_model, "Events dropped, by cause")
        steady_columns(self.losses_table, (18, 9))
        self.summary_table = make_table(self.summary_model, "Your usage by operation")
        steady_columns(self.summary_table, (18, 4, 4, 6, 6, 7, 7, 7))
        self.empty_hints = [EmptyHint(self.sent_table, EMPTY_SENT), EmptyHint(self.losses_table, EMPTY_LOSSES),
                            EmptyHint(self.summary_table, EMPTY_SUMMARY)]
        contents = ((self.sent_table, None), (self.losses_table, hint_label(LOSSES_NOTE)),
                    (self.summary_table, _summary_note()), (self.notice_view, None))
        for index, (widget, note) in enumerate(contents, start=1):
            _pad(self.tabs.widget(index), widget, note)

    def _identity_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Anonymous id:"))
        row.addWidget(self.client_id)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        return row

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        if snapshot.consent is not None:
            self.controls.show_state(snapshot.consent)  # ignored when older than what the controls show
        # The whole page goes by the newest consent state: a snapshot taken before a click here is not.
        snapshot = replace(snapshot, consent=self.controls.state or snapshot.consent)
        self.pending.set_snapshot(snapshot)
        self.sent_model.set_snapshot(snapshot)
        self.losses_model.set_snapshot(snapshot)
        self.summary_model.set_snapshot(snapshot)
        self._notice = snapshot.notice or self._notice
        self._show_notice()
        self.tabs.setTabText(0, f"Pending ({snapshot.pending_total})")
        self.tabs.setTabText(1, f"Sent ({len(snapshot.history)})")
        self.tabs.setTabText(2, f"Dropped ({snapshot.dropped_total})")
        self._show_identity(self.controls.state)

    def _show_notice(self, *_) -> None:
        if self._notice and self.tabs.currentIndex() == TABS.index("What we collect"):
            self.notice_view.show_notice(self._notice)

    def _show_identity(self, state: ConsentState | None) -> None:
        # Only an id events are tagged with now is shown: none under a kill switch or a policy of "off",
        # after No Thanks, or while an answer is paused (whatever the settings file still holds).
        sharing = state is not None and state.decision.enabled
        client_id = state.client_id if sharing else None
        self.client_id.setText(client_id or NO_ID)
        self.reset_button.setEnabled(client_id is not None)
        self.reset_button.setToolTip(RESET_TIP if client_id is not None else NO_ID_TIP)

    def _show_own_change(self) -> None:
        """After a change made here: show it everywhere on the page now, and ask for a fresh snapshot."""
        self.pending.show_consent(self.controls.state)
        self._show_identity(self.controls.state)
        self._service.refresh()

    def _choice_saved(self, _enabled: bool, saved: bool) -> None:
        self._show_own_change()
        self.show_message("" if saved else NOT_SAVED)

    def _preview_saved(self, _on: bool, saved: bool) -> None:
        self._show_own_change()
        self.show_message("" if saved else NOT_SAVED)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def reset_id(self) -> None:
        self.reset_button.setEnabled(False)
        tasks().run(lambda: (telemetry.reset_client_id(), read_consent_state()), self._id_reset)

    def _id_reset(self, result, error) -> None:
        new_id, state = result if error is None else (None, None)
        if error is not None:
            self.show_message("The anonymous id could not be reset.")
        else:
            self.show_message(RESET_DONE if new_id else NO_ID_TIP)
        if new_id:
            self.pending.clear()  # the reset deleted the waiting events; the next snapshot confirms it
        self.controls.show_state(state)
        self._show_own_change()

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export telemetry data", str(Path.home() / "tit-app-telemetry.json"), "JSON files (*.json)")
        if path:
            self.export(path)

    def export(self, path: str):
        """Write the file on the task thread; the message says how it went. Returns the task's future."""
        self.show_message("Exporting…")
        return tasks().run(lambda: telemetry.export_local_data(path),
                           lambda count, error: self._exported(path, count, error))

    def _exported(self, path: str, count, error) -> None:
        if error is not None:
            self.show_message(f"Export failed: {error.__class__.__name__}.")
        else:
            self.show_message(f"Exported {count} pending events and the history to {Path(path).name}.")


def _pad(page: QWidget, widget: QWidget, note: QWidget | None) -> None:
    """Lay `note` and `widget` out in `page`, showing them now if `page` is on screen already."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(8, 8, 8, 8)
    for child, stretch in ((note, 0), (widget, 1)):
        if child is not None:
            layout.addWidget(child, stretch)
            child.show()  # a layout shows a child added to a visible page only in a later turn


def _summary_note() -> QLabel:
    return hint_label("Computed on this computer from the events recorded here, waiting or already sent. "
                      "Runs are the runs that ended, with or without an error; cancelled runs are counted "
                      "apart and left out of the error rate and the durations. A duration is from start to "
                      "outcome, the same figure the status line shows when a run finishes.")
