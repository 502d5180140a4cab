"""Step 3 of an event's life: one send round over every destination. No threads, no sleeping.

Each destination is handled on its own: a dead or misbehaving one (or an exporter bug)
only ends that destination's round. Per destination: honour a server's hold, drop what
is too old for it, then lease, export and act on the outcome until nothing is due.

Giving up (why nothing is retried forever): an event that keeps failing is retried with
backoff (`Backoff`: 5 s doubling to 1 h, full jitter) until it is older than the
destination accepts (GA4: 72 h) or than the store keeps anything (`Bounds.max_age_s`,
30 days); it is then dropped with cause "too_old". There is deliberately no attempt
limit: an offline laptop fails every attempt, and offline weeks must lose nothing
(docs/architecture.md, "Invariants"). Servers cannot stall us for ever either: a hold is capped at one day.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from .backoff import Backoff
from .database import StoreUnavailable
from .model import DROP_CAUSES, StoredEvent
from .outcome import DROP, RETRY, SENT, Outcome

log = logging.getLogger(__name__)

MAX_BATCHES_PER_ROUND = 1000
MAX_HOLD_S = 86_400.0


@dataclass
class DestinationReport:
    name: str
    leased: int = 0
    sent: int = 0
    retried: int = 0
    dropped: int = 0
    error: str | None = None
    held_until: float | None = None


@dataclass
class SendReport:
    destinations: dict[str, DestinationReport] = field(default_factory=dict)

    def __getitem__(self, name: str) -> DestinationReport:
        return self.destinations[name]

    @property
    def sent(self) -> int:
        return sum(r.sent for r in self.destinations.values())

    @property
    def retried(self) -> int:
        return sum(r.retried for r in self.destinations.values())

    @property
    def dropped(self) -> int:
        return sum(r.dropped for r in self.destinations.values())


@dataclass(frozen=True)
class _Round:
    policy: Backoff
    now: float
    force: bool
    rand: Callable[[], float]
    timeout: float | None
    deadline: float | None
    clock: Callable[[], float]
    levels: frozenset[str] | None  # None: every level each exporter takes
    gate: Callable[[], bool] | None  # checked before every request; False ends the round

    def levels_for(self, exporter) -> frozenset[str]:
        return exporter.levels if self.levels is None else exporter.levels & self.levels

    def request_timeout(self) -> float | None:
        """The next request's time limit, or 0 when the round's time is up."""
        if self.deadline is None:
            return self.timeout
        left = max(0.0, self.deadline - self.clock())
        return left if self.timeout is None else min(self.timeout, left)


def send_round(
    store, exporters: Sequence, policy: Backoff, now: float, *, force: bool = False,
    rand: Callable[[], float] = random.random, timeout: float | None = None,
    deadline: float | None = None, clock: Callable[[], float] = time.time, skip: Iterable[str] = (),
    levels: frozenset[str] | None = None, gate: Callable[[], bool] | None = None,
) -> SendReport:
    """Send what is due to every exporter not in `skip`. `force` ignores our backoff, never a server's hold.

    `deadline` (in `clock`'s time) stops starting requests and caps each one's timeout.
    `levels` limits what may leave; `gate()` is asked before every request (the consent
    may change while a round runs) and False ends the round at once.
    """
    plan = _Round(policy, now, force, rand, timeout, deadline, clock, levels, gate)
    report = SendReport()
    skipped = set(skip)
    for exporter in exporters:
        result = report.destinations.setdefault(exporter.name, DestinationReport(exporter.name))
        if exporter.name in skipped or not plan.levels_for(exporter):
            continue
        try:
            _send_to(store, exporter, plan, result)
        except StoreUnavailable as exc:  # full, read-only or locked: status names it; try again next round
            result.error = exc.problem
        except Exception as exc:  # a store or exporter failure stays with this destination
            log.warning("telemetry: sending to %s failed", exporter.name, exc_info=True)
            result.error = f"internal error ({type(exc).__name__})"
    try:
        store.finalize({e.name: e.levels for e in exporters})
    except StoreUnavailable:
        log.debug("telemetry: delivered events stay until the store can be written", exc_info=True)
    except Exception:
        log.warning("telemetry: could not remove delivered events", exc_info=True)
    return report


def _send_to(store, exporter, plan: _Round, result: DestinationReport) -> None:
    hold = store.holds().get(exporter.name, 0.0)
    if hold > plan.now:
        result.held_until = hold
        return
    result.dropped += _drop_too_old(store, exporter, plan.levels_for(exporter), plan.now)
    for batch in range(MAX_BATCHES_PER_ROUND):
        limit = plan.request_timeout()
        if limit is not None and limit <= 0:
            return
        if plan.gate is not None and not plan.gate():
            result.error = "stopped: the consent changed during the round"
            return
        events = store.lease(exporter.name, plan.levels_for(exporter), plan.now, exporter.max_events,
                             exporter.max_bytes, ignore_backoff=plan.force, resume=batch > 0)
        if not events:
            return
        result.leased += len(events)
        outcome = _export(exporter, events, plan.now, limit)
        apply_outcome(store, exporter.name, events, outcome, plan.policy, plan.now, plan.rand, result)
        if outcome.verdict is RETRY or result.held_until is not None:
            return  # one failed request is enough for this round; others wait for backoff


def _export(exporter, events: list[StoredEvent], now: float, timeout: float | None) -> Outcome:
    try:
        return exporter.export(events, now, timeout)
    except Exception as exc:  # the one guard for every exporter: a bug is treated as transient
        log.warning("telemetry exporter %s raised", exporter.name, exc_info=True)
        return Outcome.retry(f"internal error in the {exporter.name} exporter ({type(exc).__name__})")


def _drop_too_old(store, exporter, levels: frozenset[str], now: float) -> int:
    store_age = store.bounds.max_age_s
    if exporter.max_age_s is not None and exporter.max_age_s < store_age:
        age, reason = exporter.max_age_s, f"older than {exporter.max_age_s / 3600:g} hours, which {exporter.name} no longer accepts"
    else:
        age, reason = store_age, f"still undelivered after {store_age / 86400:g} days"
    return store.drop_older_than(exporter.name, levels, int((now - age) * 1e6), now, reason)


def apply_outcome(store, name: str, events: list[StoredEvent], outcome: Outcome, policy: Backoff,
                  now: float, rand: Callable[[], float], result: DestinationReport) -> None:
    ids = [e.event_id for e in events]
    leased = set(ids)
    rejected = {i: why for i, why in outcome.rejected.items() if i in leased}
    for reason in dict.fromkeys(rejected.values()):
        store.drop(name, [i for i, why in rejected.items() if why == reason], now, "rejected", reason)
        store.note_error(name, reason, now)
    result.dropped += len(rejected)
    rest = [i for i in ids if i not in rejected]
    # A server's count is untrusted input (OTLP partialSuccess): never more than it was sent.
    # Counted only when the rest is acknowledged; a retried batch is sent (and counted) again.
    unnamed = min(max(0, outcome.rejected_count), len(rest)) if outcome.verdict is SENT else 0
    if unnamed > 0:
        store.count_drop("rejected", unnamed)
        store.note_error(name, outcome.reason or "the server refused some events", now)
        result.dropped += unnamed
    hold = None if outcome.retry_after is None else now + min(outcome.retry_after, MAX_HOLD_S)
    if rest and outcome.verdict is SENT:
        store.ack(name, rest, now)
        result.sent += len(rest) - unnamed
    elif rest and outcome.verdict is RETRY:
        attempt = store.attempts(name, rest) + 1
        wait = max(policy.wait(attempt, rand(), None if hold is None else hold - now), outcome.min_wait or 0.0)
        store.retry(name, rest, now + wait, outcome.reason, now)
        result.retried += len(rest)
    elif rest and outcome.verdict is DROP:
        cause = outcome.cause if outcome.cause in DROP_CAUSES else "rejected"
        store.drop(name, rest, now, cause, outcome.reason)
        store.note_error(name, outcome.reason, now)
        result.dropped += len(rest)
    if outcome.verdict is not SENT or rejected:
        result.error = outcome.reason or next(iter(rejected.values()), None)
    if hold is not None:
        store.set_hold(name, hold)
        result.held_until = hold


def flush(store, exporters: Sequence, policy: Backoff, timeout: float,
          clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
          levels: frozenset[str] | None = None, gate: Callable[[], bool] | None = None) -> bool:
    """Send everything now (our backoff ignored) within `timeout` seconds; True if nothing is left.

    A destination leaves the flush when it has nothing due or a request failed; a
    server's hold is waited out only when it ends before the time is up.
    """
    deadline = clock() + max(0.0, timeout)
    finished: set[str] = set()
    while clock() < deadline:
        open_names = [e.name for e in exporters if e.name not in finished]
        if not open_names:
            break
        if gate is not None and not gate():
            break
        report = send_round(store, exporters, policy, clock(), force=True, deadline=deadline, clock=clock,
                            skip=finished, levels=levels, gate=gate)
        waits = []
        for name in open_names:
            result = report[name]
            if result.held_until is not None and result.held_until < deadline:
                waits.append(result.held_until)
            elif result.held_until is not None or result.retried or not result.leased:
                finished.add(name)
        if waits and len(waits) == len([n for n in open_names if n not in finished]):
            sleep(max(0.0, min(waits) - clock()))
    # Only what some destination here accepts (and may send now) counts; with none, nothing does.
    accepted = set().union(*(e.levels for e in exporters))
    return store.pending_count(accepted if levels is None else accepted & levels) == 0
