"""Storage trouble is not damage: full, read-only and locked stores keep their events and say so.

Every figure is counted, never timed. SQLite's own errors are produced for real where
the platform allows: `PRAGMA max_page_count` makes SQLite report SQLITE_FULL, `PRAGMA
query_only` SQLITE_READONLY, a second connection's open transaction SQLITE_BUSY; a real
full tmpfs and a real read-only bind mount are used in a private mount namespace when
`unshare` works (root on Linux). Where a failure can only happen at open, it is injected
as the OSError or sqlite3 error SQLite would raise.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from tit_app import telemetry
from tit_app.telemetry import database
from tit_app.telemetry.model import StoredEvent
from tit_app.telemetry.store import Store, StoreUnavailable

NOW = 1_800_000_000.0


def event(i: int = 0, pad: int = 0) -> StoredEvent:
    return StoredEvent(uuid.uuid4().hex, "sim_ti", "usage", int(NOW * 1e6), "c" * 32, "1", i,
                       {"status": "start", "error_detail": "x" * pad}, {})


def batches(count: int, size: int, pad: int = 0) -> list[list[StoredEvent]]:
    return [[event(b * size + i, pad) for i in range(size)] for b in range(count)]


def store_with(path: Path, n: int) -> Store:
    store = Store(path)
    store.add([event(i) for i in range(n)], now=NOW)
    return store


def corrupt_copies(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".corrupt-" in p.name]


def add_all(store: Store, groups: list[list[StoredEvent]]) -> tuple[int, list[list[StoredEvent]], set[str]]:
    """Add each batch; return (events stored, batches refused, the kinds of trouble raised)."""
    stored, refused, kinds = 0, [], set()
    for group in groups:
        try:
            store.add(group, now=NOW)
            stored += len(group)
        except StoreUnavailable as exc:
            refused.append(group)
            kinds.add(exc.kind)
    return stored, refused, kinds


# -- full ----------------------------------------------------------------------------------


def test_full_store_refuses_2300_tracked_events_typed_and_takes_all_2300_once_space_is_free(tmp_path):
    """Tracked 2,300 (23 batches); refused batches raise StoreUnavailable("full") and keep nothing
    (stored + refused = 2,300 at every step); after space is freed all 2,300 are stored, 0 dropped."""
    store = Store(tmp_path / "events.db")
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages + 40}")  # SQLite itself answers SQLITE_FULL beyond this
    stored, refused, kinds = add_all(store, batches(23, 100, pad=300))
    assert kinds == {database.FULL} and refused
    assert store.pending_count() == stored and stored + 100 * len(refused) == 2300
    assert store.trouble == database.FULL and store.problem.startswith("the disk is full")
    store._db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    assert add_all(store, refused)[1] == []
    assert store.pending_count() == 2300 and store.drop_counts() == {}
    assert store.problem is None
    assert corrupt_copies(tmp_path) == []


def test_count_drop_on_a_full_store_raises_typed_and_counts_once_it_can(tmp_path):
    """Counted as dropped: 3, written when the store takes writes again."""
    store = Store(tmp_path / "events.db")
    store._db.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreUnavailable):
        store.count_drop("buffer_full", 3)
    store._db.execute("PRAGMA query_only = OFF")
    store.count_drop("buffer_full", 3)
    assert store.drop_counts() == {"buffer_full": 3}


# -- read-only -------------------------------------------------------------------------------


def test_read_only_store_refuses_500_tracked_events_typed_and_still_shows_its_51_pending(tmp_path):
    """51 on disk, 500 tracked while read-only: every add raises StoreUnavailable("read-only"),
    pending stays 51 and readable, `problem` names it; none of the 500 is lost by the store."""
    store = store_with(tmp_path / "events.db", 51)
    store._db.execute("PRAGMA query_only = ON")  # SQLite answers SQLITE_READONLY to every write
    stored, refused, kinds = add_all(store, batches(5, 100))
    assert (stored, len(refused), kinds) == (0, 5, {database.READ_ONLY})
    assert store.pending_count() == 51
    assert store.problem == "events.db is read-only: new events cannot be saved to it"
    store._db.execute("PRAGMA query_only = OFF")
    assert add_all(store, refused)[0] == 500 and store.pending_count() == 551 and store.problem is None


@pytest.mark.parametrize("error", [OSError(errno.EROFS, "Read-only file system"),
                                   sqlite3.OperationalError("attempt to write a readonly database")])
def test_store_that_opens_read_only_shows_its_51_pending_and_is_not_moved_aside(tmp_path, monkeypatch, error):
    """51 on disk; opening for writing fails as on a read-only disk: pending shows 51 (not 0),
    the problem says read-only (not damaged), no .corrupt-* copy, and the first write after the
    disk is writable again stores the new event (52)."""
    path = tmp_path / "events.db"
    store_with(path, 51).close()
    real = database._connect_when_free

    def read_only(*args, **kwargs):
        raise error

    monkeypatch.setattr(database, "_connect_when_free", read_only)
    store = Store(path)
    assert (store.path, store.in_memory, store.pending_count()) == (path, False, 51)
    assert store.trouble == database.READ_ONLY and "read-only" in store.problem and "damaged" not in store.problem
    with pytest.raises(StoreUnavailable):
        store.add([event(99)], now=NOW)
    assert corrupt_copies(tmp_path) == []
    monkeypatch.setattr(database, "_connect_when_free", real)
    store.add([event(99)], now=NOW)
    assert store.pending_count() == 52 and store.problem is None


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                   sqlite3.OperationalError("database or disk is full"),
                                   sqlite3.OperationalError("disk I/O error"),
                                   sqlite3.OperationalError("database is locked")])
def test_healthy_store_is_never_moved_aside_on_storage_trouble_at_open(tmp_path, monkeypatch, error):
    """51 events on disk; an error at open that is not damage keeps all 51 in place (0 abandoned)."""
    path = tmp_path / "events.db"
    store_with(path, 51).close()
    monkeypatch.setattr(database, "LOCKED_WAIT_S", 0.0)

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(database, "_connect_when_free", failing)
    store = Store(path)
    assert store.pending_count() == 51 and store.problem and "damaged" not in store.problem
    assert corrupt_copies(tmp_path) == []
    monkeypatch.undo()
    store.close()
    assert Store(path).pending_count() == 51


def test_only_a_file_sqlite_calls_not_a_database_is_moved_aside(tmp_path):
    """1 event in a healthy file stays (1 pending); a file of garbage is moved aside (1 copy, 0 pending)."""
    healthy, garbage = tmp_path / "a.db", tmp_path / "b.db"
    store_with(healthy, 1).close()
    garbage.write_bytes(b"this is not a database" * 100)
    assert Store(healthy).pending_count() == 1
    assert Store(garbage).pending_count() == 0
    assert [n for n in corrupt_copies(tmp_path) if n.startswith("b.db")] and not [
        n for n in corrupt_copies(tmp_path) if n.startswith("a.db")]


# -- locked ----------------------------------------------------------------------------------


def test_locked_store_refuses_100_tracked_events_typed_then_takes_them_all(tmp_path):
    """Another program holds the write lock beyond the wait: 100 tracked, StoreUnavailable("locked"),
    0 stored meanwhile; after it lets go, 100 stored."""
    path = tmp_path / "events.db"
    store = Store(path, busy_timeout_s=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        stored, refused, kinds = add_all(store, batches(1, 100))
        assert (stored, kinds) == (0, {database.LOCKED})
        assert store.problem.startswith("events.db is locked by another program")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert add_all(store, refused)[0] == 100 and store.pending_count() == 100


# -- through the engine: status names the problem --------------------------------------------


def test_status_names_a_read_only_store_and_its_51_pending_events(consented):
    """51 pending; the store turns read-only: status shows them, the new one waiting in memory, and why."""
    consented.store.add([event(i) for i in range(51)], now=NOW)
    before = telemetry.status().pending
    consented.store._db.execute("PRAGMA query_only = ON")
    telemetry.track_event("app_launch", _blocking=True)  # the write fails; the caller is not disturbed
    status = telemetry.status()
    assert status.pending == before + 1  # 51 + first_run on disk, app_launch kept in memory
    assert "events.db is read-only: new events cannot be saved to it" in status.problems
    assert any(p.startswith("1 event(s) wait in memory") for p in status.problems)


# -- real file systems (Linux, root: a private mount namespace) -------------------------------


def _can_unshare() -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


needs_mounts = pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare for a private tmpfs")

MOUNTED = textwrap.dedent(
    """
    import json, subprocess, sys, time, uuid
    from pathlib import Path
    from tit_app.telemetry.model import StoredEvent
    from tit_app.telemetry.store import Store, StoreUnavailable

    def event(i):
        return StoredEvent(uuid.uuid4().hex, "sim_ti", "usage", int(time.time() * 1e6), "c" * 32, "1", i,
                           {"status": "start", "error_detail": "x" * 300}, {})

    scenario, folder = sys.argv[1], Path(sys.argv[2])
    path = folder / "events.db"
    result = {}
    if scenario == "full":
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(folder)], check=True)
        store = Store(path)
        refused, stored, kinds = [], 0, set()
        for b in range(23):
            batch = [event(b * 100 + i) for i in range(100)]
            try:
                store.add(batch)
                stored += len(batch)
            except StoreUnavailable as exc:
                refused.append(batch)
                kinds.add(exc.kind)
        result.update(stored=stored, refused=100 * len(refused), kinds=sorted(kinds), problem=store.problem)
        store.close()
        reopened = Store(path)
        result.update(pending_after_reopen=reopened.pending_count(), path=str(reopened.path))
    else:
        store = Store(path)
        store.add([event(i) for i in range(51)])
        store.close()
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        store = Store(path)
        result.update(pending=store.pending_count(), problem=store.problem, in_memory=store.in_memory)
        try:
            store.add([event(99)])
            result["add"] = "stored"
        except StoreUnavailable as exc:
            result["add"] = exc.kind
    result["copies"] = [p.name for p in folder.iterdir() if ".corrupt-" in p.name]
    print(json.dumps(result))
    """
)


def _mounted(scenario: str, folder: Path) -> dict:
    folder.mkdir()
    done = subprocess.run(["unshare", "-m", sys.executable, "-c", MOUNTED, scenario, str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_mounts
def test_real_full_disk_2300_tracked_refused_batches_are_typed_and_nothing_stored_is_lost(tmp_path):
    """A 300 KB tmpfs: of 2,300 tracked, every refused batch raised StoreUnavailable("full"),
    stored + refused = 2,300; the healthy file is not moved aside and reopens with all it stored."""
    result = _mounted("full", tmp_path / "disk")
    assert result["refused"] > 0 and result["stored"] + result["refused"] == 2300
    assert result["kinds"] == [database.FULL] and result["problem"].startswith("the disk is full")
    assert result["pending_after_reopen"] == result["stored"] and result["copies"] == []


@needs_mounts
def test_real_read_only_home_shows_51_pending_and_names_read_only(tmp_path):
    """51 events on a read-only mount: pending 51 (was 0), "read-only" (was "damaged"), no copy."""
    result = _mounted("read-only", tmp_path / "home")
    assert (result["pending"], result["in_memory"], result["add"]) == (51, False, database.READ_ONLY)
    assert result["problem"] == "events.db is read-only: new events cannot be saved to it"
    assert result["copies"] == []
