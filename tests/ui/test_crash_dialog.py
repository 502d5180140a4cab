"""Exceptions nobody catches in the window: a slot, a QThread and a QTimer callback.

The real crash handler (`tit_app.ui.crash_hook`, on the core's hook) is installed for each
test; the app keeps running, the dialog says what happened and shows the report, and the
real SQLite queue holds exactly one app_crash with the right `where`. pytest-qt's own
exception capture is switched off here: these exceptions are the subject of the tests.
"""

from __future__ import annotations

import json

import pytest
from PyQt5.QtCore import QThread, QTimer
from PyQt5.QtWidgets import QPushButton

from tit_app import telemetry
from tit_app.telemetry.testing import stored_events
from tit_app.ui import crash_dialog, crash_hook

pytestmark = [pytest.mark.qt, pytest.mark.qt_no_exception_capture]


@pytest.fixture
def start(qtbot, telemetry_env):
    """`start(consent=..., env=...)`: an isolated home, then the window's crash handling; the relay."""
    relays = []

    def begin(**options):
        telemetry_env(**options)  # first, so the handler never looks at a real home
        relays.append(crash_hook.install())
        return relays[-1]

    yield begin
    for relay in relays:
        if relay.dialog is not None:
            relay.dialog.close()
    telemetry.uninstall_crash_handler()


def raise_in_slot(qtbot) -> None:
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(_failing_slot)
    button.click()


def _failing_slot() -> None:
    raise ValueError("slot failed")


class FailingThread(QThread):
    def run(self) -> None:
        raise KeyError("worker failed")


def raise_in_thread(qtbot) -> None:
    thread = FailingThread()
    with qtbot.waitSignal(thread.finished, timeout=5000):
        thread.start()
    thread.wait(5000)


def raise_in_timer(qtbot) -> None:
    def tick() -> None:
        raise ZeroDivisionError("timer failed")

    QTimer.singleShot(0, tick)
    qtbot.wait(50)


CASES = [(raise_in_slot, "gui", "ValueError"), (raise_in_thread, "thread", "KeyError"),
         (raise_in_timer, "gui", "ZeroDivisionError")]


def shown_dialog(qtbot, relay):
    qtbot.waitUntil(lambda: relay.dialog is not None and relay.dialog.isVisible(), timeout=5000)
    return relay.dialog


def still_running(qtbot) -> bool:
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: fired == [True], timeout=2000)  # the event loop still turns
    return fired == [True]


def crashes() -> list:
    return [e for e in stored_events() if e.name == "app_crash"]


@pytest.mark.parametrize("cause, where, error_type", CASES, ids=["slot", "qthread", "qtimer"])
def test_a_crash_with_sharing_on_is_queued_once_and_shown(qtbot, start, cause, where, error_type):
    relay = start(consent=True, level="errors")
    cause(qtbot)
    dialog = shown_dialog(qtbot, relay)
    assert still_running(qtbot)
    (event,) = crashes()
    assert event.params["where"] == where and event.params["error_type"] == error_type
    assert dialog.sharing.text() == crash_dialog.SHARED
    assert dialog.title.text() == f"<b>Something went wrong: {error_type} in {crash_dialog.WHERE_WORDS[where]}.</b>"
    assert dialog.advice.text() == crash_dialog.ADVICE
    assert json.loads(dialog.report.toPlainText())["event_id"] == event.event_id  # no destination: the event itself
    assert not hasattr(dialog, "send_button") and dialog.close_button.text() == "Close"


