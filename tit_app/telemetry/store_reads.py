"""The store's queries: what the Privacy page, the CLI and the sender read.

Every read goes through `Store._read`, which holds the store's lock, so it sees the
store's own writes consistently.
"""

from __future__ import annotations

from typing import Iterable

from .model import Delivery, HistoryEntry, PendingEvent, StoredEvent
from .summary import OUTCOMES, RunOutcome


def in_list(values: tuple[str, ...]) -> str:
    """Placeholders for an SQL `IN (...)`; `NULL` matches nothing when there are no values."""
    return ",".join("?" * len(values)) if values else "NULL"


class StoreReads:
    def _read(self, sql: str, args: Iterable = ()) -> list[tuple]:
        raise NotImplementedError

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

    def pending(self, limit: int | None = None) -> list[PendingEvent]:
        rows = self._read("SELECT id, body FROM events ORDER BY time_us DESC, id DESC LIMIT ?", (limit or -1,))
        states: dict[int, list[Delivery]] = {}
        for event, *rest in self._read(
            "SELECT event, destination, state, attempts, next_attempt, last_error FROM deliveries ORDER BY destination"
        ):
            states.setdefault(event, []).append(Delivery(*rest))
        return [PendingEvent(StoredEvent.from_json(body), tuple(states.get(row_id, ()))) for row_id, body in rows]

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

