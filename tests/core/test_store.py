"""The durable queue: bounds, history, two processes, SIGKILL, corruption, unusable folders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid

from tit_app import telemetry
from tit_app.telemetry.model import StoredEvent
from tit_app.telemetry.store import Bounds, Store

NOW = 1_800_000_000.0


def event(i: int = 0, age_s: float = 0.0, level: str = "usage", pad: int = 0) -> StoredEvent:
    return StoredEvent(uuid.uuid4().hex, "sim_ti", level, int((NOW - age_s) * 1e6), "c" * 32, "1", i,
                       {"status": "start", "error_detail": "x" * pad}, {})


def test_count_bound_removes_the_oldest_and_counts(tmp_path):
    store = Store(tmp_path / "q.db", Bounds(max_events=5))
    store.add([event(i, age_s=100 - i) for i in range(8)], now=NOW)
    assert sorted(p.event.seq for p in store.pending()) == [3, 4, 5, 6, 7]
    assert store.drop_counts() == {"over_capacity": 3}


def test_byte_bound(tmp_path):
    store = Store(tmp_path / "q.db", Bounds(max_bytes=5_000))
    store.add([event(i, age_s=100 - i, pad=900) for i in range(10)], now=NOW)
    kept = store.pending()
    assert 0 < len(kept) < 10 and sum(len(p.event.to_json()) for p in kept) <= 5_000
    assert max(p.event.seq for p in kept) == 9  # the newest survive
    assert store.drop_counts()["over_capacity"] == 10 - len(kept)


def test_age_bound(tmp_path):
    store = Store(tmp_path / "q.db")
    store.add([event(0, age_s=31 * 86400), event(1, age_s=29 * 86400)], now=NOW)
    assert [p.event.seq for p in store.pending()] == [1]
    assert store.drop_counts() == {"too_old": 1}


def test_history_keeps_newest_500_and_7_days(tmp_path):
    store = Store(tmp_path / "q.db", Bounds(history_events=3))
    events = [event(i) for i in range(5)]
    store.add(events, now=NOW)
    store.ack("json", [e.event_id for e in events[:2]], now=NOW - 8 * 86400)
    store.ack("json", [e.event_id for e in events[2:]], now=NOW)
    assert {h.event_id for h in store.history()} == {e.event_id for e in events[2:]}


def test_lease_ack_retry_drop_and_finalize(tmp_path):
    store = Store(tmp_path / "q.db")
    usage, error = event(1), event(2, level="errors")
    store.add([usage, error], now=NOW)
    leased = store.lease("ga4", ["usage", "errors"], NOW, limit=10, max_bytes=10**6)
    assert [e.event_id for e in leased] == [usage.event_id, error.event_id]
    assert store.lease("ga4", ["usage", "errors"], NOW, 10, 10**6) == []  # leased: not handed out twice
    store.ack("ga4", [usage.event_id], NOW)
    store.retry("ga4", [error.event_id], NOW + 30, "HTTP 503", NOW)
    assert store.lease("ga4", ["usage", "errors"], NOW + 10, 10, 10**6) == []  # backing off
    assert store.lease("ga4", ["usage", "errors"], NOW + 10, 10, 10**6, ignore_backoff=True) == [error]
    assert store.finalize({"ga4": ["usage", "errors"], "sentry": ["errors"]}) == 1  # usage: sentry never wants it
    store.drop("ga4", [error.event_id], NOW, "rejected", "HTTP 400")
    assert store.finalize({"ga4": ["usage", "errors"], "sentry": ["errors"]}) == 0  # sentry still owes the error
    assert store.pending_count() == 1
    assert store.drop_counts() == {"rejected": 1}


def test_events_wait_when_no_destination_accepts_them(tmp_path):
    store = Store(tmp_path / "q.db")
    store.add([event(1)], now=NOW)
    assert store.finalize({}) == 0 and store.finalize({"sentry": ["errors"]}) == 0
    assert store.pending_count() == 1


def test_survives_reopen(tmp_path):
    Store(tmp_path / "q.db").add([event(7)], now=NOW)
    assert [p.event.seq for p in Store(tmp_path / "q.db").pending()] == [7]


WRITER = textwrap.dedent(
    """
    import sys, time, uuid
    from pathlib import Path
    from tit_app.telemetry.model import StoredEvent
    from tit_app.telemetry.store import Store
    store = Store(Path(sys.argv[1]))
    for i in range(int(sys.argv[2])):
        store.add([StoredEvent(uuid.uuid4().hex, "sim_ti", "usage", int(time.time() * 1e6), "c" * 32,
                               sys.argv[3], i, {"status": "start"}, {})])
    print("persisted", flush=True)
    if len(sys.argv) > 4:
        time.sleep(60)  # the parent kills us here
    """
)


def test_two_processes_write_at_once(tmp_path):
    path = tmp_path / "q.db"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), "200", name]) for name in ("gui", "cli")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    sessions = [p.event.session_id for p in Store(path).pending()]
    assert sessions.count("gui") == 200 and sessions.count("cli") == 200


def test_sigkill_after_persist_loses_nothing(tmp_path):
    path = tmp_path / "q.db"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "50", "killed", "wait"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "persisted"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert len(Store(path).pending()) == 50


def test_killed_app_process_keeps_tracked_events(tmp_path):
    script = textwrap.dedent(
        """
        import sys, time
        from tit_app import telemetry
        from tit_app.telemetry.testing import isolated_telemetry
        with isolated_telemetry(sys.argv[1], consent=True):
            for i in range(20):
                with telemetry.track_operation("sim_ti", grid_size=i):
                    pass
            print("done", flush=True)
            time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "done"
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    outcomes = [p.event for p in Store(tmp_path / "data" / "events.db").pending() if p.event.params.get("status") == "success"]
    assert len(outcomes) == 20


