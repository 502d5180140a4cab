"""The SQLite file behind the store: its schema, WAL mode, its modes on disk, and what went wrong.

Storage trouble is not damage. Only a file SQLite itself calls corrupt or "not a
database" is moved aside (`<name>.corrupt-<time>`, owner-only, deleted after 7 days or
at opt-out) and recreated. A full disk, a read-only file or folder, a lock held too long
or an I/O error leaves the file where it is: it is opened read-only when possible (its
pending events stay visible), and every write raises `StoreUnavailable` naming the
problem, so the caller keeps its events and tries again. A data folder that cannot be
created at all falls back to an in-memory database for the session.

Every file here is 0600 and the folder 0700, whatever the umask: the database is created
0600 before SQLite opens it, and SQLite gives its -wal and -shm files the database's mode.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from tit_app.paths import private_dir

log = logging.getLogger(__name__)

LOCKED_WAIT_S = 3.0  # how long opening waits for another process's lock before giving up
BUSY_TIMEOUT_S = 10.0  # how long a write waits for another process's transaction
FILE_MODE = 0o600
DAMAGED_COPY_AGE_S = 7 * 86400.0  # a moved-aside copy is kept this long for a bug report, then deleted
SIDE_FILES = ("-wal", "-shm")

# Kinds of trouble, and how status and the Privacy page put them.
DAMAGED, FULL, READ_ONLY, LOCKED, IO = "damaged", "full", "read-only", "locked", "io"
WORDS = {
    DAMAGED: "events.db is damaged",
    FULL: "the disk is full: new events cannot be saved to events.db",
    READ_ONLY: "events.db is read-only: new events cannot be saved to it",
    LOCKED: "events.db is locked by another program: new events cannot be saved to it",
    IO: "events.db cannot be read or written (a disk or file system error)",
}
# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_KINDS = {11: DAMAGED, 26: DAMAGED, 13: FULL, 8: READ_ONLY, 3: READ_ONLY, 5: LOCKED, 6: LOCKED, 10: IO, 14: IO}
# For errors raised without a code (older Pythons, other layers): SQLite's own messages.
_MESSAGE_KINDS = (
    ("malformed", DAMAGED), ("not a database", DAMAGED), ("disk is full", FULL), ("readonly", READ_ONLY),
    ("read-only", READ_ONLY), ("locked", LOCKED), ("disk i/o error", IO), ("unable to open", IO),
)
_ERRNO_KINDS = {errno.ENOSPC: FULL, errno.EROFS: READ_ONLY, errno.EACCES: READ_ONLY, errno.EPERM: READ_ONLY}
if hasattr(errno, "EDQUOT"):
    _ERRNO_KINDS[errno.EDQUOT] = FULL


class StoreUnavailable(Exception):
    """The store cannot take a write now (full, read-only, locked, damaged, I/O error).

    Nothing of the failed write was kept: the caller still holds what it wanted to
    write, and may keep it in memory and try again later. `kind` is one of the kinds
    above, `problem` the words for the user.
    """

    def __init__(self, kind: str, problem: str) -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem


class DamagedFile(sqlite3.DatabaseError):
    """SQLite's integrity check found damage in a file that opened."""


def classify(exc: BaseException) -> str | None:
    """The kind of storage trouble behind `exc`, or None when it is not storage trouble (a bug)."""
    if isinstance(exc, DamagedFile):
        return DAMAGED
    if isinstance(exc, OSError):
        return _ERRNO_KINDS.get(exc.errno, IO)
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, (sqlite3.IntegrityError,
                                                                      sqlite3.ProgrammingError)):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _SQLITE_KINDS:
        return _SQLITE_KINDS[code & 0xFF]
    text = str(exc).lower()
    return next((kind for words, kind in _MESSAGE_KINDS if words in text), None)


def refine(kind: str, path: Path | None) -> str:
    """SQLite reports a full disk or a read-only folder at open as a bare I/O error; look at the disk."""
    if kind != IO or path is None:
        return kind
    if _no_space_left(path.parent):
        return FULL
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return READ_ONLY  # os.access sees a read-only mount even for root
    return kind


def _no_space_left(folder: Path) -> bool:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: Windows has no statvfs
        return False
    return info.f_bavail == 0


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
-- Every destination (and level it takes) that any process sharing this file has used,
-- by the Store that used it (`owner`): an event leaves only when all of them are done
-- with it (store.finalize).
CREATE TABLE IF NOT EXISTS known_destinations (
    destination TEXT NOT NULL,
    level TEXT NOT NULL,
    owner TEXT NOT NULL,
    last_seen REAL NOT NULL,
    PRIMARY KEY (destination, level, owner)
) WITHOUT ROWID;
"""


@dataclass
class Opened:
    db: sqlite3.Connection
    path: Path | None  # None: in memory for this session
    writable: bool  # False: opened read-only (or a placeholder); writes must reopen first
    trouble: str | None = None  # a kind above, while the file cannot take writes
    problem: str | None = None  # in words, for status and the Privacy page


def _connect(target: str, busy_timeout_s: float, uri: bool = False, schema: bool = True) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so two processes serialise
    # their writes on SQLite's lock instead of failing on a deferred upgrade.
    db = sqlite3.connect(target, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False, uri=uri)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        if schema and target != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if schema:
            db.executescript(SCHEMA)
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DamagedFile("quick_check found damage")
    except BaseException:
        db.close()
        raise
    return db


def _connect_when_free(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """`_connect`, waiting a little while another process holds the lock.

    Switching a new file to WAL takes a lock for which SQLite's busy timeout does not
    wait; two processes starting at once (the app and a CLI command) must not push one
    of them into a read-only store.
    """
    deadline = time.monotonic() + LOCKED_WAIT_S
    while True:
        try:
            return _connect(str(path), busy_timeout_s)
        except sqlite3.OperationalError as exc:
            if classify(exc) != LOCKED or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _connect_read_only(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """Open without writing anything, to show what is queued while the file cannot be written.

    In a read-only folder SQLite cannot create the WAL index (-shm); `immutable=1` then
    reads the file as it is, which is safe because nothing can change it there either.
    """
    base = "file:" + _uri_path(path) + "?mode=ro"
    try:
        return _connect(base, busy_timeout_s, uri=True, schema=False)
    except sqlite3.OperationalError:
        return _connect(base + "&immutable=1", busy_timeout_s, uri=True, schema=False)


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(path.absolute().as_posix(), safe="/:")


def _make_private(path: Path) -> None:
    """Create the database file 0600 before SQLite does (SQLite would use the umask), or tighten it.

    SQLite gives the -wal and -shm files the database's mode; older versions left them
    0644, so those are tightened too. A file we cannot change (read-only) is left alone.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        for part in (path, *(Path(str(path) + s) for s in SIDE_FILES)):
            _chmod_private(part)
        return
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)  # the umask may have taken bits from O_CREAT's mode; this is exact
    finally:
        os.close(fd)


