"""The public telemetry API: module-level functions over one process-wide Engine.

This is the only way into telemetry for `tit_app.ui`, `tit_app.commands` and library
users; `engine()` itself is for tests (and `testing.isolated_telemetry`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from . import envflags
from .config import LEVELS, TelemetryConfig
from .engine import Engine

log = logging.getLogger(__name__)

_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    """The process-wide engine, created on first use. For tests; applications use the functions below."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


def reset_engine(new: Engine | None = None) -> Engine:
    """Replace the process-wide engine (tests; a changed TIT_HOME). The old one is shut down, its store closed."""
    global _engine
    with _engine_lock:
        old, _engine = _engine, new or Engine()
    if old is not None:
        old.shutdown(budget_s=0.0)
        old.close()
    return _engine


@dataclass(frozen=True)
class Status:
    """Everything `tit-app telemetry status` shows: the decision and why, the queue, the destinations."""

    enabled: bool
    level: str | None
    reason: str
    decided_by: str
    user_can_change: bool
    client_id: str
    pending: int
    dropped: dict[str, int]
    destinations: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def track_event(name: str, params: Mapping[str, Any] | None = None, *, _blocking: bool = False) -> None:
    """Record an event if the user agreed. Costs microseconds; never raises (except strict mode)."""
    _record_event(name, params, _blocking)


def _record_event(name: str, params: Mapping[str, Any] | None, blocking: bool = False, frames: tuple = ()) -> None:
    try:
        (_engine or engine()).record(name, params, blocking, frames)
    except ValueError:
        if envflags.strict():
            raise
    except Exception:
        log.debug("track_event failed", exc_info=True)


def is_enabled() -> bool:
    """True when events are being recorded now (consent given, no kill switch, no policy against it)."""
    try:
        return engine().decision().enabled
    except Exception:
        return False


def status() -> Status:
    """The consent decision, the queue and the destinations, read fresh (may touch the disk and keyring)."""
    eng = engine()
    decision = eng.decision()
    store = eng.store
    problems = [str(problem) for problem in eng.config_problems()]
    for extra in (store.problem, eng.config_store.last_error):
        if extra:
            problems.append(extra)
    return Status(
        enabled=decision.enabled,
        level=decision.level,
        reason=decision.reason,
        decided_by=decision.decided_by,
        user_can_change=decision.user_can_change,
        client_id=eng.config().client_id,
        pending=store.pending_count(),
        dropped=store.drop_counts(),
        destinations=_destinations(eng),
        problems=problems,
    )


def _destinations(eng: Engine) -> list[dict]:
    delivered = eng.store.destination_status()
    result = []
    for exporter in eng.exporters():
        info = {"name": exporter.name, "levels": sorted(exporter.levels)}
        info.update(delivered.get(exporter.name, {}))
        result.append(info)
    return result


def load_config() -> TelemetryConfig:
    """The user's stored settings, read from the file now."""
    return engine().config_store.load()


def save_config(cfg: TelemetryConfig) -> bool:
    """Save atomically (0600). On failure the choice is kept for this session; returns False."""
    eng = engine()
    saved = eng.config_store.save(cfg)
    eng.invalidate()
    return saved


def set_enabled(enabled: bool, level: str | None = None) -> bool:
    """Record the user's choice (and level); turning off purges the queue and rotates the id.

    Returns False when the choice could only be kept for this session (the file could not be written).
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be 'usage' or 'errors', not {level!r}")
    return engine().set_enabled(enabled, level)


def set_interface(interface: str) -> None:
    """Say whether events come from the desktop app ("gui") or the command line ("cli")."""
    if interface not in ("gui", "cli"):
        raise ValueError(f"interface must be 'gui' or 'cli', not {interface!r}")
    engine().interface = interface


def flush(timeout: float = 5.0) -> bool:
    """Send what is pending now, for at most `timeout` seconds; True when nothing is left."""
    try:
        return engine().flush(timeout)
    except Exception:
        log.exception("telemetry flush failed; events stay queued")
        return False


def pending(limit: int | None = None) -> list:
    """The pending events (newest first) with their delivery state, after storing what is buffered."""
    eng = engine()
    eng.persist()
    return eng.store.pending(limit)


def history(limit: int | None = None) -> list:
    """Recently sent or dropped events, newest first."""
    return engine().store.history(limit)


def operation_summary() -> list:
    """Count, error rate, median and p95 duration per operation, from local data only."""
    from .summary import operation_summary as summarise

    return summarise(engine().store.operation_outcomes())


def local_data() -> dict:
    """Everything telemetry holds on this machine: pending events (with their delivery state) and the history."""
    from .localdata import document

    eng = engine()
    eng.persist()
    return document(eng.store.pending(), eng.store.history(), eng.config().client_id, eng.decision().reason)


def export_local_data(path: str | Path) -> int:
    """Write `local_data()` to `path` as owner-only JSON; returns the pending count."""
    import json

    from tit_app.atomicfile import write_private

    data = local_data()
    write_private(Path(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return len(data["pending"])


def purge() -> int:
    """Delete every pending event; returns how many."""
    return engine().purge()


def reset_client_id() -> str:
    """Use a new anonymous id from now on; returns it."""
    return engine().reset_client_id()


def register_events(source: str | Path | Mapping[str, Any]) -> list[str]:
    """Add another catalog's events (a TOML path or the equivalent mapping)."""
    return engine().catalog.add(source)


