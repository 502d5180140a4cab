"""Settings → Privacy: the toggle, the live Pending and Sent tables, previews and the buttons."""

from __future__ import annotations

import json
from dataclasses import replace

from PyQt5.QtCore import QItemSelectionModel

from tests.ui.conftest import PLUGIN_EVENTS, answer_message_box, answer_when_shown, wait_for_tasks, write_policy
from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.telemetry.model import DROP_CAUSES, Delivery, PendingEvent
from tit_app.telemetry.testing import stored_events
from tit_app.ui.delivery.snapshot import Destination, SendSchedule, take_snapshot
from tit_app.ui.privacy.catalog_view import CatalogModel, CatalogView
from tit_app.ui.privacy.event_models import LossesModel, PendingEventsModel, SentEventsModel
from tit_app.ui.privacy.page import NO_ID, NO_ID_TIP, PrivacyPage
from tit_app.ui.privacy.payload_preview import NO_DESTINATION
from tit_app.ui.privacy.summary_model import UsageSummaryModel
from tit_app.ui.settings_dialog import SettingsDialog
from tit_app.ui.status_item import TelemetryStatusItem


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
    model.set_snapshot(replace(snapshot, pending=(retrying, *snapshot.pending[1:]),
                               destinations=(Destination("json", frozenset({"usage", "errors"})),)))
    assert model.rowCount() == 4  # first_run, app_launch, sim_ti start and success
    assert model.index(0, 4).data() == "2" and model.index(0, 5).data() == "retry in 60 s"
    qtmodeltester.check(model, force_py=True)
    for other in (SentEventsModel(), UsageSummaryModel(), LossesModel()):
        other.set_snapshot(snapshot)
        qtmodeltester.check(other, force_py=True)
    qtmodeltester.check(CatalogModel(), force_py=True)