def _chmod_private(path: Path) -> None:
    try:
        if path.stat().st_mode & 0o777 != FILE_MODE:
            os.chmod(path, FILE_MODE)
    except OSError:
        pass


def open_database(path: Path | None, busy_timeout_s: float = BUSY_TIMEOUT_S) -> Opened:
    """Open `path` for reading and writing if at all possible; see the module's docstring for the rest."""
    if path is None:
        return Opened(_connect(":memory:", busy_timeout_s), None, True)
    try:
        private_dir(path.parent)
    except OSError as exc:
        return _memory(f"the data folder cannot be written ({exc.strerror or exc})", busy_timeout_s)
    try:
        _make_private(path)
        db = _connect_when_free(path, busy_timeout_s)
    except (sqlite3.DatabaseError, OSError) as exc:
        return _trouble(path, exc, busy_timeout_s)
    remove_damaged_copies(path)
    return Opened(db, path, True)


def _trouble(path: Path, exc: BaseException, busy_timeout_s: float) -> Opened:
    kind = classify(exc)
    if kind is None:
        raise exc
    if kind == DAMAGED:
        return _replace_damaged(path, exc, busy_timeout_s)
    kind = refine(kind, path)
    log.debug("telemetry: %s cannot be opened for writing (%s)", path.name, exc)
    try:
        return Opened(_connect_read_only(path, busy_timeout_s), path, False, kind, WORDS[kind])
    except (sqlite3.DatabaseError, OSError):
        # Nothing can be read either: an empty placeholder, still not writable, shows 0 events
        # with the problem beside them; the next write tries the file again.
        return Opened(_connect(":memory:", busy_timeout_s), path, False, kind, WORDS[kind])


def _replace_damaged(path: Path, exc: BaseException, busy_timeout_s: float) -> Opened:
    """SQLite says the file is not a database or is corrupt: keep a copy aside and start again."""
    try:
        moved = _move_aside(path)
        log.warning("telemetry store was damaged (%s); moved it to %s and started a new one", exc, moved.name)
        _make_private(path)
        return Opened(_connect(str(path), busy_timeout_s), path, True)
    except (OSError, sqlite3.DatabaseError) as again:
        kind = refine(classify(again) or IO, path)
        problem = f"{WORDS[DAMAGED]} and could not be replaced ({WORDS[kind]})"
        log.warning("telemetry: %s", problem)
        return Opened(_connect(":memory:", busy_timeout_s), path, False, DAMAGED, problem)


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}.{n}")
    for suffix in ("", *SIDE_FILES):
        part = Path(str(path) + suffix)
        if part.exists():
            moved = Path(str(target) + suffix)
            part.replace(moved)
            _chmod_private(moved)  # an older version's copy may be world-readable; it holds events
    return target


_STAMP = re.compile(r"\.corrupt-(\d{8}T\d{6})")


def damaged_copies(path: Path) -> list[Path]:
    """The moved-aside copies of `path` (with their -wal and -shm files)."""
    try:
        return sorted(p for p in path.parent.iterdir() if p.name.startswith(f"{path.name}.corrupt-"))
    except OSError:
        return []


def remove_damaged_copies(path: Path, older_than_s: float | None = DAMAGED_COPY_AGE_S,
                          now: float | None = None) -> int:
    """Delete moved-aside copies older than `older_than_s` (all of them with None: opt-out). Never raises."""
    now = time.time() if now is None else now
    removed = 0
    for copy in damaged_copies(path):
        if older_than_s is not None and now - _copy_time(copy) < older_than_s:
            continue
        try:
            copy.unlink()
            removed += 1
        except OSError:
            log.debug("telemetry: could not delete %s", copy.name, exc_info=True)
    return removed


def _copy_time(copy: Path) -> float:
    """When the copy was moved aside: the time in its name, else its modification time."""
    found = _STAMP.search(copy.name)
    try:
        if found:
            return time.mktime(time.strptime(found.group(1), "%Y%m%dT%H%M%S"))
        return copy.stat().st_mtime
    except (ValueError, OverflowError, OSError):
        return time.time()  # unknown: keep it for now rather than guess


def _memory(problem: str, busy_timeout_s: float) -> Opened:
    log.warning("telemetry: %s; events are kept in memory for this session only", problem)
    return Opened(_connect(":memory:", busy_timeout_s), None, True, None, problem)