# -- what the desktop app and the CLI need beyond the basics ------------------------------


def decision():
    """The consent decision now (state, level, the reason to show, who decided), from cached settings."""
    return engine().decision()


def client_id() -> str:
    """The anonymous installation id events carry."""
    return engine().config().client_id


def level() -> str:
    """The level the user chose ("usage" or "errors"), whether or not telemetry is on."""
    return engine().config().level


def consent_asked() -> bool:
    """True once the user has answered the consent question (either way)."""
    return engine().config().consent_shown


def event_catalog():
    """The catalog events are validated against (packaged events plus registered ones)."""
    return engine().catalog


def pending_count() -> int:
    """How many events wait in the queue (not counting those still in memory)."""
    return engine().store.pending_count()


def delete_pending(event_ids) -> int:
    """Delete the chosen pending events (the Privacy page's "Delete selected"); returns how many."""
    return engine().delete(event_ids)


def exporters() -> list:
    """The configured destinations' exporters, to show each one's exact payload (loads them if needed)."""
    return engine().exporters()


def config_problems() -> list:
    """Destination settings that are unusable or used differently than written, each naming its setting."""
    return engine().config_problems()


def reload_destinations() -> None:
    """Forget the loaded destinations, so the next send reads the settings and secrets again."""
    engine().reload_destinations()


def store_location() -> tuple[Path | None, str | None]:
    """Where the queue is kept (None: in memory for this session), and the problem that put it there."""
    store = engine().store
    return store.path, store.problem


def attach_driver(driver) -> None:
    """Deliver through `driver` instead of the headless thread (the desktop app's worker).

    Call before anything is tracked. The driver calls `persist()` and `send()`;
    `driver.stop(timeout)` is called by `shutdown()`.
    """
    engine().attach_driver(driver)


def persist() -> int:
    """Validate, scrub and store what is buffered (a driver's step); returns how many were stored."""
    return engine().persist()


def send(force: bool = False):
    """One send round to every destination (a driver's step); returns the sender's report or None."""
    return engine().send(force=force)


def subscribe(callback) -> None:
    """Call `callback()` (on the thread that made the change) whenever the queue changes."""
    engine().subscribe(callback)


def unsubscribe(callback) -> None:
    """Stop calling `callback` on changes."""
    engine().unsubscribe(callback)


def shutdown(budget_s: float = 0.5) -> None:
    """Stop the driver, store everything buffered, and spend at most `budget_s` sending."""
    engine().shutdown(budget_s=budget_s)


def catalog_table() -> str:
    """Every event that can be recorded, one line each (`tit-app telemetry schema`)."""
    from .notice import schema_table

    return schema_table(event_catalog())


def catalog_markdown() -> str:
    """The whole "What tit-app collects" page (docs/telemetry.md), generated from the catalog."""
    from .notice import markdown

    return markdown(event_catalog())


def payload_previews(event, destinations: list | None = None, now: float | None = None) -> dict[str, str]:
    """The exact body each destination that takes this event's level would receive, by destination name.

    `destinations` are exporters as `exporters()` returns them (default: those configured now).
    """
    from .localdata import payloads

    return payloads(event, exporters() if destinations is None else destinations, time.time() if now is None else now)


def validate_ga4(limit: int) -> tuple[list[str], int]:
    """GA4's validation server's verdict on up to `limit` pending events (or one example event).

    Returns (messages, how many events were checked); no messages means clean. Raises
    LookupError when no GA4 destination is configured.
    """
    from .destinations.ga4 import Ga4Exporter
    from .destinations.ga4 import validate_ga4 as validate
    from .notice import example_event

    unwrapped = (getattr(e, "inner", e) for e in exporters())  # debug mode wraps them
    ga4 = next((e for e in unwrapped if isinstance(e, Ga4Exporter)), None)
    if ga4 is None:
        raise LookupError("GA4 is not configured")
    now = time.time()
    events = [p.event for p in pending(limit)] or [example_event(at=now)]
    return validate(ga4.url, ga4.measurement_id, ga4.secret_values()[0], events, now), len(events)
