"""The durable local queue: SQLite in WAL mode, shared safely by the GUI and CLI processes.

Pending events live in `events`; their per-destination state in `deliveries`, created
lazily when a destination first leases an event (so a destination added later still gets
what was already consented to). Processes sharing the file may be configured with
different destinations, so every destination any of them used is remembered
(`known_destinations`): an event leaves the queue only once every known destination that
accepts its level is done with it, and otherwise only by the store's bounds. A
destination not seen for `Bounds.max_age_s` is forgotten. Sent and dropped events go to a
bounded `history` for the Privacy page. Drops are counted by cause in `counters`.

Opening the file, and telling storage trouble from damage, is `database`'s job. A write
the file cannot take now (full, read-only, locked) raises `StoreUnavailable` and keeps
nothing of it; the next write tries again (reopening the file when it had to be opened
read-only), and `problem` says what is wrong meanwhile.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from . import database
from .database import BUSY_TIMEOUT_S, StoreUnavailable, open_database
from .model import DELETION, DROP_CAUSES, Delivery, HistoryEntry, PendingEvent, StoredEvent
from .summary import OUTCOMES, RunOutcome

__all__ = ["Bounds", "NoStore", "Store", "StoreUnavailable"]

log = logging.getLogger(__name__)

DAY = 86400.0


@dataclass(frozen=True)
class Bounds:
    max_events: int = 10_000
    max_bytes: int = 10_000_000
    max_age_s: float = 30 * DAY
    history_events: int = 500
    history_age_s: float = 7 * DAY


class Store:
    def __init__(self, path: Path | None, bounds: Bounds = Bounds(), busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.bounds = bounds
        self._lock = threading.RLock()
        self._busy_timeout_s = busy_timeout_s
        self._lease_cursor: dict[str, int] = {}
        self._owner = uuid.uuid4().hex  # this Store (one per process) in known_destinations
        self._trouble: str | None = None
        self._problem: str | None = None
        self._use(open_database(path, busy_timeout_s))

    def _use(self, opened: database.Opened) -> None:
        self._db, self.path, self._writable = opened.db, opened.path, opened.writable
        self._memory_problem = opened.problem if opened.path is None else None
        self._set_trouble(opened.trouble, opened.problem if opened.path is not None else None)

    def _set_trouble(self, kind: str | None, problem: str | None) -> None:
        """Remember the store's trouble; log when it starts or changes, not at every retry."""
        if problem is not None and problem != self._problem:
            log.warning("telemetry: %s; each write tries the file again", problem)
        elif problem is None and self._problem is not None:
            log.info("telemetry: the event store can be written again")
        self._trouble, self._problem = kind, problem

    @property
    def in_memory(self) -> bool:
        return self.path is None

    @property
    def problem(self) -> str | None:
        """What keeps events from being saved, in words (None when nothing does)."""
        return self._problem or self._memory_problem

    @property
    def trouble(self) -> str | None:
        """The kind of the problem (`database.FULL`, `READ_ONLY`, `LOCKED`, `DAMAGED`, `IO`), or None."""
        return self._trouble

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction; storage trouble becomes StoreUnavailable with nothing kept."""
        with self._lock:
            self._reopen_if_needed()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
            except (sqlite3.DatabaseError, OSError) as exc:
                unavailable = self._unavailable(exc)
                if unavailable is None:
                    raise  # not storage trouble: a bug, shown as it is
                raise unavailable from exc
            self._set_trouble(None, None)

    def _rollback(self) -> None:
        # SQLite may already have rolled back (a full disk does): then there is nothing to undo.
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _unavailable(self, exc: BaseException) -> StoreUnavailable | None:
        """StoreUnavailable for storage trouble (remembered for `problem`); None for anything else."""
        kind = database.classify(exc)
        if kind is None:
            return None
        kind = database.refine(kind, self.path)
        self._set_trouble(kind, database.WORDS[kind])
        return StoreUnavailable(kind, self._problem)

    def _reopen_if_needed(self) -> None:
        """A file opened read-only, or found damaged, is opened again before each write until it works."""
        if self.path is None or (self._writable and self._trouble != database.DAMAGED):
            return
        opened = open_database(self.path, self._busy_timeout_s)
        self._db.close()
        self._use(opened)
        if not self._writable:
            raise StoreUnavailable(self._trouble, self._problem)

    def _read(self, sql: str, args: Iterable = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(args)).fetchall()
            except (sqlite3.DatabaseError, OSError) as exc:
                unavailable = self._unavailable(exc)
                if unavailable is None:
                    raise
                raise unavailable from exc

    # -- writing ---------------------------------------------------------------------------

    def add(self, events: Iterable[StoredEvent], now: float | None = None) -> int:
        rows = [(e.event_id, e.name, e.level, e.time_us, body, len(body)) for e in events for body in [e.to_json()]]
        if not rows:
            return 0
        with self._write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO events(event_id, name, level, time_us, body, size) VALUES (?,?,?,?,?,?)", rows
            )
            self._enforce_bounds(db, time.time() if now is None else now)
        return len(rows)

    def _enforce_bounds(self, db: sqlite3.Connection, now: float) -> None:
        oldest_allowed = int((now - self.bounds.max_age_s) * 1e6)
        self._count(db, "too_old", db.execute("DELETE FROM events WHERE time_us < ?", (oldest_allowed,)).rowcount)
        count, size = db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM events").fetchone()
        excess = max(0, count - self.bounds.max_events)
        if size > self.bounds.max_bytes:
            excess = max(excess, _rows_to_free(db, size - self.bounds.max_bytes))
        if excess:
            db.execute("DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY time_us, id LIMIT ?)", (excess,))
            self._count(db, "over_capacity", excess)

    def count_drop(self, cause: str, n: int = 1) -> None:
        if n:
            with self._write() as db:
                self._count(db, cause, n)

    @staticmethod
    def _count(db: sqlite3.Connection, cause: str, n: int) -> None:
        if cause not in DROP_CAUSES:
            raise ValueError(f"unknown drop cause {cause!r}")
        if n > 0:
            db.execute(
                "INSERT INTO counters(cause, count) VALUES (?, ?) "
                "ON CONFLICT(cause) DO UPDATE SET count = count + excluded.count",
                (cause, n),
            )

    def purge(self) -> int:
        """Delete every pending event except deletion requests (they carry out an opt-out).

        Moved-aside damaged copies hold events too, so they go as well.
        """
        self.remove_damaged_copies()
        with self._write() as db:
            return db.execute("DELETE FROM events WHERE level != ?", (DELETION,)).rowcount

    def remove_damaged_copies(self) -> int:
        """Delete every moved-aside copy of this store's file (`.corrupt-*`), whatever its age (opt-out)."""
        return 0 if self.path is None else database.remove_damaged_copies(self.path, older_than_s=None)

    def keep_only_client(self, client_id: str | None) -> int:
        """Delete pending events of any other anonymous id (after a rotation), deletion requests aside."""
        with self._write() as db:
            return db.execute(
                "DELETE FROM events WHERE level != ? AND json_extract(body, '$.client_id') IS NOT ?", (DELETION, client_id)
            ).rowcount

    def drop_level(self, level: str, cause: str) -> int:
        """Delete every pending event of `level`, counted as `cause` (sharing was lowered)."""
        with self._write() as db:
            removed = db.execute("DELETE FROM events WHERE level = ?", (level,)).rowcount
            self._count(db, cause, removed)
        return removed

    def retry_now(self) -> None:
        """Make every pending delivery due (the settings changed: a refused login may work now)."""
        with self._write() as db:
            db.execute("UPDATE deliveries SET next_attempt = 0 WHERE state = 'pending'")
            db.execute("UPDATE destination_status SET hold_until = 0")

    def forget_history(self) -> None:
        """Delete the history of sent and dropped events (opt-out)."""
        with self._write() as db:
            db.execute("DELETE FROM history")

    def unlink_history(self) -> None:
        """Remove the anonymous id, session and sequence from the history kept for "Your usage" (id reset)."""
        with self._write() as db:
            db.execute("UPDATE history SET body = json_remove(body, '$.client_id', '$.session_id', '$.seq')")

    def delete(self, event_ids: Iterable[str]) -> int:
        ids = list(event_ids)
        with self._write() as db:
            return sum(db.execute("DELETE FROM events WHERE event_id = ?", (i,)).rowcount for i in ids)

    # -- reading (the Privacy page, the CLI, the sender) ---------------------------------------

    def pending_count(self, levels: Iterable[str] | None = None) -> int:
        """All pending events, or only those of the given levels."""
        if levels is None:
            return self._read("SELECT COUNT(*) FROM events")[0][0]
        levels = tuple(levels)
        return self._read(f"SELECT COUNT(*) FROM events WHERE level IN ({in_list(levels)})", levels)[0][0]

    def attempts(self, destination: str, event_ids: Iterable[str]) -> int:
        """How often the most-tried of these events has already failed for `destination`."""
        ids = tuple(event_ids)
        if not ids:
            return 0
        rows = self._read(
            f"SELECT MAX(d.attempts) FROM deliveries d JOIN events e ON e.id = d.event "
            f"WHERE d.destination = ? AND e.event_id IN ({in_list(ids)})",
            (destination, *ids),
        )
        return int(rows[0][0] or 0)

    def pending(self, limit: int | None = None, parsed: dict[int, StoredEvent] | None = None) -> list[PendingEvent]:
        """The pending events, newest first, with their delivery state.

        `parsed` (row id -> event, kept by a caller that reads the queue again and again, like the
        desktop's snapshots) spares decoding the events it already holds; it is updated to the
        rows read. Row ids are never reused (AUTOINCREMENT), so an id always means the same event.
        """
        order = "ORDER BY time_us DESC, id DESC LIMIT ?"
        if parsed is None:
            rows = self._read(f"SELECT id, body FROM events {order}", (limit or -1,))
            events = [(row_id, StoredEvent.from_json(body)) for row_id, body in rows]
        else:
            ids = [row_id for (row_id,) in self._read(f"SELECT id FROM events {order}", (limit or -1,))]
            self._parse_missing(ids, parsed)
            events = [(row_id, parsed[row_id]) for row_id in ids if row_id in parsed]  # skips one deleted meanwhile
        states: dict[int, list[Delivery]] = {}
        for event, *rest in self._read(
            "SELECT event, destination, state, attempts, next_attempt, last_error FROM deliveries ORDER BY destination"
        ):
            states.setdefault(event, []).append(Delivery(*rest))
        return [PendingEvent(event, tuple(states.get(row_id, ()))) for row_id, event in events]

    def _parse_missing(self, ids: list[int], parsed: dict[int, StoredEvent]) -> None:
        """Decode the rows of `ids` that `parsed` lacks, and forget those no longer pending."""
        missing = [row_id for row_id in ids if row_id not in parsed]
        for start in range(0, len(missing), 500):  # within SQLite's limit on bound values
            chunk = tuple(missing[start:start + 500])
            for row_id, body in self._read(f"SELECT id, body FROM events WHERE id IN ({in_list(chunk)})", chunk):
                parsed[row_id] = StoredEvent.from_json(body)
        for gone in set(parsed).difference(ids):
            del parsed[gone]

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        rows = self._read(
            "SELECT event_id, name, destination, outcome, detail, at, time_us FROM history ORDER BY id DESC LIMIT ?",
            (limit or -1,),
        )
        return [HistoryEntry(*row) for row in rows]

    def operation_outcomes(self) -> list[RunOutcome]:
        """Every finished operation run, pending or already sent, for the usage summary.

        Read in SQL (so the GIL is free meanwhile); UNION keeps an event sent to several
        destinations, or both sent and still pending, once.
        """
        rows = self._read(
            "SELECT name, COALESCE(json_extract(body, '$.params.run_id'), event_id), "
            "json_extract(body, '$.params.status'), json_extract(body, '$.params.duration_s') "
            "FROM (SELECT event_id, name, body FROM events UNION SELECT event_id, name, body FROM history) "
            f"WHERE json_extract(body, '$.params.status') IN ({in_list(OUTCOMES)})",
            OUTCOMES,
        )
        return [RunOutcome(*row) for row in rows]

    def drop_counts(self) -> dict[str, int]:
        return dict(self._read("SELECT cause, count FROM counters ORDER BY cause"))

    def unreported_drops(self) -> dict[str, int]:
        return {c: n for c, n in self._read("SELECT cause, count - reported FROM counters") if n > 0}

    def destination_status(self) -> dict[str, dict]:
        rows = self._read("SELECT destination, last_success, last_error, last_error_at FROM destination_status")
        return {d: {"last_success": s, "last_error": e, "last_error_at": at} for d, s, e, at in rows}

    def holds(self) -> dict[str, float]:
        return dict(self._read("SELECT destination, hold_until FROM destination_status WHERE hold_until > 0"))

    # -- delivery --------------------------------------------------------------------------

    def lease(
        self, destination: str, levels: Iterable[str], now: float, limit: int, max_bytes: int,
        lease_s: float = 60.0, ignore_backoff: bool = False, resume: bool = False,
    ) -> list[StoredEvent]:
        """Claim up to `limit` events (and `max_bytes` of bodies) due for `destination`.

        `resume=True` continues after the last event this store leased to `destination`,
        so a round of many batches does not rescan the events it has just handled.
        """
        levels = tuple(levels)
        due = "1" if ignore_backoff else "d.next_attempt <= :now"
        level_names = {f"lv{i}": level for i, level in enumerate(levels)}
        sql = (
            "SELECT e.id, e.body, e.size FROM events e LEFT JOIN deliveries d "
            "ON d.event = e.id AND d.destination = :dest "
            f"WHERE e.level IN ({','.join(':' + k for k in level_names) or 'NULL'}) "
            f"AND (d.event IS NULL OR (d.state = 'pending' AND {due} AND d.lease_until <= :now)) "
            "AND e.id > :after ORDER BY e.id LIMIT :limit"
        )
        after = self._lease_cursor.get(destination, 0) if resume else 0
        args = {"dest": destination, "now": now, "limit": limit, "after": after, **level_names}
        with self._write() as db:
            self._remember(db, {destination: levels}, now)
            picked, total = [], 0
            for row_id, body, size in db.execute(sql, args).fetchall():
                if picked and total + size > max_bytes:
                    break
                picked.append((row_id, body))
                total += size
            db.executemany(
                "INSERT INTO deliveries(event, destination, lease_until) VALUES (?, ?, ?) "
                "ON CONFLICT(event, destination) DO UPDATE SET lease_until = excluded.lease_until",
                [(row_id, destination, now + lease_s) for row_id, _ in picked],
            )
        if picked:
            self._lease_cursor[destination] = picked[-1][0]
        return [StoredEvent.from_json(body) for _, body in picked]

    def ack(self, destination: str, event_ids: Iterable[str], now: float) -> None:
        self._finish(destination, event_ids, now, "sent", "")

    def drop(self, destination: str, event_ids: Iterable[str], now: float, cause: str, reason: str) -> None:
        ids = list(event_ids)
        self._finish(destination, ids, now, "dropped", reason)
        self.count_drop(cause, len(ids))

    def _finish(self, destination: str, event_ids: Iterable[str], now: float, outcome: str, detail: str) -> None:
        ids = [(destination, event_id) for event_id in event_ids]
        if not ids:
            return
        with self._write() as db:
            db.executemany(
                "INSERT INTO deliveries(event, destination, state) SELECT id, ?, 'done' FROM events WHERE event_id = ? "
                "ON CONFLICT(event, destination) DO UPDATE SET state = 'done', lease_until = 0",
                ids,
            )
            db.executemany(
                "INSERT INTO history(event_id, name, destination, outcome, detail, at, time_us, body) "
                "SELECT event_id, name, ?, ?, ?, ?, time_us, body FROM events WHERE event_id = ?",
                [(destination, outcome, detail, now, event_id) for _, event_id in ids],
            )
            if outcome == "sent":
                db.execute(
                    "INSERT INTO destination_status(destination, last_success) VALUES (?, ?) "
                    "ON CONFLICT(destination) DO UPDATE SET last_success = excluded.last_success",
                    (destination, now),
                )
            self._trim_history(db, now)

    def retry(self, destination: str, event_ids: Iterable[str], next_attempt: float, error: str, now: float) -> None:
        with self._write() as db:
            db.executemany(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt = ?, lease_until = 0, last_error = ? "
                "WHERE destination = ? AND event = (SELECT id FROM events WHERE event_id = ?)",
                [(next_attempt, error, destination, i) for i in event_ids],
            )
            self._note_error(db, destination, error, now)

    def note_error(self, destination: str, error: str, now: float) -> None:
        with self._write() as db:
            self._note_error(db, destination, error, now)

    @staticmethod
    def _note_error(db: sqlite3.Connection, destination: str, error: str, now: float) -> None:
        db.execute(
            "INSERT INTO destination_status(destination, last_error, last_error_at) VALUES (?, ?, ?) "
            "ON CONFLICT(destination) DO UPDATE SET last_error = excluded.last_error, "
            "last_error_at = excluded.last_error_at",
            (destination, error, now),
        )

    def drop_older_than(self, destination: str, levels: Iterable[str], oldest_us: int, now: float, reason: str) -> int:
        """Drop, for one destination only, events older than it accepts (GA4: 72 h, GA-TS3)."""
        levels = tuple(levels)
        rows = self._read(
            f"SELECT e.event_id FROM events e WHERE e.time_us < ? AND e.level IN ({in_list(levels)}) AND NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.event = e.id AND d.destination = ? AND d.state = 'done')",
            (oldest_us, *levels, destination),
        )
        ids = [r[0] for r in rows]
        if ids:
            self.drop(destination, ids, now, "too_old", reason)
        return len(ids)

    def set_hold(self, destination: str, until: float) -> None:
        """A server asked us to wait (Retry-After, rate limits): no sends to it before `until`."""
        with self._write() as db:
            db.execute(
                "INSERT INTO destination_status(destination, hold_until) VALUES (?, ?) "
                "ON CONFLICT(destination) DO UPDATE SET hold_until = excluded.hold_until",
                (destination, until),
            )

    def finalize(self, accepting: Mapping[str, Iterable[str]], now: float | None = None) -> int:
        """Remove events that every known destination accepting their level is done with.

        `accepting` is this process's destinations now: they replace what this Store noted
        before (a destination removed from its configuration no longer holds events back),
        and join those every other process sharing the file noted within `max_age_s`. An
        event waits for all of them; one that no known destination takes waits too.
        """
        now = time.time() if now is None else now
        with self._write() as db:
            db.execute("DELETE FROM known_destinations WHERE owner = ?", (self._owner,))
            self._remember(db, accepting, now)
            db.execute("DELETE FROM known_destinations WHERE last_seen < ?", (now - self.bounds.max_age_s,))
            return db.execute(
                "DELETE FROM events WHERE id IN (SELECT e.id FROM events e "
                "WHERE EXISTS (SELECT 1 FROM known_destinations k WHERE k.level = e.level) "
                "AND NOT EXISTS (SELECT 1 FROM known_destinations k WHERE k.level = e.level AND NOT EXISTS "
                "(SELECT 1 FROM deliveries d WHERE d.event = e.id AND d.destination = k.destination "
                "AND d.state = 'done')))"
            ).rowcount

    def remember_destinations(self, accepting: Mapping[str, Iterable[str]], now: float | None = None) -> None:
        """Note that this process delivers to these destinations (and levels), so no other process
        removes an event before they are done with it. `lease` and `finalize` do this too; calling
        it when the destinations are loaded protects them before this process's first round."""
        with self._write() as db:
            self._remember(db, accepting, time.time() if now is None else now)

    def _remember(self, db: sqlite3.Connection, accepting: Mapping[str, Iterable[str]], now: float) -> None:
        db.executemany(
            "INSERT INTO known_destinations(destination, level, owner, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(destination, level, owner) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)",
            [(name, level, self._owner, now) for name, levels in accepting.items() for level in levels],
        )

    def known_destinations(self) -> dict[str, frozenset[str]]:
        """Every destination some process sharing this file delivers to, with the levels it takes."""
        found: dict[str, set[str]] = {}
        for name, level in self._read("SELECT DISTINCT destination, level FROM known_destinations"):
            found.setdefault(name, set()).add(level)
        return {name: frozenset(levels) for name, levels in found.items()}

    def _trim_history(self, db: sqlite3.Connection, now: float) -> None:
        db.execute("DELETE FROM history WHERE at < ?", (now - self.bounds.history_age_s,))
        db.execute(
            "DELETE FROM history WHERE id NOT IN (SELECT id FROM history ORDER BY id DESC LIMIT ?)",
            (self.bounds.history_events,),
        )

    def mark_drops_reported(self, counts: Mapping[str, int]) -> None:
        with self._write() as db:
            db.executemany("UPDATE counters SET reported = reported + ? WHERE cause = ?", [(n, c) for c, n in counts.items()])

    def close(self) -> None:
        with self._lock:
            self._db.close()


