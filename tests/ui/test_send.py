"""Delivery from the GUI: the SendWorker in its thread, Send now, the live tables, quitting."""

from __future__ import annotations

from tests.ui.conftest import fast_intervals, run_cli, wait_for_tasks
from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.ui.privacy.page import NO_ID, PrivacyPage
from tit_app.ui.status_item import TelemetryStatusItem


def test_send_now_delivers_and_moves_events_to_the_sent_table(telemetry_env, service_factory, http_collector,
                                                               qtbot):
    collector, url = http_collector
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": url})
    telemetry.track_event("app_launch")
    service = service_factory()
    page = PrivacyPage(service)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.pending.model.rowCount() == 2, timeout=5000)  # persisted by the worker
    assert page.sent_model.rowCount() == 0
    with qtbot.waitSignal(service.send_finished, timeout=10_000):
        page.pending.send_button.click()
    qtbot.waitUntil(lambda: page.pending.model.rowCount() == 0 and page.sent_model.rowCount() == 2, timeout=5000)
    assert sorted(collector.event_names()) == ["app_launch", "first_run"]
    outcomes = {page.sent_model.index(r, 3).data() for r in range(2)}
    assert outcomes == {"Sent"}
    assert page.tabs.tabText(0) == "Pending (0)" and page.tabs.tabText(1) == "Sent (2)"
    assert api.engine().store.pending_count() == 0


def test_the_status_item_counts_pending_events_live(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    service = service_factory()
    item = TelemetryStatusItem(service)
    qtbot.addWidget(item)
    qtbot.waitUntil(lambda: item.text() == "Usage statistics: on · 1 pending", timeout=5000)  # first_run
    telemetry.track_event("app_launch")
    qtbot.waitUntil(lambda: item.text() == "Usage statistics: on · 2 pending", timeout=5000)
    telemetry.set_enabled(False)
    qtbot.waitUntil(lambda: item.text() == "Usage statistics: off", timeout=5000)


def test_the_status_item_names_a_kill_switch(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True, env={"TIT_NO_TELEMETRY": "1"})
    item = TelemetryStatusItem(service_factory())
    qtbot.addWidget(item)
    assert item.text() == "Usage statistics: off (environment)"
    assert "TIT_NO_TELEMETRY" in item.toolTip()


def test_the_timer_sends_on_its_own(telemetry_env, service_factory, http_collector, qtbot):
    collector, url = http_collector
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": url})
    service_factory(fast_intervals(send_ms=200))
    qtbot.waitUntil(lambda: collector.event_names() == ["first_run"], timeout=5000)


def test_shutdown_sends_what_is_left_and_stops_the_thread(telemetry_env, service_factory, http_collector, qtbot):
    collector, url = http_collector
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": url})
    service = service_factory()
    telemetry.track_event("app_close", {"session_duration_s": 1.5})
    service.shutdown(budget_s=1.0)
    assert not service.is_running()
    assert sorted(collector.event_names()) == ["app_close", "first_run"]


def test_a_dead_destination_keeps_events_queued(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": "http://127.0.0.1:9/events"})
    service = service_factory()
    with qtbot.waitSignal(service.send_finished, timeout=10_000):
        service.send_now()
    qtbot.waitUntil(lambda: bool(service.snapshot.pending and service.snapshot.pending[0].deliveries), timeout=5000)
    assert service.snapshot.pending_total == 1
    delivery = service.snapshot.pending[0].deliveries[0]
    assert delivery.attempts == 1 and delivery.last_error


def test_quitting_does_not_wait_for_a_slow_server(telemetry_env, service_factory, http_collector, qtbot):
    collector, url = http_collector
    collector.delay_s = 4.0  # far longer than the quit budget
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": url})
    service = service_factory()
    service.send_now()
    qtbot.waitUntil(lambda: collector.requests_started >= 1, timeout=5000)  # the worker is in the POST
    service.shutdown(budget_s=1.0)
    assert service.is_running()  # shutdown returned while the request was still in flight
    qtbot.waitUntil(lambda: not service.is_running(), timeout=10_000)  # then the thread ends on its own
    assert api.engine().store.pending_count() == 0


def test_preview_only_keeps_events_here_until_it_is_switched_off(telemetry_env, service_factory, http_collector,
                                                                 qtbot):
    collector, url = http_collector
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": url})
    service = service_factory()
    page = PrivacyPage(service)
    item = TelemetryStatusItem(service)
    for widget in (page, item):
        qtbot.addWidget(widget)
    page.controls.preview.click()
    wait_for_tasks(qtbot)
    assert telemetry.preview_only()
    telemetry.track_event("app_launch")
    with telemetry.track_operation("sim_ti", plane="axial", grid_size=64):
        pass
    qtbot.waitUntil(lambda: page.pending.model.rowCount() == 4, timeout=5000)  # recorded and listed
    model = page.pending.model
    assert {model.index(r, model.LEAVES).data() for r in range(4)} == {"kept here (preview)"}
    assert not page.pending.send_button.isEnabled()
    assert "Preview only" in page.pending.send_button.toolTip()
    assert item.text() == "Usage statistics: preview only · 4 pending"
    with qtbot.waitSignal(service.send_finished, timeout=10_000):
        service.send_now()  # even a round asked for directly sends nothing
    assert collector.requests_started == 0
    assert api.engine().store.pending_count() == 4

    page.controls.preview.click()
    wait_for_tasks(qtbot)
    assert not telemetry.preview_only() and page.pending.send_button.isEnabled()
    with qtbot.waitSignal(service.send_finished, timeout=10_000):
        page.pending.send_button.click()
    qtbot.waitUntil(lambda: len(collector.event_names()) == 4, timeout=5000)
    assert sorted(collector.event_names()) == ["app_launch", "first_run", "sim_ti", "sim_ti"]


def test_a_change_made_by_another_process_shows_within_a_second(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    service = service_factory()
    page = PrivacyPage(service)
    item = TelemetryStatusItem(service)
    for widget in (page, item):
        qtbot.addWidget(widget)
    assert page.controls.toggle.isChecked() and item.text().startswith("Usage statistics: on")

    run_cli("preview", "on")
    qtbot.waitUntil(lambda: page.controls.preview.isChecked(), timeout=3000)
    qtbot.waitUntil(lambda: item.text().startswith("Usage statistics: preview only"), timeout=3000)

    run_cli("disable")
    qtbot.waitUntil(lambda: not page.controls.toggle.isChecked(), timeout=3000)
    qtbot.waitUntil(lambda: item.text() == "Usage statistics: off", timeout=3000)
    assert page.controls.reason.text() == telemetry.decision().reason
    qtbot.waitUntil(lambda: page.client_id.text() == NO_ID, timeout=3000)
    assert not page.reset_button.isEnabled()