def test_turning_sharing_off_purges_and_empties_the_table(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    page.controls.toggle.click()
    assert page.pending.model.rowCount() == 0  # at once, before the purge (on the task thread) is done
    wait_for_tasks(qtbot)
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
    wait_for_tasks(qtbot)
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
    assert page.pending.model.rowCount() == 3  # at once
    wait_for_tasks(qtbot)
    assert doomed[0] not in {e.event_id for e in stored_events()}
    assert page.pending.feedback.text() == "Deleted 1 event."
    answer_message_box(lambda box: next(b for b in box.buttons() if b.text() == "Delete all").click())
    page.pending.delete_all_button.click()
    assert page.pending.model.rowCount() == 0
    wait_for_tasks(qtbot)
    assert stored_events() == []
    assert telemetry.is_enabled()  # deleting the queue is not opting out


def test_delete_selected_deletes_every_row_of_a_selection_in_pieces(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    table, model = page.pending.table, page.pending.model
    for row in (0, 2):  # two separate rows: a selection of two ranges
        table.selectionModel().select(model.index(row, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)
    doomed = [model.row_key(model.row_item(row)) for row in (0, 2)]
    assert page.pending.selected_ids() == doomed
    kept = [model.row_key(model.row_item(row)) for row in (1, 3)]
    page.pending.delete_button.click()
    assert model.shown_keys() == kept  # at once
    wait_for_tasks(qtbot)
    qtbot.waitUntil(lambda: page.pending.feedback.text() == "Deleted 2 events.", timeout=3000)
    assert {e.event_id for e in stored_events()} == set(kept)
    assert model.shown_keys() == kept


def test_the_other_tabs_are_built_once_the_queue_is_listed(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    qtbot.waitUntil(lambda: page.sent_table is not None, timeout=3000)  # without choosing any of those tabs
    for index, (table, model) in enumerate(((page.sent_table, page.sent_model), (page.losses_table, page.losses_model),
                                            (page.summary_table, page.summary_model)), start=1):
        assert table.model() is model and page.tabs.widget(index).isAncestorOf(table)
    assert page.tabs.widget(4).isAncestorOf(page.notice_view)
    assert page.summary_table.model().rowCount() == 1  # the rows that came before the table was built
    page.tabs.setCurrentIndex(3)
    assert page.summary_table.isVisible()


def test_reset_id_and_export(telemetry_env, service_factory, qtbot, tmp_path):
    telemetry_env(consent=True)
    record_some_events()
    page = open_page(qtbot, service_factory())
    before = page.client_id.text()
    page.reset_button.click()
    wait_for_tasks(qtbot)
    new_id = api.engine().consent.config().client_id
    assert page.client_id.text() == new_id != before
    telemetry.track_event("app_launch")
    target = tmp_path / "export.json"
    page.export(str(target))
    wait_for_tasks(qtbot)
    assert page.message.text() == "Exported 1 pending events and the history to export.json."
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


def leaves(page: PrivacyPage) -> set[str]:
    model = page.pending.model
    return {model.index(row, model.LEAVES).data() for row in range(model.rowCount())}


# -- the consent controls under a policy, a pause, and no answer ------------------------------


def test_under_an_errors_policy_sharing_can_be_turned_off_and_on_with_the_level_capped(
        telemetry_env, telemetry_home, service_factory, qtbot):
    write_policy(telemetry_home, "errors")
    telemetry_env(consent=True)
    service = service_factory()
    page = open_page(qtbot, service)
    item = TelemetryStatusItem(service)
    qtbot.addWidget(item)
    controls = page.controls
    assert controls.toggle.isEnabled() and controls.toggle.isChecked()
    assert controls.toggle.text() == "Share anonymous error reports"
    assert controls.level.isEnabled() and controls.level.currentData() == "errors"
    usage = controls.level.model().item(controls.level.findData("usage"))
    assert not usage.isEnabled() and "administrator" in usage.toolTip()  # shown capped, cannot be chosen
    assert item.text().startswith("Usage statistics: on (errors only) · ")

    controls.toggle.click()
    wait_for_tasks(qtbot)
    assert not telemetry.is_enabled() and telemetry.decision().decided_by == "user"
    assert controls.toggle.isEnabled() and not controls.toggle.isChecked()
    assert page.client_id.text() == NO_ID
    qtbot.waitUntil(lambda: item.text() == "Usage statistics: off", timeout=3000)

    controls.toggle.click()
    wait_for_tasks(qtbot)
    decision = telemetry.decision()
    assert decision.enabled and decision.level == "errors"
    receipt = telemetry.consent_receipt()
    assert receipt.via == "privacy page" and receipt.level == "errors"
    assert controls.answer.text() == f"Your answer: {receipt.summary()}"
    assert controls.level.currentData() == "errors" and not usage.isEnabled()


def test_under_a_policy_of_off_every_control_is_disabled(telemetry_env, telemetry_home, service_factory, qtbot):
    write_policy(telemetry_home, "off")
    telemetry_env(consent=None)
    page = open_page(qtbot, service_factory())
    controls = page.controls
    assert not controls.toggle.isEnabled() and not controls.level.isEnabled() and not controls.preview.isEnabled()
    assert "administrator" in controls.reason.text()


def test_a_paused_yes_is_answered_from_the_page(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    service = service_factory()
    page = open_page(qtbot, service)
    item = TelemetryStatusItem(service)
    qtbot.addWidget(item)
    assert not page.controls.review_button.isVisible()
    telemetry.register_events(PLUGIN_EVENTS)
    qtbot.waitUntil(lambda: page.controls.review_button.isVisible(), timeout=3000)
    assert item.text() == "Usage statistics: paused (answer needed)"
    assert page.controls.reason.text().startswith("Paused")
    answer_when_shown("enable_button")
    page.controls.review_button.click()
    wait_for_tasks(qtbot)
    assert telemetry.decision().enabled and telemetry.consent_receipt().via == "dialog"
    assert not page.controls.review_button.isVisible() and page.controls.toggle.isChecked()
    qtbot.waitUntil(lambda: item.text().startswith("Usage statistics: on · "), timeout=3000)


def test_before_any_answer_there_is_no_id_and_no_receipt(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=None)
    page = open_page(qtbot, service_factory())
    assert page.controls.answer.text() == "No answer recorded yet"
    assert page.client_id.text() == NO_ID
    assert not page.reset_button.isEnabled() and page.reset_button.toolTip() == NO_ID_TIP
    page.controls.toggle.click()  # answering yes on the page makes an id and a receipt
    wait_for_tasks(qtbot)
    assert telemetry.client_id() is not None and page.client_id.text() == telemetry.client_id()
    assert page.reset_button.isEnabled()
    assert page.controls.answer.text() == f"Your answer: {telemetry.consent_receipt().summary()}"


def test_a_no_is_shown_with_its_receipt(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=False)
    page = open_page(qtbot, service_factory())
    receipt = telemetry.consent_receipt()
    assert receipt.level == "off"
    assert page.controls.answer.text() == f"Your answer: {receipt.summary()}"
    assert page.client_id.text() == NO_ID and not page.reset_button.isEnabled()


# -- drops and the receipt -----------------------------------------------------------------------


def test_the_receipt_and_every_drop_cause_are_shown_with_their_counts(telemetry_env, service_factory, qtbot,
                                                                      monkeypatch):
    monkeypatch.delenv("TIT_TELEMETRY_STRICT")  # so an undeclared event is counted as a drop, not raised
    telemetry_env(consent=True)
    telemetry.track_event("no_such_event")  # dropped as "invalid" when stored
    record_some_events()
    page = open_page(qtbot, service_factory())
    wait_for_rows(qtbot, page, 4)
    combo = page.controls.level
    combo.setCurrentIndex(combo.findData("errors"))
    combo.activated.emit(combo.currentIndex())  # lowering the level drops the 4 waiting usage events
    qtbot.waitUntil(lambda: page.tabs.tabText(2) == "Dropped (5)", timeout=3000)
    model = page.losses_model
    shown = {model.index(r, 0).data(): (model.index(r, 1).data(), model.index(r, 2).data())
             for r in range(model.rowCount())}
    assert list(shown) == list(DROP_CAUSES)  # every cause, also those at 0
    assert shown == {cause: (str(count), meaning) for cause, count, meaning in telemetry.loss_report()}
    assert shown["invalid"][0] == "1" and shown["level_lowered"][0] == "4"
    assert all(count == "0" for cause, (count, _) in shown.items() if cause not in ("invalid", "level_lowered"))
    receipt = telemetry.consent_receipt()
    assert receipt.level == "errors" and receipt.via == "privacy page"
    assert page.controls.answer.text() == f"Your answer: {receipt.summary()}"


# -- when each event leaves ------------------------------------------------------------------


def test_an_event_leaves_with_the_first_round_after_it_may():
    rounds = SendSchedule(next_at=100.0, interval_s=30.0)  # rounds at 100, 130, 160 …
    assert rounds.first_round_from(90.0) == 100.0
    assert rounds.first_round_from(100.0) == 100.0
    assert rounds.first_round_from(101.0) == 130.0
    assert rounds.first_round_from(160.0) == 160.0
    assert SendSchedule().first_round_from(90.0) is None  # no timer runs


def test_without_a_destination_events_stay_here(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    assert leaves(page) == {"no destination: stays here"}
    assert not page.pending.send_button.isEnabled()


def test_after_enable_events_wait_for_the_review_time_unless_sent_now(telemetry_env, service_factory, qtbot,
                                                                       http_collector):
    collector, url = http_collector
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": url}, review_delay_s=60.0)
    record_some_events()
    service = service_factory()
    page = open_page(qtbot, service)
    wait_for_rows(qtbot, page, 4)
    assert all(text.startswith("after the review time, in ") for text in leaves(page))
    assert page.pending.send_button.isEnabled()  # Send now does not wait for the review time
    with qtbot.waitSignal(service.send_finished, timeout=10_000):
        page.pending.send_button.click()
    qtbot.waitUntil(lambda: len(collector.event_names()) == 4, timeout=5000)


def test_once_the_review_time_is_over_events_leave_with_the_next_round(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot, env={"TIT_JSON_ENDPOINT": "http://127.0.0.1:9/x"})
    assert all(text.startswith("next send in ") for text in leaves(page))


# -- what we collect ---------------------------------------------------------------------------


def test_what_we_collect_shows_the_notice_and_every_event(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    page = open_page(qtbot, service_factory())
    assert page.notice_view.notice is None  # laid out when its tab is first shown, not with every page
    page.tabs.setCurrentIndex(4)
    qtbot.waitUntil(lambda: page.notice_view.notice is not None, timeout=3000)
    text = page.notice_view.toPlainText()
    assert text.startswith("Help improve tit_app")
    assert page.notice_view.notice == telemetry.consent_notice()
    assert "Every event, in detail" in text
    assert all(name in text for name in telemetry.event_catalog().events)


def test_the_level_note_is_generated_from_the_catalog(telemetry_env, qtbot):
    telemetry_env(consent=None)
    view = CatalogView()
    qtbot.addWidget(view)
    note = view.findChild(object, "levelNote").text()
    catalog = telemetry.event_catalog()
    assert all(name in note for name in catalog.system_params)
    assert all(spec.name in note for spec in catalog.events.values() if spec.error_status)
