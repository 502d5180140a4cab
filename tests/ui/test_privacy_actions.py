"""The Pending tab from the keyboard and at a glance: deleting safely, Send now's answer, failing destinations,
empty tables, live "Leaves" times, steady rows and columns, and no id where there is none."""

from __future__ import annotations

import time
from dataclasses import replace

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication, QHeaderView, QMessageBox

from tests.ui.conftest import answer_message_box, wait_for_tasks
from tests.ui.test_privacy_page import open_page, page_with_events, record_some_events, wait_for_rows
from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.telemetry.model import Delivery, PendingEvent
from tit_app.telemetry.testing import stored_events
from tit_app.ui.delivery.snapshot import Destination, SendSchedule, take_snapshot
from tit_app.ui.privacy.page import NO_ID


def activate(qtbot, widget) -> None:
    QApplication.setActiveWindow(widget.window())  # keyboard focus lives in the active window
    qtbot.waitUntil(widget.window().isActiveWindow, timeout=3000)


def test_after_delete_selected_the_focus_stays_in_the_table(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    activate(qtbot, page)
    panel = page.pending
    panel.table.selectRow(1)
    panel.delete_button.setFocus()
    qtbot.keyClick(panel.delete_button, Qt.Key_Space)
    wait_for_tasks(qtbot)
    assert QApplication.focusWidget() is panel.table  # not "Delete all", which the next Space would press
    assert panel.table.currentIndex().row() == 1 and not panel.table.selectionModel().hasSelection()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Space)
    assert len(stored_events()) == 3


