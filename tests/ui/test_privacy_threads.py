"""The GUI thread never runs an SQLite statement: the Privacy page's actions and the consent answer run elsewhere.

Every statement on the real store connection is traced (sqlite3's set_trace_callback runs
on the thread that executes it) while the user works the page.
"""

from __future__ import annotations

import threading

from tests.ui.conftest import answer_message_box, wait_for_tasks
from tests.ui.test_privacy_page import open_page, page_with_events, wait_for_rows
from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.telemetry.testing import stored_events
from tit_app.ui.consent_dialog import ConsentDialog


class StatementThreads:
    """The names of the threads that ran statements on the store's connection."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._connection = api.engine().store._db  # the one connection every store call uses
        self._connection.set_trace_callback(lambda _sql: self.names.append(threading.current_thread().name))

    def stop(self) -> None:
        self._connection.set_trace_callback(None)

    def on_gui_thread(self) -> int:
        return sum(1 for name in self.names if name == threading.main_thread().name)


def test_the_privacy_page_runs_no_sqlite_on_the_gui_thread(telemetry_env, service_factory, qtbot, tmp_path):
    page = page_with_events(telemetry_env, service_factory, qtbot)
    traced = StatementThreads()
    try:
        second = open_page(qtbot, page._service)  # opening the page
        wait_for_rows(qtbot, second, 4)
        page.pending.table.selectRow(1)
        page.pending.delete_button.click()  # delete selected
        wait_for_tasks(qtbot)
        telemetry.track_event("app_launch")  # new events arriving
        wait_for_rows(qtbot, page, 4)
        page.export(str(tmp_path / "export.json"))
        page.reset_button.click()
        wait_for_tasks(qtbot)
        telemetry.track_event("app_launch")
        wait_for_rows(qtbot, page, 1)
        answer_message_box(lambda box: next(b for b in box.buttons() if b.text() == "Delete all").click())
        page.pending.delete_all_button.click()  # delete all
        wait_for_tasks(qtbot)
        page.controls.toggle.click()  # opting out purges
        wait_for_tasks(qtbot)
        page.controls.toggle.click()  # opting in again
        wait_for_tasks(qtbot)
    finally:
        traced.stop()
    assert telemetry.is_enabled() and not api.engine().consent.config().preview
    assert len(traced.names) > 20  # the trace did see the work
    assert "tit-telemetry-task_0" in traced.names
    assert traced.on_gui_thread() == 0


def test_the_first_yes_stores_first_run_off_the_gui_thread(telemetry_env, qtbot):
    telemetry_env(consent=False)
    telemetry.store_location(create=True)  # so the store's connection exists to be traced
    traced = StatementThreads()
    try:
        dialog = ConsentDialog()
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitSignal(dialog.finished, timeout=5000):
            dialog.enable_button.click()
    finally:
        traced.stop()
    assert dialog.agreed is True and [e.name for e in stored_events()] == ["first_run"]
    assert "tit-telemetry-task_0" in traced.names
    assert traced.on_gui_thread() == 0
