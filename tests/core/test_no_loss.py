"""Nothing lost, every drop counted: tracked = stored + counted drops, whatever the input or the exit.

Each test names the figure it measures: events tracked, stored (pending), counted as dropped.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest

from tit_app import telemetry
from tit_app.telemetry.testing import isolated_telemetry

CHILD_TIMEOUT_S = 120


class RaisingEq:
    def __eq__(self, other):
        raise RuntimeError("no comparing me")

    __hash__ = object.__hash__


class RaisingRepr:
    def __repr__(self):
        raise RuntimeError("no printing me")


def deep(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels):
        value = {"x": value}
    return value


BAD_PARAMS = [
    {"status": "success", "duration_s": 10**400},  # a float too large to convert
    {"status": "success", "grid_size": 2**70},  # an int beyond int64
    {"status": RaisingEq()},  # an enum value whose __eq__ raises
    {"status": "error", "error_type": RaisingRepr()},  # a str parameter given an object whose repr raises
    {"status": "success", "plane": deep(1000)},  # nesting deeper than repr can go
]


@pytest.fixture
def lenient(consented, monkeypatch):
    """Outside strict mode, as in the app: bad input is counted, never raised."""
    monkeypatch.delenv("TIT_TELEMETRY_STRICT")
    consented._strict = False
    return consented


def test_200_tracked_with_5_bad_values_store_195_and_count_5(lenient):
    for n in range(200):
        params = BAD_PARAMS[n // 40] if n % 40 == 0 else {"status": "success", "duration_s": 1.0}
        telemetry.track_event("sim_ti", params)
    lenient.persist()
    stored = [p.event for p in telemetry.pending() if p.event.name == "sim_ti"]
    assert len(stored) == 195
    assert telemetry.status().dropped == {"invalid": 5}


def test_params_of_the_wrong_type_are_counted(lenient):
    telemetry.track_event("heartbeat", "uptime_h=1")  # type: ignore[arg-type]
    telemetry.track_event(42)  # type: ignore[arg-type]
    lenient.persist()
    assert telemetry.status().dropped == {"invalid": 2}


def test_ints_beyond_int64_never_reach_a_destination(lenient):
    telemetry.track_event("ex_search", {"status": "success", "n_combinations": 2**63})
    telemetry.track_event("ex_search", {"status": "success", "n_combinations": 2**63 - 1})
    lenient.persist()
    kept = [p.event.params["n_combinations"] for p in telemetry.pending() if p.event.name == "ex_search"]
    assert kept == [2**63 - 1] and telemetry.status().dropped == {"invalid": 1}


EXITING = textwrap.dedent("""
    import sys, time
    from tit_app import telemetry
    for _ in range(int(sys.argv[1])):
        telemetry.track_event("heartbeat", {"uptime_h": 1.0})
    time.sleep(float(sys.argv[2]))
""")


def child_env(home) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIT_", "OTEL_")) and k != "DO_NOT_TRACK"}
    return {**env, "TIT_HOME": str(home), "TIT_POLICY_FILE": str(home / "policy.toml")}


def pending_in(home) -> int:
    with sqlite3.connect(home / "data" / "events.db") as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE name = 'heartbeat'").fetchone()[0]


@pytest.mark.parametrize("pause_s", [0.0, 0.26, 0.3])
def test_a_process_exiting_right_after_tracking_9000_keeps_all_9000(tmp_path, pause_s):
    home = tmp_path / "home"
    with isolated_telemetry(home, consent=True):
        pass
    subprocess.run([sys.executable, "-c", EXITING, "9000", str(pause_s)], env=child_env(home), check=True,
                   timeout=CHILD_TIMEOUT_S)
    assert pending_in(home) == 9000


SLOW_TO_CLEAN = textwrap.dedent("""
    import time
    from tit_app import telemetry
    detail = "failed near /home/someone/data/sub-01_T1w.nii.gz, " * 400  # 20 KB to scrub
    for _ in range(10):
        telemetry.track_event("sim_ti", {"status": "error", "error_type": "OSError", "error_detail": detail})
    time.sleep(0.3)  # the worker has taken them and is still cleaning them when the process exits
