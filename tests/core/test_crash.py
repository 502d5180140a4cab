"""Crash reports in the core: building, recording once per fingerprint, native traces, one-time consent."""

from __future__ import annotations

import faulthandler
import sys
import threading

import pytest

from tit_app import telemetry
from tit_app.ops.progress import Reporter
from tit_app.telemetry import crash_hooks
from tit_app.telemetry.crash_report import from_exception, from_native_trace
from tit_app.telemetry.operation import fingerprint
from tit_app.telemetry.receipt import from_mapping
from tit_app.telemetry.testing import isolated_telemetry, stored_events


@pytest.fixture(autouse=True)
def python_hooks(monkeypatch):
    """Python's own hooks underneath ours (pytest-qt, where installed, would count our crashes as failures)."""
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)


@pytest.fixture
def handler():
    seen = []
    crash_hooks.install_crash_handler("cli", seen.append)
    yield seen
    crash_hooks.uninstall_crash_handler()


def failing(message: str = "bad value in /home/alice/subject01.nii") -> Exception:
    def inner():
        raise ValueError(message)

    try:
        Reporter(lambda percent: inner()).start()  # through the app's own code, as a real crash would be
    except ValueError as exc:
        return exc
    raise AssertionError("did not raise")


def crashes() -> list:
    return [e for e in stored_events() if e.name == "app_crash"]


def test_a_report_has_the_operations_fingerprint_and_app_frames_only():
    exc = failing()
    report = from_exception(exc, "cli")
    assert report.params["error_fingerprint"] == fingerprint(exc, list(report.frames))
    assert report.params["error_type"] == "ValueError" and report.params["where"] == "cli"
    assert [(f["module"], f["function"]) for f in report.frames] == [("tit_app.ops.progress", "start"),
                                                                    ("tit_app.ops.progress", "_emit")]
    assert all(set(f) == {"module", "function", "lineno", "in_app"} for f in report.frames)


def test_a_crash_is_stored_at_once_scrubbed_with_its_frames(tmp_path, handler):
    with isolated_telemetry(tmp_path, consent=True, level="errors") as engine:
        exc = failing()
        sys.excepthook(type(exc), exc, exc.__traceback__)
        stored = engine.readable_store().pending()  # no persist asked for: the hook stored it
        (event,) = [p.event for p in stored if p.event.name == "app_crash"]
        assert event.params["error_detail"] == "bad value in <path>"
        assert event.params["repeats"] == 0 and event.level == "errors"
        assert [f["function"] for f in event.frames] == ["start", "_emit"]
        (record,) = handler
        assert record.shared and record.event == event and "app_crash" in record.report_text()


def test_identical_crashes_queue_one_event_and_the_next_report_counts_them(tmp_path, handler):
    with isolated_telemetry(tmp_path, consent=True, level="errors"):
        for _ in range(50):
            exc = failing()
            sys.excepthook(type(exc), exc, exc.__traceback__)
        assert len(crashes()) == 1
        assert [r.repeat for r in handler] == [False] + [True] * 49
        other = KeyError("another bug")
        sys.excepthook(KeyError, other, None)
        first, second = crashes()
        assert first.params["repeats"] == 0 and second.params["repeats"] == 49


def test_a_thread_crash_says_thread(tmp_path, handler):
    def work():
        failing_exc = failing()
        raise failing_exc

    with isolated_telemetry(tmp_path, consent=True, level="errors"):
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        (event,) = crashes()
        assert event.params["where"] == "thread"


def test_a_failure_in_the_front_end_callback_never_reaches_the_app(tmp_path, capsys):
    calls = []

    def broken(record):
        calls.append(record)
        raise RuntimeError("the dialog broke")

    crash_hooks.install_crash_handler("cli", broken)
    try:
        with isolated_telemetry(tmp_path, consent=True, level="errors"):
            exc = failing()
            sys.excepthook(type(exc), exc, exc.__traceback__)  # returns normally
            assert len(calls) == 1 and len(crashes()) == 1  # recorded once, the broken callback not retried
    finally:
        crash_hooks.uninstall_crash_handler()
    assert "the dialog broke" in capsys.readouterr().err


def test_with_sharing_off_nothing_is_stored_and_the_report_can_be_sent_once(tmp_path):
    with isolated_telemetry(tmp_path, consent=False) as engine:
        record = telemetry.report_crash(failing(), "cli")
        assert not record.shared and record.can_send_once and record.event is not None
        assert record.event.client_id != engine.consent.config().client_id  # a throwaway id
        assert telemetry.pending_count() == 0
        assert telemetry.send_crash_once(record) == {}  # no destination configured: nothing left
        assert [e["event_id"] for e in telemetry.consent_receipt().once] == [record.event.event_id]
        telemetry.set_enabled(True, "errors")
        assert len(telemetry.consent_receipt().once) == 1  # a new answer keeps the one-time consents on record


def test_a_kill_switch_allows_not_even_once(tmp_path):
    with isolated_telemetry(tmp_path, consent=False, env={"DO_NOT_TRACK": "1"}):
        record = telemetry.report_crash(failing(), "cli")
        assert not record.can_send_once and record.event is None
        assert telemetry.send_crash_once(record) == {}


def test_damaged_one_time_entries_are_left_out():
    raw = {"notice_version": 2, "scope_hash": "x", "scope": [], "level": "off", "at": 1.0, "via": "dialog",
           "once": [{"event_id": "a" * 32, "at": 2.0, "via": "dialog", "event": "app_crash"}, {"via": "nowhere"}, 7,
                    {"event_id": "b" * 32, "at": "soon", "via": "dialog"}]}
    receipt = from_mapping(raw)
    assert [e["event_id"] for e in receipt.once] == ["a" * 32]
    assert from_mapping(receipt.to_mapping()) == receipt


def test_a_real_faulthandler_trace_keeps_the_app_frames_without_paths(tmp_path):
    trace = tmp_path / "trace.txt"
    with trace.open("w") as out:
        Reporter(lambda percent: faulthandler.dump_traceback(out, all_threads=False)).start()
    text = "Fatal Python error: Segmentation fault\n\n" + trace.read_text()
    report = from_native_trace(text)
    assert report.params["error_type"] == "SIGSEGV" and report.params["where"] == "native"
    assert [(f["module"], f["function"]) for f in report.frames][-2:] == [("tit_app.ops.progress", "start"),
                                                                          ("tit_app.ops.progress", "_emit")]
    assert str(tmp_path) not in repr(report) and "/" not in repr(report.frames)
    assert from_native_trace(text).fingerprint == report.fingerprint  # the same crash, the same fingerprint
