"""Settings → Privacy: the choice, the queue, the history, the id, and what is collected.

Everything shown comes from the SendWorker's snapshots (`pending_changed`), so the page
stays live while events are recorded and sent, and never reads SQLite while painting.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from tit_app import telemetry
from tit_app.ui.privacy.catalog_view import CatalogSummary
from tit_app.ui.privacy.consent_controls import ConsentControls
from tit_app.ui.privacy.event_models import SentEventsModel
from tit_app.ui.privacy.pending_panel import PendingPanel
from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.privacy.summary_model import UsageSummaryModel
from tit_app.ui.widgets import hint_label, make_button, make_table

log = logging.getLogger(__name__)


class PrivacyPage(QWidget):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("privacyPage")
        self._service = service
        self.controls = ConsentControls()
        self.pending = PendingPanel(service)
        self.sent_model = SentEventsModel(self)
        self.sent_table = make_table(self.sent_model, "Events already sent or dropped")
        self.summary_model = UsageSummaryModel(self)
        self.summary_table = make_table(self.summary_model, "Your usage by operation", stretch_column=0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("privacyTabs")
        self.tabs.addTab(self.pending, "Pending")
        self.tabs.addTab(_padded(self.sent_table), "Sent")
        self.tabs.addTab(_padded(self.summary_table, _summary_note()), "Your usage")
        self.tabs.addTab(_padded(CatalogSummary()), "What we collect")
        self.client_id = QLabel()
        self.client_id.setObjectName("clientIdLabel")
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
        self.controls.choice_saved.connect(self._choice_saved)
        self.reset_button.clicked.connect(self.reset_id)
        self.export_button.clicked.connect(self._ask_export)
        service.pending_changed.connect(self.set_snapshot)
        self.set_snapshot(service.snapshot)

    def _identity_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Anonymous id:"))
        row.addWidget(self.client_id)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        return row

    def set_snapshot(self, snapshot: TelemetrySnapshot) -> None:
        self.controls.refresh()  # a kill switch may have appeared in the environment
        self.pending.set_snapshot(snapshot)
        self.sent_model.set_snapshot(snapshot)
        self.summary_model.set_snapshot(snapshot)
        self.tabs.setTabText(0, f"Pending ({snapshot.pending_total})")
        self.tabs.setTabText(1, f"Sent ({len(snapshot.history)})")
        self._show_client_id()

    def _show_client_id(self) -> None:
        try:
            self.client_id.setText(telemetry.client_id())
        except Exception:
            self.client_id.setText("—")

    def _choice_saved(self, enabled: bool, saved: bool) -> None:
        if not enabled:
            self.pending.clear()  # opting out purged the queue; show it at once
        self._show_client_id()
        self._service.refresh()
        self.show_message("" if saved else "Your choice could not be saved; it applies until you quit.")

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def reset_id(self) -> None:
        try:
            telemetry.reset_client_id()
            self.show_message("A new anonymous id is used from now on.")
        except Exception:
            log.exception("could not reset the anonymous id")
            self.show_message("The anonymous id could not be reset.")
        self._show_client_id()

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export telemetry data", str(Path.home() / "tit-app-telemetry.json"), "JSON files (*.json)")
        if path:
            self.export(path)

    def export(self, path: str) -> bool:
        try:
            count = telemetry.export_local_data(path)
        except Exception as exc:
            log.exception("telemetry export failed")
            self.show_message(f"Export failed: {exc.__class__.__name__}.")
            return False
        self.show_message(f"Exported {count} pending events and the history to {Path(path).name}.")
        return True


def _padded(widget: QWidget, note: QWidget | None = None) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(8, 8, 8, 8)
    if note is not None:
        layout.addWidget(note)
    layout.addWidget(widget, 1)
    return page


def _summary_note() -> QLabel:
    return hint_label("Computed on this computer from the events recorded here, waiting or already sent. "
                      "Durations are from start to outcome.")