def test_corrupt_database_is_moved_aside_and_recreated(tmp_path):
    path = tmp_path / "q.db"
    Store(path).add([event(1)], now=NOW)
    path.write_bytes(b"this is not a database" * 100)
    for leftover in ("-wal", "-shm"):
        try:
            os.remove(str(path) + leftover)
        except FileNotFoundError:
            pass
    store = Store(path)
    assert store.path == path and store.pending_count() == 0
    store.add([event(2)], now=NOW)
    assert store.pending_count() == 1
    assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]


def test_unwritable_data_folder_falls_back_to_memory(tmp_path):
    (tmp_path / "blocked").write_text("a file where the folder should be")
    store = Store(tmp_path / "blocked" / "q.db")
    assert store.in_memory and "cannot be written" in store.problem
    store.add([event(1)], now=NOW)
    assert store.pending_count() == 1


def test_app_keeps_working_with_a_corrupt_store(consented, tmp_path):
    consented.store.close()
    consented._store = None
    (tmp_path / "data" / "events.db").write_bytes(b"\0garbage" * 512)
    telemetry.track_event("app_launch")
    assert [p.event.name for p in telemetry.pending()] == ["app_launch"]


def test_history_keeps_sent_events_for_the_usage_summary(tmp_path):
    from tit_app.telemetry.summary import operation_summary

    store = Store(tmp_path / "q.db")
    outcome = StoredEvent(uuid.uuid4().hex, "sim_ti", "usage", int(NOW * 1e6), "c" * 32, "1", 1,
                          {"status": "success", "run_id": "r1", "duration_s": 2.5}, {})
    store.add([outcome], now=NOW)
    store.ack("json", [outcome.event_id], NOW)
    store.ack("otlp", [outcome.event_id], NOW)
    assert store.finalize({"json": ["usage"], "otlp": ["usage"]}) == 1
    runs = store.operation_outcomes()
    assert [run.run for run in runs] == ["r1"]  # once, though it went to two destinations
    (row,) = operation_summary(runs)
    assert (row.name, row.count, row.median_s) == ("sim_ti", 1, 2.5)
