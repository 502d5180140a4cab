"""Per-operation summary from local data: count, error rate, median and p95 duration."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, NamedTuple

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


class RunOutcome(NamedTuple):
    name: str
    run: str  # run id, or the event id for an outcome without one
    status: str  # success | error | cancelled
    duration_s: float | None


def operation_summary(outcomes: Iterable[RunOutcome]) -> list[OperationSummary]:
    runs: dict[str, dict[str, RunOutcome]] = {}
    for outcome in outcomes:
        # Keyed by run: the same outcome may be both pending and in the history.
        runs.setdefault(outcome.name, {})[outcome.run] = outcome
    return [_summarise(name, list(by_run.values())) for name, by_run in sorted(runs.items())]


def _summarise(name: str, outcomes: list[RunOutcome]) -> OperationSummary:
    errors = sum(1 for o in outcomes if o.status == "error")
    durations = sorted(o.duration_s for o in outcomes if isinstance(o.duration_s, (int, float)))
    return OperationSummary(
        name=name,
        count=len(outcomes),
        errors=errors,
        error_rate=errors / len(outcomes),
        median_s=percentile(durations, 0.5),
        p95_s=percentile(durations, 0.95),
    )
