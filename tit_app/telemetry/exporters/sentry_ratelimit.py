"""Sentry rate limits (protocols.md SE-R1..R5), kept in memory per exporter.

Each limit is a window per category ("" = all categories). An event of a limited
category is dropped (SE-R5), both when the exporter is called during the window and
when the event happened inside a window that has since ended (the sender holds the
destination meanwhile, so such events wait in the queue until the hold ends).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..backoff import parse_retry_after

ALL = ""
DEFAULT_429_S = 60.0  # SE-R3: a 429 with neither header
KNOWN = frozenset(
    "default error transaction monitor span log_item log_byte security attachment session profile "
    "profile_chunk replay feedback trace_metric trace_metric_byte internal".split()
)


def parse_header(value: str) -> list[tuple[float, list[str]]]:
    """`retry_after:categories:scope:reason...` items -> [(seconds, categories)] (SE-R2).

    An empty category list means all categories; scope, reason and extra fields are
    ignored; items that do not parse, or name only unknown categories, are skipped.
    """
    limits = []
    for item in value.split(","):
        fields = [f.strip() for f in item.strip().split(":")]
        try:
            seconds = float(fields[0])
        except ValueError:
            continue
        if seconds < 0 or seconds != seconds:
            continue
        names = [c for c in (fields[1].split(";") if len(fields) > 1 else []) if c.strip()]
        if not names:
            limits.append((seconds, [ALL]))
            continue
        known = [c.strip() for c in names if c.strip() in KNOWN]
        if known:
            limits.append((seconds, known))
    return limits


class RateLimits:
    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, float]] = {}  # category -> (start, until)

    def update(self, status: int, headers: Mapping[str, Any], now: float) -> None:
        """Read limits from any response (SE-R3: on every response, not only 429)."""
        header = headers.get("X-Sentry-Rate-Limits")
        if header:
            for seconds, categories in parse_header(header):
                for category in categories:
                    self._limit(category, now, now + seconds)
        elif status == 429:
            seconds = parse_retry_after(headers.get("Retry-After"), now)
            self._limit(ALL, now, now + (DEFAULT_429_S if seconds is None else seconds))

    def _limit(self, category: str, now: float, until: float) -> None:
        start, old_until = self._windows.get(category, (now, 0.0))
        if old_until < now:  # the old window ended: a new one starts now
            start = now
        self._windows[category] = (start, max(until, old_until))  # keep the longest (SE-R3)

    def applies(self, category: str, event_time: float, now: float) -> bool:
        """True if the category is limited now, or the event happened during a limit."""
        for key in (category, ALL):
            start, until = self._windows.get(key, (0.0, 0.0))
            if now < until or start <= event_time < until:
                return True
        return False

    def hold_until(self, categories: Iterable[str], now: float) -> float | None:
        """If every one of `categories` is limited now, when the first of them is free again; else None."""
        ends = []
        for category in categories:
            until = max(self._windows.get(category, (0, 0))[1], self._windows.get(ALL, (0, 0))[1])
            if until <= now:
                return None
            ends.append(until)
        return min(ends) if ends else None
