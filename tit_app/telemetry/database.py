"""The SQLite file behind the store: its schema, WAL mode, and recovery when it cannot be used.

A corrupt database is moved aside (`<name>.corrupt-<time>`) and recreated; a directory
that cannot be written falls back to an in-memory database for the session, so events
are still queued (and visible) even though they will not survive a restart.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

LOCKED_WAIT_S = 3.0  # how long opening waits for another process's lock before giving up

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    time_us INTEGER NOT NULL,
    body TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_time ON events(time_us);
CREATE TABLE IF NOT EXISTS deliveries (
    event INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    destination TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL DEFAULT 0,
    lease_until REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (event, destination)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    name TEXT NOT NULL,
    destination TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    at REAL NOT NULL,
    time_us INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    cause TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    reported INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS destination_status (
    destination TEXT PRIMARY KEY,
    last_success REAL,
    last_error TEXT,
    last_error_at REAL,
    hold_until REAL NOT NULL DEFAULT 0
);
"""


def _connect(target: str) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so two processes serialise
    # their writes on SQLite's lock instead of failing on a deferred upgrade.
    db = sqlite3.connect(target, timeout=10.0, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        if target != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
    except BaseException:
        db.close()
        raise
    return db


def _connect_when_free(target: str) -> sqlite3.Connection:
    """`_connect`, waiting a little while another process holds the lock.

    Switching a new file to WAL takes a lock for which SQLite's busy timeout does not
    wait; two processes starting at once (the app and a CLI command) must not push one
    of them into the in-memory fallback.
    """
    deadline = time.monotonic() + LOCKED_WAIT_S
    while True:
        try:
            return _connect(target)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(path) + suffix)
        if part.exists():
            part.replace(Path(str(target) + suffix))
    return target


def open_database(path: Path | None) -> tuple[sqlite3.Connection, Path | None, str | None]:
    """Return (connection, path or None when in memory, a problem worth showing or None)."""
    if path is None:
        return _connect(":memory:"), None, None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _connect_when_free(str(path)), path, None
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return _memory(f"the event store is locked by another program ({exc})")
        if not path.exists():
            return _memory(f"the event store could not be created ({exc})")
        try:
            moved = _move_aside(path)
            log.warning("telemetry store was damaged (%s); moved it to %s and started a new one", exc, moved.name)
            return _connect(str(path)), path, None
        except (OSError, sqlite3.DatabaseError) as again:
            return _memory(f"the event store is damaged and could not be replaced ({again})")
    except OSError as exc:
        return _memory(f"the data folder cannot be written ({exc.strerror or exc})")


def _memory(problem: str) -> tuple[sqlite3.Connection, None, str]:
    log.warning("telemetry: %s; events are kept in memory for this session only", problem)
    return _connect(":memory:"), None, problem