@pytest.mark.parametrize("cause, where, error_type", CASES, ids=["slot", "qthread", "qtimer"])
def test_with_sharing_off_nothing_is_recorded_unless_sent_once(qtbot, start, http_collector, cause, where, error_type):
    collector, url = http_collector
    relay = start(consent=False, env={"TIT_JSON_ENDPOINT": url})
    cause(qtbot)
    dialog = shown_dialog(qtbot, relay)
    assert still_running(qtbot)
    assert dialog.sharing.text() == crash_dialog.OFFER
    assert dialog.close_button.text() == crash_dialog.DONT_SEND and dialog.close_button.isDefault()
    assert dialog.send_button.text() == crash_dialog.SEND_ONCE
    assert "app_crash" in dialog.report.toPlainText() and f'"where":"{where}"' in dialog.report.toPlainText()
    assert telemetry.pending_count() == 0 and collector.event_names() == []

    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.result_text != "", timeout=10_000)
    assert collector.event_names() == ["app_crash"]
    (sent,) = collector.bodies[0]["events"]
    assert sent["params"]["where"] == where and sent["params"]["error_type"] == error_type
    assert telemetry.pending_count() == 0  # sharing stays off: nothing queued
    receipt = telemetry.consent_receipt()
    assert [entry["event_id"] for entry in receipt.once] == [sent["event_id"]]
    assert "sent once with your consent" in telemetry.status().receipt


def test_dont_send_sends_nothing(qtbot, start, http_collector):
    collector, url = http_collector
    relay = start(consent=False, env={"TIT_JSON_ENDPOINT": url})
    raise_in_slot(qtbot)
    dialog = shown_dialog(qtbot, relay)
    dialog.close_button.click()
    assert not dialog.isVisible()
    qtbot.wait(100)
    assert collector.event_names() == [] and telemetry.consent_receipt().once == ()


def test_a_crash_loop_shows_one_dialog_and_queues_one_event(qtbot, start):
    relay = start(consent=True, level="errors")
    for _ in range(20):
        raise_in_slot(qtbot)
    dialog = shown_dialog(qtbot, relay)
    qtbot.wait(50)
    assert relay.dialog is dialog
    assert len(crashes()) == 1


def test_a_running_operation_is_marked_failed(qtbot, start):
    from tit_app.operations import OPERATIONS
    from tit_app.ui.operations.panel import OperationPanel

    from .conftest import set_slice_size

    relay = start(consent=True, level="errors")
    panel = OperationPanel(OPERATIONS[0])
    qtbot.addWidget(panel)
    set_slice_size(panel, 1024)
    failed = []
    assert panel.run()
    panel.handle.failed.connect(failed.append)
    raise_in_slot(qtbot)
    shown_dialog(qtbot, relay)
    qtbot.waitUntil(lambda: panel.handle is None, timeout=10_000)
    assert failed == [crash_hook.FAILED_BY_CRASH]


class UnshowableRecord:
    """A record the dialog cannot show: reading its `where` fails."""

    repeat = False

    @property
    def where(self) -> str:
        raise RuntimeError("cannot say where")


def test_a_dialog_that_cannot_be_shown_is_never_tried_again(qtbot, start):
    relay = start(consent=True, level="errors")
    relay.crashed.emit(UnshowableRecord())
    qtbot.wait(50)
    assert relay.dialog is None
    raise_in_slot(qtbot)  # a real crash afterwards: recorded, no dialog, the app goes on
    qtbot.wait(50)
    assert relay.dialog is None and len(crashes()) == 1
    assert still_running(qtbot)


def test_a_repeat_shown_in_the_dialog_says_it_was_counted(qtbot, start):
    start(consent=False)
    records = []
    for _ in range(2):
        try:
            _failing_slot()
        except ValueError as exc:
            records.append(telemetry.report_crash(exc, "gui"))
    first, repeat = records
    assert first.can_send_once and repeat.repeat
    dialog = crash_dialog.CrashDialog(repeat)
    qtbot.addWidget(dialog)
    assert dialog.sharing.text() == crash_dialog.REPEAT and "counted" in crash_dialog.REPEAT


def test_with_sharing_off_and_no_error_destination_nothing_is_offered(qtbot, start):
    relay = start(consent=False)
    raise_in_slot(qtbot)
    dialog = shown_dialog(qtbot, relay)
    assert dialog.sharing.text() == crash_dialog.NOWHERE
    assert not hasattr(dialog, "send_button") and dialog.close_button.text() == "Close"
    assert telemetry.pending_count() == 0 and telemetry.consent_receipt().once == ()
