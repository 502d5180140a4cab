"""One consistent picture of the local telemetry data, taken on the SendWorker's thread.

The Privacy page and the status bar only ever read a snapshot: no SQLite query (and no
keyring look-up when exporters load) happens on the GUI thread while painting. It also
carries the consent state, read fresh each time, so a change made by another process
shows with the next snapshot (the engine notifies the worker when it sees one).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from tit_app import telemetry
from tit_app.ui.consent_state import ConsentState, read_consent_state

log = logging.getLogger(__name__)

HISTORY_LIMIT = 500


@dataclass(frozen=True)
class Destination:
    name: str
    levels: frozenset[str]
    failing: str | None = None  # its last error, while it has not taken anything since
    failing_since: float = 0.0  # when that error happened (epoch seconds)


@dataclass(frozen=True)
class SendSchedule:
    """When the SendWorker's timer starts its next send round, and how often it does after that."""

    next_at: float = 0.0  # epoch seconds; 0: no timer runs (nothing is sent on its own)
    interval_s: float = 0.0

    def first_round_from(self, moment: float) -> float | None:
        """The first round at or after `moment` (epoch seconds), or None without a timer."""
        if self.next_at <= 0:
            return None
        if moment <= self.next_at or self.interval_s <= 0:
            return max(moment, self.next_at)
        rounds_later = -(-(moment - self.next_at) // self.interval_s)  # rounded up
        return self.next_at + rounds_later * self.interval_s


@dataclass(frozen=True)
class TelemetrySnapshot:
    pending: tuple = ()  # model.PendingEvent, newest first: all of them (the store keeps at most 10,000)
    history: tuple = ()  # model.HistoryEntry, newest first
    pending_total: int = 0
    destinations: tuple[Destination, ...] = ()
    exporters: tuple = ()  # for payload previews; built where the keyring may be touched
    summary: tuple = ()  # telemetry.summary.OperationSummary rows
    problems: tuple[str, ...] = ()  # configuration errors, each naming its setting
    consent: ConsentState | None = None  # None: not read yet, or unreadable
    losses: tuple[tuple[str, int, str], ...] = ()  # (cause, count, what it means) for every drop cause
    notice: str = ""  # the consent notice as it reads now (Markdown)
    schedule: SendSchedule = SendSchedule()
    taken_at: float = 0.0  # epoch seconds when reading began

    @property
    def dropped_total(self) -> int:
        return sum(count for _cause, count, _about in self.losses)


EMPTY = TelemetrySnapshot()


def take_snapshot(schedule: SendSchedule = SendSchedule(), parsed: dict | None = None) -> TelemetrySnapshot:
    """Read the store, the destinations and the consent state; call this off the GUI thread.

    `parsed` is the caller's cache of decoded events (`telemetry.pending`): the SendWorker keeps
    one, so a snapshot of 10,000 events decodes only the new ones and holds the GIL briefly.
    """
    taken_at = time.time()  # before reading: a change finished before this shows in what is read
    pending = tuple(telemetry.pending(parsed=parsed))  # first: it stores what is buffered
    history = tuple(telemetry.history(limit=HISTORY_LIMIT))
    exporters = tuple(_exporters())
    return TelemetrySnapshot(
        pending=pending,
        history=history,
        pending_total=len(pending),
        destinations=_destinations(exporters),
        exporters=exporters,
        summary=tuple(telemetry.operation_summary()),  # every run, not just the first 1000
        problems=tuple(_problems()),
        consent=read_consent_state(),
        losses=tuple(_losses()),
        notice=_notice(),
        schedule=schedule,
        taken_at=taken_at,
    )


def _destinations(exporters) -> tuple[Destination, ...]:
    health = _health()
    return tuple(Destination(e.name, frozenset(e.levels), *_failing(health.get(e.name, {}))) for e in exporters)


def _failing(health: dict) -> tuple[str | None, float]:
    """(last error, when) while the destination's last attempt failed; (None, 0) once it took events again."""
    error, at = health.get("last_error"), health.get("last_error_at") or 0.0
    if not error or (health.get("last_success") or 0.0) >= at:
        return None, 0.0
    return error, at


def _health() -> dict:
    try:
        return telemetry.destination_health()
    except Exception:
        log.exception("telemetry destination status could not be read")
        return {}


def _exporters() -> list:
    try:
        return list(telemetry.exporters())
    except Exception:  # a broken destination config shows as "no destination", not a crash
        log.exception("telemetry destinations could not be listed")
        return []


def _problems() -> list[str]:
    try:
        return [str(p) for p in telemetry.config_problems()]  # a ConfigProblem reads as its message
    except Exception:
        log.exception("telemetry configuration problems could not be listed")
        return []


def _losses() -> list[tuple[str, int, str]]:
    try:
        return list(telemetry.loss_report())
    except Exception:
        log.exception("telemetry drop counts could not be read")
        return []


def _notice() -> str:
    try:
        return telemetry.consent_notice()
    except Exception:
        log.exception("the consent notice could not be generated")
        return ""
