"""Settings → Privacy: the toggle, the live Pending and Sent tables, previews and the buttons."""

from __future__ import annotations

import json

from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.telemetry.model import Delivery, PendingEvent
from tit_app.telemetry.testing import stored_events
from tit_app.ui.privacy.catalog_view import CatalogModel
from tit_app.ui.privacy.event_models import PendingEventsModel, SentEventsModel
from tit_app.ui.privacy.payload_preview import NO_DESTINATION
from tit_app.ui.privacy.page import PrivacyPage
from tit_app.ui.settings_dialog import SettingsDialog
from tit_app.ui.delivery.snapshot import Destination, TelemetrySnapshot, take_snapshot
from tit_app.ui.privacy.summary_model import UsageSummaryModel


def record_some_events() -> None:
    telemetry.track_event("app_launch")
    with telemetry.track_operation("sim_ti", plane="axial", grid_size=64):
        pass
    api.engine().persist()


def open_page(qtbot, service) -> PrivacyPage:
    page = PrivacyPage(service)
    qtbot.addWidget(page)
    page.show()
    return page


def wait_for_rows(qtbot, page: PrivacyPage, rows: int) -> None:
    qtbot.waitUntil(lambda: page.pending.model.rowCount() == rows, timeout=5000)


def page_with_events(telemetry_env, service_factory, qtbot, env=None) -> PrivacyPage:
    """Consent given, four events recorded (first_run, app_launch, sim_ti start and success) and listed."""
    telemetry_env(consent=True, env=env)
    record_some_events()
    page = open_page(qtbot, service_factory())
    wait_for_rows(qtbot, page, 4)
    return page


def test_pending_table_model_passes_the_model_tester(telemetry_env, qtmodeltester):
    telemetry_env(consent=True)
    record_some_events()
    snapshot = take_snapshot()
    retrying = PendingEvent(snapshot.pending[0].event,
                            (Delivery("json", "pending", 2, snapshot.taken_at + 60, "HTTP 503"),))
    model = PendingEventsModel()
    model.set_snapshot(TelemetrySnapshot(pending=(retrying, *snapshot.pending[1:]),
                                         destinations=(Destination("json", frozenset({"usage", "errors"})),),
                                         taken_at=snapshot.taken_at))
    assert model.rowCount() == 4  # first_run, app_launch, sim_ti start and success
    assert model.index(0, 4).data() == "2" and model.index(0, 5).data() == "in 60 s"
    qtmodeltester.check(model, force_py=True)
    for other in (SentEventsModel(), UsageSummaryModel()):
        other.set_snapshot(snapshot)
        qtmodeltester.check(other, force_py=True)
    qtmodeltester.check(CatalogModel(), force_py=True)


def test_turning_sharing_off_purges_and_empties_the_table(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    page.controls.toggle.click()
    assert page.pending.model.rowCount() == 0  # at once, before any snapshot arrives
    assert not telemetry.is_enabled()
    assert api.engine().store.pending_count() == 0
    assert page.controls.reason.text() == telemetry.status().reason
    assert not page.controls.level.isEnabled()


def test_a_kill_switch_disables_the_controls_and_shows_its_reason(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True, env={"DO_NOT_TRACK": "1"})
    page = open_page(qtbot, service_factory())
    reason = telemetry.status().reason
    assert "DO_NOT_TRACK" in reason
    assert page.controls.reason.text() == reason
    assert page.controls.reason.isVisible()
    assert not page.controls.toggle.isEnabled() and not page.controls.level.isEnabled()
    assert not page.controls.toggle.isChecked()


def test_the_level_can_be_lowered_to_errors_only(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    page = open_page(qtbot, service_factory())
    combo = page.controls.level
    combo.setCurrentIndex(combo.findData("errors"))
    combo.activated.emit(combo.currentIndex())
    assert telemetry.status().level == "errors"
    assert page.controls.reason.text() == telemetry.status().reason


def test_selecting_an_event_shows_the_exact_payload(telemetry_env, service_factory, qtbot, http_collector):
    _, url = http_collector
    page = page_with_events(telemetry_env, service_factory, qtbot, env={"TIT_JSON_ENDPOINT": url})
    page.pending.table.selectRow(0)
    text = page.pending.preview.toPlainText()
    event = page.pending.model.row_item(0).event
    assert text.startswith("── json ──")
    body = json.loads(text.split("\n", 1)[1])
    assert body["events"][0]["event_id"] == event.event_id
    assert page.pending.preview.isReadOnly()


def test_without_destinations_the_stored_event_is_shown(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    page.pending.table.selectRow(1)
    text = page.pending.preview.toPlainText()
    assert text.startswith(NO_DESTINATION)
    assert page.pending.model.row_item(1).event.event_id in text


def test_a_configuration_error_is_shown_naming_its_setting(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": "http://lab.example.org/ingest"})
    page = open_page(qtbot, service_factory())
    qtbot.waitUntil(lambda: "TIT_JSON_ENDPOINT" in page.pending.destinations.text(), timeout=5000)
    assert "https" in page.pending.destinations.text()  # says what to fix
    assert "TIT_JSON_ENDPOINT" in " ".join(telemetry.status().problems)


def test_delete_selected_and_delete_all(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    page.pending.table.selectRow(0)
    doomed = page.pending.selected_ids()
    page.pending.delete_button.click()
    wait_for_rows(qtbot, page, 3)
    assert doomed[0] not in {e.event_id for e in stored_events()}
    page.pending.delete_all_button.click()
    assert page.pending.model.rowCount() == 0
    assert stored_events() == []
    assert telemetry.is_enabled()  # deleting the queue is not opting out


def test_reset_id_and_export(telemetry_env, service_factory, qtbot, tmp_path):
    telemetry_env(consent=True)
    record_some_events()
    page = open_page(qtbot, service_factory())
    before = page.client_id.text()
    page.reset_button.click()
    new_id = api.engine().config().client_id
    assert page.client_id.text() == new_id != before
    telemetry.track_event("app_launch")
    target = tmp_path / "export.json"
    assert page.export(str(target))
    data = json.loads(target.read_text())
    # The reset deleted what was pending under the old id (docs/telemetry.md says why).
    assert [(p["event"]["name"], p["event"]["client_id"]) for p in data["pending"]] == [("app_launch", new_id)]
    assert data["history"] == []
    assert data["consent_receipt"]["via"] == "api" and data["consent_receipt"]["level"] == "usage"


def test_usage_summary_is_computed_from_local_events(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    record_some_events()
    page = open_page(qtbot, service_factory())
    qtbot.waitUntil(lambda: page.summary_model.rowCount() == 1, timeout=5000)
    cells = [page.summary_model.index(0, c).data() for c in range(page.summary_model.columnCount())]
    assert cells[:4] == ["Simulate TI", "1", "0", "0%"]


def test_the_settings_dialog_holds_the_privacy_page(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    dialog = SettingsDialog(service_factory())
    qtbot.addWidget(dialog)
    dialog.show_privacy()
    assert dialog.stack.currentWidget() is dialog.privacy_page
    assert dialog.pages.item(0).text() == "Privacy"
