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
from .receipt import WAYS

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
    client_id: str | None  # None until the user agrees
    pending: int
    dropped: dict[str, int]
    destinations: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    receipt: str | None = None  # the consent receipt in one line
    preview: bool = False
    hold: str = ""  # why nothing leaves yet, in words ("" when events may leave)
    changes: list[str] = field(default_factory=list)  # what is new since the user agreed


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
    """The consent decision, the queue and the destinations, read fresh (may touch the disk and keyring).

    Before the user has answered, this creates no file and shows no id.
    """
    eng = engine()
    decision = eng.decision()
    store = eng.readable_store()
    problems = [str(problem) for problem in eng.config_problems()]
    for extra in (store.problem, eng.consent.config_store.last_error):
        if extra:
            problems.append(extra)
    waiting, why = eng.unwritten()
    if waiting:
        problems.append(f"{waiting} event(s) wait in memory because the queue cannot be written ({why}); "
                        "they are stored as soon as it can")
    receipt = eng.consent.receipt()
    return Status(
        enabled=decision.enabled,
        level=decision.level,
        reason=decision.reason,
        decided_by=decision.decided_by,
        user_can_change=decision.user_can_change,
        client_id=eng.consent.config().client_id,
        pending=store.pending_count() + eng.unwritten()[0],  # those waiting in memory are pending too
        dropped=store.drop_counts(),
        destinations=_destinations(eng, store),
        problems=problems,
        receipt=receipt.summary() if receipt else None,
        preview=eng.consent.config().preview,
        hold=hold_text(eng.consent.hold()) if decision.enabled else "",
        changes=eng.consent.changes(),
    )


def hold_text(hold) -> str:
    """A `sending_hold()` in words, for `status` and the Privacy page ("" when nothing holds events)."""
    if hold.reason == "preview":
        return "preview only: usage and error events stay on this computer until you switch it off"
    if hold.reason == "review":
        left = max(0, int(hold.until - time.time()))
        return f"review time after Enable: usage and error events wait another {left} s"
    return ""


def _destinations(eng: Engine, store) -> list[dict]:
    delivered = store.destination_status()
    result = []
    for exporter in eng.exporters():
        info = {"name": exporter.name, "levels": sorted(exporter.levels)}
        info.update(delivered.get(exporter.name, {}))
        result.append(info)
    return result


def load_config() -> TelemetryConfig:
    """The user's stored settings, read from the file now."""
    return engine().consent.config_store.load()


def save_config(cfg: TelemetryConfig) -> bool:
    """Save atomically (0600). On failure the choice is kept for this session; returns False.

    This writes the settings as they are: a "yes" without a receipt covering what can leave
    now stays paused until `set_enabled(True)` records one.
    """
    eng = engine()
    saved = eng.consent.config_store.save(cfg)
    eng.invalidate()
    return saved