class NoStore:
    """The queue before anything was ever recorded: empty, and reading it creates no file."""

    path = None
    problem = None
    trouble = None
    in_memory = False

    def pending_count(self, levels: Iterable[str] | None = None) -> int:
        return 0

    def pending(self, limit: int | None = None, parsed: dict | None = None) -> list[PendingEvent]:
        return []

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        return []

    def operation_outcomes(self) -> list[RunOutcome]:
        return []

    def drop_counts(self) -> dict[str, int]:
        return {}

    def destination_status(self) -> dict[str, dict]:
        return {}

    def purge(self) -> int:
        self.remove_damaged_copies()  # an opt-out removes them even when events.db itself is gone
        return 0

    def remove_damaged_copies(self) -> int:
        from tit_app import paths

        return database.remove_damaged_copies(paths.data_dir() / "events.db", older_than_s=None)

    def delete(self, event_ids: Iterable[str]) -> int:
        return 0


def in_list(values: tuple[str, ...]) -> str:
    """Placeholders for an SQL `IN (...)`; `NULL` matches nothing when there are no values."""
    return ",".join("?" * len(values)) if values else "NULL"


def _rows_to_free(db: sqlite3.Connection, excess_bytes: int) -> int:
    freed = count = 0
    for (size,) in db.execute("SELECT size FROM events ORDER BY time_us, id"):
        if freed >= excess_bytes:
            break
        freed += size
        count += 1
    return count
