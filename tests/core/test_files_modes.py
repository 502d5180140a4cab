"""Owner-only files whatever the umask; damaged copies are kept 7 days and removed at opt-out."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from tit_app import telemetry
from tit_app.telemetry import database
from tit_app.telemetry.model import StoredEvent
from tit_app.telemetry.store import Store

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

EVERY_FILE = textwrap.dedent(
    """
    import json, os, stat, sys
    from pathlib import Path
    os.umask(0)  # the worst case: nothing taken away from any mode asked for
    home = Path(sys.argv[1]) / "home"
    from tit_app import telemetry
    from tit_app.telemetry.destinations.settings import write_user_file
    from tit_app.telemetry.store import Store
    from tit_app.telemetry.testing import isolated_telemetry
    with isolated_telemetry(home, consent=True) as eng:
        telemetry.track_event("app_launch", _blocking=True)   # events.db, -wal, -shm, telemetry.json
        telemetry.export_local_data(home / "exports" / "mine.json")
        write_user_file({})                                     # destinations.json
        db = home / "data" / "events.db"
        eng.store.close()
        eng._store = None
        db.write_bytes(b"not a database" * 100)                 # a .corrupt-* copy on the next open
        for side in ("-wal", "-shm"):
            Path(str(db) + side).unlink(missing_ok=True)
        store = Store(db)
        store.count_drop("invalid", 1)                          # a new -wal and -shm
        modes = {str(p.relative_to(home)): stat.S_IMODE(p.stat().st_mode) for p in home.rglob("*")}
        store.close()
    print(json.dumps(modes))
    """
)


@posix_only
def test_under_umask_000_every_folder_is_0700_and_every_file_0600(tmp_path):
    """Files and folders open to others: 0 (the base had 7 of 10: data/, config/, exports/ 0777;
    events.db, -wal, -shm and the .corrupt-* copy 0644)."""
    done = subprocess.run([sys.executable, "-c", EVERY_FILE, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout)
    names = set(modes)
    assert {"config", "data", "exports", "data/events.db", "data/events.db-wal", "data/events.db-shm",
            "config/telemetry.json", "config/destinations.json", "exports/mine.json"} <= names
    assert any(".corrupt-" in name for name in names)
    open_to_others = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert open_to_others == {}
    folders = {name for name in names if "/" not in name}
    assert {name: modes[name] for name in folders} == {name: 0o700 for name in folders}


@posix_only
def test_an_older_world_readable_store_is_made_owner_only_when_opened(tmp_path):
    """3 files left 0644 by an older version (events.db, -wal, -shm) and a 0755 data folder: 0 stay open."""
    data = tmp_path / "data"
    with telemetry_home_at(tmp_path):
        store = Store(data / "events.db")
        store.count_drop("invalid", 1)
        store.close()
        for part in data.iterdir():
            os.chmod(part, 0o644)
        os.chmod(data, 0o755)
        store = Store(data / "events.db")
        store.count_drop("invalid", 1)
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir()}
        store.close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert modes and set(modes.values()) == {0o600}


class telemetry_home_at:
    """TIT_HOME pointing at `home` for the block, so `paths` knows data/ is ours."""

    def __init__(self, home):
        self.home = home

    def __enter__(self):
        self.saved = os.environ.get("TIT_HOME")
        os.environ["TIT_HOME"] = str(self.home)

    def __exit__(self, *exc):
        if self.saved is None:
            os.environ.pop("TIT_HOME", None)
        else:
            os.environ["TIT_HOME"] = self.saved


def _copy(folder, days_ago: float, now: float):
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now - days_ago * 86400))
    for side in ("", "-wal"):
        (folder / f"events.db.corrupt-{stamp}{side}").write_bytes(b"old events")
    return stamp


def test_damaged_copies_older_than_7_days_are_deleted_when_the_store_opens(tmp_path):
    """2 copies (8 and 1 days old, each with its -wal): 2 files deleted, 2 kept."""
    now = time.time()
    old, recent = _copy(tmp_path, 8, now), _copy(tmp_path, 1, now)
    Store(tmp_path / "events.db").close()
    left = sorted(p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name)
    assert left == [f"events.db.corrupt-{recent}", f"events.db.corrupt-{recent}-wal"]
    assert old not in "".join(left)


def test_opt_out_deletes_every_damaged_copy(consented, tmp_path):
    """Opting out: 4 copy files (1 and 6 days old, with -wal) become 0."""
    data = tmp_path / "data"
    telemetry.track_event("app_launch", _blocking=True)
    _copy(data, 1, time.time())
    _copy(data, 6, time.time())
    telemetry.set_enabled(False)
    assert [p.name for p in data.iterdir() if ".corrupt-" in p.name] == []


def test_remove_damaged_copies_with_no_age_removes_all_and_never_raises(tmp_path):
    """3 copies of any age removed, 0 left; a missing folder removes 0."""
    for days in (0, 3, 30):
        _copy(tmp_path, days, time.time())
    (tmp_path / "events.db.corrupt-unknown").write_bytes(b"x")
    assert database.remove_damaged_copies(tmp_path / "events.db", older_than_s=None) == 7
    assert database.remove_damaged_copies(tmp_path / "missing" / "events.db", older_than_s=None) == 0


def test_moved_aside_copy_is_0600_and_keeps_its_one_event(tmp_path):
    """The damaged file's copy is owner-only and byte-for-byte what was moved (1 file kept for a report)."""
    path = tmp_path / "events.db"
    path.write_bytes(b"\0garbage" * 512)
    os.chmod(path, 0o644)
    store = Store(path)
    store.add([StoredEvent(uuid.uuid4().hex, "app_launch", "usage", int(time.time() * 1e6), "c" * 32, "1", 1, {}, {})])
    (copy,) = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert copy.read_bytes() == b"\0garbage" * 512
    if os.name == "posix":
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert store.pending_count() == 1