def set_enabled(enabled: bool, level: str | None = None, via: str = "api") -> bool:
    """Record the user's answer (and level) with a consent receipt saying `via` where it was given.

    Turning off deletes the pending events, the history and the anonymous id, and queues a
    deletion request for the old id where a destination takes one. Returns False when the
    choice could only be kept for this session (the file could not be written).
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be 'usage' or 'errors', not {level!r}")
    if via not in WAYS:
        raise ValueError(f"via must be one of {', '.join(WAYS)}, not {via!r}")
    return engine().set_enabled(enabled, level, via)


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


def pending(limit: int | None = None, parsed: dict | None = None) -> list:
    """The pending events (newest first) with their delivery state, after storing what is buffered.

    A caller that reads the queue again and again may keep `parsed` (an empty dict at first):
    the events already in it are not decoded again (the desktop's snapshots of 10,000 events).
    """
    eng = engine()
    eng.persist()
    return eng.readable_store().pending(limit, parsed)


def history(limit: int | None = None) -> list:
    """Recently sent or dropped events, newest first."""
    return engine().readable_store().history(limit)


def operation_summary() -> list:
    """Count, error rate, median and p95 duration per operation, from local data only."""
    from .summary import operation_summary as summarise

    return summarise(engine().readable_store().operation_outcomes())


def local_data() -> dict:
    """Everything telemetry holds on this machine: pending events (with their delivery state), the history
    and the consent receipt."""
    from .localdata import document

    eng = engine()
    eng.persist()
    store = eng.readable_store()
    receipt = eng.consent.receipt()
    return document(store.pending(), store.history(), eng.consent.config().client_id, eng.decision().reason,
                    receipt.to_mapping() if receipt else None)


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


def reset_client_id() -> str | None:
    """Use a new anonymous id from now on; returns it, or None when there is no id (sharing is off).

    Pending events are deleted, the old id is removed from the local history, and a deletion
    request for it is queued where a destination takes one.
    """
    return engine().reset_client_id()


def register_events(source: str | Path | Mapping[str, Any]) -> list[str]:
    """Add another catalog's events (a TOML path or the equivalent mapping).

    New events that can leave widen the consent scope: a "yes" given before is paused until
    the user answers again.
    """
    eng = engine()
    names = eng.catalog.add(source)
    eng.reload_scope()
    return names


# -- what the desktop app and the CLI need beyond the basics ------------------------------


def decision():
    """The consent decision now (state, level, the reason to show, who decided), from cached settings."""
    return engine().decision()


def client_id() -> str | None:
    """The anonymous installation id events carry; None before the user agrees and after opting out."""
    return engine().consent.config().client_id


def level() -> str:
    """The level the user chose ("usage" or "errors"), whether or not telemetry is on."""
    return engine().consent.config().level


def consent_asked() -> bool:
    """True once the user has answered the consent question (either way)."""
    return engine().consent.config().consent_shown


def event_catalog():
    """The catalog events are validated against (packaged events plus registered ones)."""
    return engine().catalog


def pending_count() -> int:
    """How many events wait in the queue (not counting those still in memory)."""
    return engine().readable_store().pending_count()


def delete_pending(event_ids) -> int:
    """Delete the chosen pending events (the Privacy page's "Delete selected"); returns how many."""
    return engine().delete(event_ids)


def destination_health() -> dict[str, dict]:
    """Per destination that was ever tried: when it last took events and its last error, and when."""
    return engine().readable_store().destination_status()


def exporters() -> list:
    """The configured destinations' exporters, to show each one's exact payload (loads them if needed)."""
    return engine().exporters()


def deletion_destinations() -> list[str]:
    """The configured destinations that receive a deletion request when the user opts out or resets the id."""
    from .model import DELETION

    return [e.name for e in exporters() if DELETION in e.levels]


def config_problems() -> list:
    """Destination settings that are unusable or used differently than written, each naming its setting."""
    return engine().config_problems()


def reload_destinations() -> None:
    """Forget the loaded destinations, so the next send reads the settings and secrets again."""
    engine().reload_destinations()


def store_location(create: bool = False) -> tuple[Path | None, str | None]:
    """Where the queue is kept (None: in memory for this session, or not created yet), and any problem.

    `create=True` opens the store even before consent, creating its file (the self-test does,
    in a throwaway home); otherwise nothing is created.
    """
    eng = engine()
    store = eng.store if create else eng.readable_store()
    return store.path, store.problem


# -- consent: receipts, re-asking, preview, loss ---------------------------------------------


def consent_receipt():
    """The receipt of the user's last answer (`receipt.Receipt`), or None."""
    return engine().consent.receipt()


def consent_changes() -> list[str]:
    """What can leave now that the user did not agree to, in words; non-empty means: ask again."""
    return engine().consent.changes()


def consent_needed() -> bool:
    """True when the consent question is open: never answered, or a "yes" that no longer covers what can leave."""
    eng = engine()
    decision = eng.decision()
    if not decision.user_can_change or decision.decided_by == "environment":
        return False
    return not eng.consent.config().consent_shown or bool(eng.consent.changes())


def consent_notice(plain: bool = False) -> str:
    """The consent notice for this installation (Markdown, or plain text for a terminal)."""
    from .destinations.settings import recipients
    from .notice import consent_markdown, consent_plain

    eng = engine()
    text = consent_markdown(eng.catalog, eng.consent.policy().ceiling, recipients())
    return consent_plain(text) if plain else text


def consent_changes_notice() -> str:
    """For the dialog that asks again: what is new since the receipt, in Markdown ("" when nothing is)."""
    from .notice import changes_markdown

    changes = consent_changes()
    if not changes:
        return ""
    agreed = consent_receipt()
    return changes_markdown(changes, agreed.when if agreed else None)


def preview_only() -> bool:
    """True while events are kept on this computer (recorded and visible, never sent)."""
    return engine().consent.config().preview


def set_preview(on: bool) -> bool:
    """Keep events on this computer while `on`; False when the choice could only be kept for this session."""
    return engine().set_preview(on)


def sending_hold():
    """Why events may not leave yet: `Hold(until, reason)`, reason "preview", "review" or ""."""
    return engine().consent.hold()


def loss_report() -> list[tuple[str, int, str]]:
    """(cause, count, what it means) for every drop cause, counted since the queue was created."""
    from .model import DROP_CAUSES

    counts = engine().readable_store().drop_counts()
    health = event_catalog().events["telemetry_health"].params
    return [(cause, counts.get(cause, 0), health[cause].description) for cause in DROP_CAUSES]


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