def test_delete_all_asks_first_and_cancel_is_the_default(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    activate(qtbot, page)
    seen = []

    def press_space(box: QMessageBox) -> None:
        seen.append((box.text(), box.defaultButton().text(), box.focusWidget() is box.defaultButton()))
        qtbot.keyClick(box.defaultButton(), Qt.Key_Space)

    answer_message_box(press_space)
    page.pending.delete_all_button.click()
    assert seen == [("Delete all 4 events waiting to be sent?", "Cancel", True)]
    wait_for_tasks(qtbot)
    assert len(stored_events()) == 4 and page.pending.model.rowCount() == 4  # one Space deleted nothing


def test_send_now_says_what_it_sent(telemetry_env, service_factory, qtbot, http_collector):
    _, url = http_collector
    page = page_with_events(telemetry_env, service_factory, qtbot, env={"TIT_JSON_ENDPOINT": url})
    with qtbot.waitSignal(page._service.send_finished, timeout=10_000):
        page.pending.send_button.click()
    assert page.pending.feedback.isVisible()
    assert page.pending.feedback.text() == "json: sent 4 events."


def test_a_failing_destination_shows_on_the_page_and_send_now_says_why(telemetry_env, service_factory, qtbot):
    dead = "http://127.0.0.1:9/events"  # the discard port: nothing listens
    page = page_with_events(telemetry_env, service_factory, qtbot, env={"TIT_JSON_ENDPOINT": dead})
    with qtbot.waitSignal(page._service.send_finished, timeout=10_000):
        page.pending.send_button.click()
    feedback = page.pending.feedback.text()
    assert feedback.startswith("json: failed (") and feedback.endswith("4 events kept and tried again later.")
    qtbot.waitUntil(lambda: "json is not taking events" in page.pending.destinations.text(), timeout=5000)
    assert page.pending.destinations.isVisible()  # on the page, not in a tooltip


def test_send_now_says_why_nothing_was_sent(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)  # no destination
    panel = page.pending
    panel._send_now()  # the button is disabled, with the reason as its tooltip; the feedback says it as well
    qtbot.waitUntil(lambda: panel.feedback.text() != "Sending…", timeout=5000)
    assert panel.feedback.text() == "Nothing was sent: none of the waiting events can be sent now; " \
                                    "the Leaves column says why."


def test_empty_tables_say_why(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=False)
    page = open_page(qtbot, service_factory())
    assert page.pending.empty_hint.label.isVisible()
    assert page.pending.empty_hint.label.text().startswith("No event is waiting to be sent.")
    page.tabs.setCurrentIndex(1)
    assert page.empty_hints[0].label.isVisible()
    page.tabs.setCurrentIndex(3)
    assert page.empty_hints[2].label.isVisible()


def test_the_empty_text_goes_when_events_arrive(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    assert not page.pending.empty_hint.label.isVisible()


def test_leaves_times_keep_counting_without_a_new_snapshot(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    now = time.time()
    snapshot = page.pending.model.snapshot
    first = snapshot.pending[0]
    retrying = PendingEvent(first.event, (Delivery("json", "pending", 1, now + 4, "HTTP 503"),))
    page.pending.set_snapshot(replace(snapshot, pending=(retrying, *snapshot.pending[1:]), taken_at=now,
                                      destinations=(Destination("json", frozenset({"usage", "errors"})),),
                                      schedule=SendSchedule(now + 2, 30)))
    model = page.pending.model
    cell = model.index(0, model.LEAVES)
    assert cell.data() == "retry in 32 s"  # with the first round after the retry time
    assert page.pending._tick.isActive()  # while the tab shows, a one-second tick recounts
    qtbot.waitUntil(lambda: cell.data() in ("retry in 31 s", "retry in 30 s"), timeout=3000)
    model.tick(now + 30)  # 30 s later, still without a new snapshot
    assert cell.data() == "next send in 2 s"


def test_columns_keep_their_width_and_rows_their_place(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    table = page.pending.table
    header = table.horizontalHeader()
    assert all(header.sectionResizeMode(c) == QHeaderView.Interactive for c in range(header.count()))
    widths = [header.sectionSize(c) for c in range(header.count() - 1)]
    table.selectRow(2)
    chosen = page.pending.selected_ids()
    for _ in range(30):
        telemetry.track_event("app_launch", None)
    wait_for_rows(qtbot, page, 34)
    assert [header.sectionSize(c) for c in range(header.count() - 1)] == widths
    assert page.pending.selected_ids() == chosen  # the selection followed its event


def test_the_row_being_read_stays_at_the_top_while_events_arrive(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    for _ in range(60):
        telemetry.track_event("app_launch")
    api.engine().persist()
    page = open_page(qtbot, service_factory())
    page.resize(900, 700)
    wait_for_rows(qtbot, page, 61)
    table = page.pending.table
    table.scrollTo(table.model().index(30, 0), table.PositionAtTop)
    top_id = page.pending.model.row_item(table.rowAt(0)).event.event_id
    for _ in range(5):
        telemetry.track_event("app_launch")
    wait_for_rows(qtbot, page, 66)
    assert page.pending.model.row_item(table.rowAt(0)).event.event_id == top_id


def test_the_payload_pane_is_tall_and_resizable(telemetry_env, service_factory, qtbot):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    page.resize(1000, 700)
    qtbot.waitExposed(page)
    splitter = page.pending.splitter
    table_height, payload_height = splitter.sizes()
    assert payload_height >= 0.45 * (table_height + payload_height)  # half of the room, not 150 px
    assert splitter.handle(1).isVisible() and not splitter.childrenCollapsible()  # a bar to drag
    splitter.setSizes([200, table_height + payload_height - 200])  # as a drag does
    page.pending.set_snapshot(page.pending.model.snapshot)  # updates keep the user's choice
    assert splitter.sizes()[0] == 200


def test_no_anonymous_id_is_shown_under_do_not_track(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True, env={"DO_NOT_TRACK": "1"})
    page = open_page(qtbot, service_factory())
    assert api.engine().consent.config().client_id is not None  # the settings still hold one
    assert page.client_id.text() == NO_ID and not page.reset_button.isEnabled()


def test_no_anonymous_id_is_shown_after_no_thanks(telemetry_env, service_factory, qtbot):
    telemetry_env(consent=True)
    record_some_events()
    page = open_page(qtbot, service_factory())
    assert page.client_id.text() == telemetry.client_id()
    page.controls.toggle.click()
    wait_for_tasks(qtbot)
    assert page.client_id.text() == NO_ID and telemetry.client_id() is None
    assert take_snapshot().pending == ()