""")


def test_events_the_worker_is_still_cleaning_at_exit_are_kept(tmp_path):
    home = tmp_path / "home"
    with isolated_telemetry(home, consent=True):
        pass
    subprocess.run([sys.executable, "-c", SLOW_TO_CLEAN], env=child_env(home), check=True, timeout=CHILD_TIMEOUT_S)
    with sqlite3.connect(home / "data" / "events.db") as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE name = 'sim_ti'").fetchone()[0] == 10


def test_four_processes_tracking_20000_each_account_for_every_event(tmp_path):
    home = tmp_path / "home"
    with isolated_telemetry(home, consent=True):
        pass
    children = [subprocess.Popen([sys.executable, "-c", EXITING, "20000", "0"], env=child_env(home))
                for _ in range(4)]
    assert [child.wait(CHILD_TIMEOUT_S) for child in children] == [0, 0, 0, 0]
    with sqlite3.connect(home / "data" / "events.db") as db:
        pending = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        dropped = sum(n for (n,) in db.execute("SELECT count FROM counters"))
    assert pending + dropped == 80_001  # 4 × 20,000 and first_run = stored + counted drops


def _track_in_worker(n: int) -> int:
    telemetry.track_event("heartbeat", {"uptime_h": float(n)})
    return n


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX only")
def test_200_events_tracked_in_fork_workers_are_all_stored_once(consented):
    telemetry.track_event("app_launch")  # buffered in the parent when it forks: stored once, by the parent
    with multiprocessing.get_context("fork").Pool(4) as pool:  # leaving the block terminates the workers
        assert sorted(pool.map(_track_in_worker, range(200))) == list(range(200))
    consented.persist()
    names = [p.event.name for p in telemetry.pending()]
    assert names.count("heartbeat") == 200 and names.count("app_launch") == 1
    uptimes = {p.event.params["uptime_h"] for p in telemetry.pending() if p.event.name == "heartbeat"}
    assert len(uptimes) == 200


class FailingWrites:
    """The real store, but its writes fail (disk full) until `healthy` is set: a fault at the SQLite layer."""

    def __init__(self, store) -> None:
        self.store, self.healthy, self.attempts = store, False, 0
        self._add = store.add

    def add(self, events, now=None):
        self.attempts += 1
        if not self.healthy:
            raise sqlite3.OperationalError("database or disk is full")
        return self._add(events, now)


def test_events_wait_in_memory_while_the_store_cannot_be_written_and_none_is_lost(consented, monkeypatch, caplog):
    faulty = FailingWrites(consented.store)
    monkeypatch.setattr(consented.store, "add", faulty.add)
    caplog.set_level(logging.WARNING, logger="tit_app.telemetry")
    for n in range(300):
        telemetry.track_event("heartbeat", {"uptime_h": float(n)})
        if n % 50 == 0:
            consented.persist()
    consented.persist()
    assert faulty.attempts >= 6 and consented.unwritten()[0] == 300
    assert any("wait in memory" in p and "disk is full" in p for p in telemetry.status().problems)
    assert len([r for r in caplog.records if "storing events failed" in r.getMessage()]) == 1  # once, not per try
    faulty.healthy = True
    consented.persist()
    assert len([p for p in telemetry.pending() if p.event.name == "heartbeat"]) == 300
    assert consented.unwritten() == (0, None) and telemetry.status().dropped == {}


def test_a_repeating_worker_problem_is_logged_once(tmp_path, caplog, monkeypatch):
    from tit_app.telemetry import headless

    monkeypatch.setattr(headless, "PERSIST_EVERY_S", 0.01)
    with isolated_telemetry(tmp_path, consent=True) as engine:
        calls = []

        def broken_persist():
            calls.append(1)
            raise RuntimeError("store is broken")

        monkeypatch.setattr(engine, "persist", broken_persist)
        caplog.set_level(logging.DEBUG, logger="tit_app.telemetry.headless")
        driver = headless.BackgroundDriver(engine).start()
        while len(calls) < 20:
            driver._wake.wait(0.01)
        driver.stop(timeout=2)
    warnings = [r for r in caplog.records if r.name == headless.__name__ and r.levelno >= logging.WARNING]
    assert len(calls) >= 20 and len(warnings) == 1


def test_the_callers_thread_never_scrubs_and_the_outcome_is_stored_when_the_block_ends(tmp_path):
    """A failed operation with a 30 KB message: 1 outcome stored by the driver thread, 0 scrubs on the caller's."""
    from tit_app.telemetry import api
    from tit_app.telemetry.engine import Engine
    from tit_app.telemetry.scrub import default_scrubber

    scrub, threads = default_scrubber(), set()

    def watched(text: str) -> str:  # the real scrubber, noting which thread runs it
        threads.add(threading.get_ident())
        return scrub(text)

    with isolated_telemetry(tmp_path):
        engine = api.reset_engine(Engine(scrubber=watched))  # a real headless driver this time
        telemetry.set_enabled(True)
        with pytest.raises(ValueError):
            with telemetry.track_operation("sim_ti"):
                raise ValueError("x" * 30_000)
        stored = [p.event for p in engine.store.pending() if p.event.params.get("status") == "error"]
        assert len(stored) == 1 and threads and threading.get_ident() not in threads
