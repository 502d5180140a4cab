"""Per-operation summary from local data: count, error rate, median and p95 duration."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from .model import StoredEvent

OUTCOMES = ("success", "error", "cancelled")


@dataclass(frozen=True)
class OperationSummary:
    name: str
    count: int  # finished runs (success, error or cancelled)
    errors: int
    error_rate: float
    median_s: float | None
    p95_s: float | None


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: always a duration that was actually measured."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def operation_summary(events: Iterable[StoredEvent]) -> list[OperationSummary]:
    runs: dict[str, dict[str, StoredEvent]] = {}
    for event in events:
        status = event.params.get("status")
        if status in OUTCOMES:
            # Keyed by run id: the same event may be both pending and in the history.
            runs.setdefault(event.name, {})[event.params.get("run_id") or event.event_id] = event
    return [_summarise(name, list(outcomes.values())) for name, outcomes in sorted(runs.items())]


def _summarise(name: str, outcomes: list[StoredEvent]) -> OperationSummary:
    errors = sum(1 for e in outcomes if e.params.get("status") == "error")
    durations = sorted(e.params["duration_s"] for e in outcomes if isinstance(e.params.get("duration_s"), float))
    return OperationSummary(
        name=name,
        count=len(outcomes),
        errors=errors,
        error_rate=errors / len(outcomes),
        median_s=percentile(durations, 0.5),
        p95_s=percentile(durations, 0.95),
    )
