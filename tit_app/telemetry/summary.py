"""Per-operation summary from local data: runs, errors, cancelled runs, and median, p95 and p99 durations.

A run's duration is the one `track_operation` recorded (from entering it to the outcome,
`time.perf_counter`, rounded to the millisecond); the desktop's status line shows the same
value for the run it just finished. Cancelled runs are counted on their own: they are not
runs in the error rate, and their durations (cut short) are left out of the percentiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, NamedTuple

OUTCOMES = ("success", "error", "cancelled")


@dataclass(frozen=True)
class OperationSummary:
    name: str
    count: int  # runs that ended in success or error
    errors: int
    error_rate: float  # errors / count (0 when every run was cancelled)
    median_s: float | None  # of the runs in `count`
    p95_s: float | None
    cancelled: int = 0  # runs cancelled by the user, not in `count`
    p99_s: float | None = None


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
    ended = [o for o in outcomes if o.status != "cancelled"]
    errors = sum(1 for o in ended if o.status == "error")
    durations = sorted(o.duration_s for o in ended if isinstance(o.duration_s, (int, float)))
    return OperationSummary(
        name=name,
        count=len(ended),
        errors=errors,
        error_rate=errors / len(ended) if ended else 0.0,
        median_s=percentile(durations, 0.5),
        p95_s=percentile(durations, 0.95),
        cancelled=len(outcomes) - len(ended),
        p99_s=percentile(durations, 0.99),
    )
