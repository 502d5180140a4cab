"""The public telemetry API, as module-level functions over one process-wide Engine."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from . import envflags
from .config import LEVELS, TelemetryConfig
from .runtime import Engine

log = logging.getLogger(__name__)

_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


def reset_engine(new: Engine | None = None) -> Engine:
    """Replace the process-wide engine (tests; a changed TIT_HOME). The old one is shut down."""
    global _engine
    with _engine_lock:
        old, _engine = _engine, new or Engine()
    if old is not None:
        old.shutdown(budget_s=0.0)
    return _engine


@dataclass(frozen=True)
class Status:
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
    try:
        return engine().decision().enabled
    except Exception:
        return False


def status() -> Status:
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
    return engine().config_store.load()


def save_config(cfg: TelemetryConfig) -> bool:
    """Save atomically (0600). On failure the choice is kept for this session; returns False."""
    eng = engine()
    saved = eng.config_store.save(cfg)
    eng.invalidate()
    return saved


def set_enabled(enabled: bool, level: str | None = None) -> bool:
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be 'usage' or 'errors', not {level!r}")
    return engine().set_enabled(enabled, level)


def set_interface(interface: str) -> None:
    if interface not in ("gui", "cli"):
        raise ValueError(f"interface must be 'gui' or 'cli', not {interface!r}")
    engine().interface = interface


def flush(timeout: float = 5.0) -> bool:
    try:
        return engine().flush(timeout)
    except Exception:
        log.exception("telemetry flush failed; events stay queued")
        return False


def pending(limit: int | None = None) -> list:
    eng = engine()
    eng.persist()
    return eng.store.pending(limit)


def history(limit: int | None = None) -> list:
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

    from .atomicfile import write_private

    data = local_data()
    write_private(Path(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return len(data["pending"])


def purge() -> int:
    return engine().purge()


def reset_client_id() -> str:
    return engine().reset_client_id()


def register_events(source: str | Path | Mapping[str, Any]) -> list[str]:
    """Add another catalog's events (a TOML path or the equivalent mapping)."""
    return engine().catalog.add(source)
