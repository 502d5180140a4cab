"""One consistent picture of the local telemetry data, taken on the SendWorker's thread.

The Privacy page and the status bar only ever read a snapshot: no SQLite query (and no
keyring look-up when exporters load) happens on the GUI thread while painting.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from tit_app import telemetry

log = logging.getLogger(__name__)

PENDING_LIMIT = 1000
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class Destination:
    name: str
    levels: frozenset[str]


@dataclass(frozen=True)
class TelemetrySnapshot:
    pending: tuple = ()  # model.PendingEvent, newest first
    history: tuple = ()  # model.HistoryEntry, newest first
    pending_total: int = 0  # may exceed len(pending), which is capped
    destinations: tuple[Destination, ...] = ()
    exporters: tuple = ()  # for payload previews; built where the keyring may be touched
    summary: tuple = ()  # telemetry.summary.OperationSummary rows
    problems: tuple[str, ...] = ()  # configuration errors, each naming its setting
    taken_at: float = 0.0


EMPTY = TelemetrySnapshot()


def take_snapshot() -> TelemetrySnapshot:
    """Read the store and the destinations; call this off the GUI thread."""
    pending = tuple(telemetry.pending(limit=PENDING_LIMIT))
    history = tuple(telemetry.history(limit=HISTORY_LIMIT))
    exporters = tuple(_exporters())
    return TelemetrySnapshot(
        pending=pending,
        history=history,
        pending_total=telemetry.pending_count(),
        destinations=tuple(Destination(e.name, frozenset(e.levels)) for e in exporters),
        exporters=exporters,
        summary=tuple(telemetry.operation_summary()),  # every run, not just the first 1000
        problems=tuple(_problems()),
        taken_at=time.time(),
    )


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

