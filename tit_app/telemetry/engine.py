"""The engine: one object owning the buffer, the consent cache, the store and the exporters.

The public functions in `api.py` delegate here; nothing outside the telemetry package
holds an engine. A driver (the headless thread in `headless.py`, or the GUI's worker
attached with `api.attach_driver`) calls `persist()` and `send()`; callers on any thread
only ever touch `record()`, which appends to a deque and returns.

The consent decision is cached without the environment switches (`_accepting`), so the
caller's fast path only has to re-read the kill switches; every change of settings
invalidates it (docs/architecture.md, "The consent decision").
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from datetime import datetime, timezone
from typing import Any, Callable

from tit_app import paths

from . import consent, envflags
from .catalog import Catalog, load_catalog
from .config import ConfigStore, TelemetryConfig, new_client_id
from .consent import Policy, load_policy
from .model import RawEvent

log = logging.getLogger(__name__)

HEALTH_INTERVAL_S = 6 * 3600


class Engine:
    MAX_BUFFER = 10_000

    def __init__(self, config_store: ConfigStore | None = None, catalog: Catalog | None = None,
                 scrubber: Callable[[str], str] | None = None) -> None:
        self.config_store = config_store or ConfigStore()
        self._catalog = catalog
        self._scrubber = scrubber
        self._buffer: deque[RawEvent] = deque()
        self._unbuffered = Counter()  # drops before an event reached the store
        self._store = self._enricher = self._exporters = None
        self._problems: list = []
        self._listeners: list[Callable[[], None]] = []
        self._init_lock = threading.RLock()
        self._strict = envflags.strict()
        self._last_health = 0.0
        self._cfg: TelemetryConfig | None = None  # cached settings file
        self._policy: Policy | None = None  # cached administrator policy
        self._accepting: bool | None = None  # consent without the env switches; None = not known yet
        self.interface = "cli"
        self.driver = None  # the headless thread, or a driver handed over by attach_driver()
        self.external_driver = False  # True: someone else drives persist/send; never start the thread

    # -- the caller's side -----------------------------------------------------------------

    def record(self, name: str, params: dict | None, blocking: bool = False, frames: tuple = ()) -> bool:
        if self._accepting is False or envflags.active_kill_switch():
            return False
        if self._strict:
            self.catalog.validate(name, params)  # raises ValueError where the mistake is
        if len(self._buffer) >= self.MAX_BUFFER:
            self._unbuffered["buffer_full"] += 1
            return False
        self._buffer.append(RawEvent(time.time(), name, dict(params) if params else None, self.interface, frames))
        if blocking:
            self.persist()
        elif self.driver is None and not self.external_driver:
            self._start_driver()
        return True

    def _start_driver(self) -> None:
        from . import headless

        with self._init_lock:
            if self.driver is None:
                self.driver = headless.start(self)

    def attach_driver(self, driver: Any | None) -> None:
        """Hand delivery to `driver` (or, with None, to whoever calls persist/send, as tests do).

        Must happen before anything is tracked, so the headless thread never starts.
        `driver.stop(timeout)` is called at shutdown.
        """
        with self._init_lock:
            self.external_driver = True
            self.driver = driver

    # -- consent ---------------------------------------------------------------------------

    def config(self) -> TelemetryConfig:
        if self._cfg is None:
            self._cfg = self.config_store.load()
        return self._cfg

    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = load_policy()
        return self._policy

    def decision(self) -> consent.Decision:
        cfg, policy = self.config(), self.policy()
        asked = cfg.consent_shown or cfg.enabled
        self._accepting = consent.decide(None, policy, cfg.enabled, cfg.level, asked).enabled
        return consent.decide(envflags.active_kill_switch(), policy, cfg.enabled, cfg.level, asked)

    def invalidate(self) -> None:
        self._cfg = self._policy = None
        self._accepting = None

    def set_enabled(self, enabled: bool, level: str | None = None) -> bool:
        """Save the user's choice; returns False when it could only be kept for this session."""
        cfg = self.config()
        first_opt_in = enabled and not cfg.first_run_recorded
        cfg.enabled, cfg.consent_shown = bool(enabled), True
        cfg.level = level or cfg.level
        cfg.consent_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if not enabled:
            cfg.client_id = new_client_id()
        saved = self.config_store.save(cfg)
        self.invalidate()
        if not enabled:
            self.purge()
        elif first_opt_in and self.decision().enabled:
            self.record("first_run", None, blocking=True)
            cfg = self.config()
            cfg.first_run_recorded = True
            saved = self.config_store.save(cfg) and saved
        return saved

    def reset_client_id(self) -> str:
        cfg = self.config()
        cfg.client_id = new_client_id()
        self.config_store.save(cfg)
        self.invalidate()
        return cfg.client_id

    # -- lazily built parts ----------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            # Its own copy: events registered by a plugin belong to this engine only.
            self._catalog = load_catalog()
        return self._catalog

    @property
    def store(self):
        if self._store is None:
            from .store import Store

            with self._init_lock:
                if self._store is None:
                    self._store = Store(paths.data_dir() / "events.db")
        return self._store

    @property
    def enricher(self):
        if self._enricher is None:
            from .pipeline import Enricher
            from .scrub import default_scrubber
            from .system import system_params

            self._enricher = Enricher(self.catalog, self._scrubber or default_scrubber(), system_params)
        return self._enricher

    def exporters(self) -> list:
        if self._exporters is None:
            with self._init_lock:
                if self._exporters is None:
                    self._exporters, self._problems = _load_exporters()
        return self._exporters

    def config_problems(self) -> list:
        self.exporters()
        return list(self._problems)

    def reload_destinations(self) -> None:
        with self._init_lock:
            for exporter in self._exporters or ():
                _close_quietly(exporter)
            self._exporters = None

    # -- the worker's side -----------------------------------------------------------------

    def persist(self) -> int:
        """Drain the buffer into the store. Without consent everything buffered is discarded."""
        raws = self._drain()
        decision = self.decision()
        if not decision.enabled:
            self._unbuffered.clear()
            return 0
        if not raws and not self._unbuffered:
            return 0
        batch = self.enricher.build(raws, self.config().client_id, decision.level)
        store = self.store
        store.add(batch.events)
        for cause, count in (batch.drops + self._take_unbuffered()).items():
            store.count_drop(cause, count)
        if batch.events:
            self.notify()
        return len(batch.events)

    def _drain(self) -> list[RawEvent]:
        items = []
        try:
            while True:
                items.append(self._buffer.popleft())
        except IndexError:
            return items

    def _take_unbuffered(self) -> Counter:
        taken, self._unbuffered = self._unbuffered, Counter()
        return taken

    def _delivery_targets(self) -> list:
        """Persist, then the exporters to send to: none without consent or without destinations."""
        self.persist()
        return self.exporters() if self.decision().enabled else []

    def send(self, force: bool = False, timeout: float | None = None):
        """One send round to every destination; returns the sender's report or None."""
        exporters = self._delivery_targets()
        if not exporters:
            return None
        self.report_health()
        from .backoff import Backoff
        from .sender import send_round

        report = send_round(self.store, exporters, Backoff(), time.time(), force=force, timeout=timeout)
        self.notify()
        return report

    def flush(self, timeout: float = 5.0) -> bool:
        exporters = self._delivery_targets()
        if not exporters:
            return self.store.pending_count() == 0
        from .backoff import Backoff
        from .sender import flush

        try:
            return flush(self.store, exporters, Backoff(), timeout)
        finally:
            self.notify()

    def report_health(self, now: float | None = None) -> None:
        """Queue a telemetry_health event with the drops not yet reported (at most every 6 h)."""
        now = time.time() if now is None else now
        if now - self._last_health < HEALTH_INTERVAL_S:
            return
        counts = self.store.unreported_drops()
        if counts:
            self._last_health = now
            self.store.mark_drops_reported(counts)
            self.record("telemetry_health", counts, blocking=True)

    def delete(self, event_ids) -> int:
        """Delete chosen pending events (the Privacy page's "Delete selected")."""
        removed = self.store.delete(event_ids)
        self.notify()
        return removed

    def purge(self) -> int:
        self._drain()
        self._unbuffered.clear()
        removed = self.store.purge()
        self.notify()
        return removed

    # -- observers -------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def unsubscribe(self, callback: Callable[[], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def notify(self) -> None:
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:  # an observer's bug must not stop delivery
                log.exception("telemetry listener failed")

    def shutdown(self, budget_s: float = 0.5) -> None:
        """Persist everything, spend at most `budget_s` in all sending, stop the driver."""
        deadline = time.monotonic() + budget_s
        driver, self.driver = self.driver, None
        if driver is not None:
            driver.stop(timeout=min(0.3, budget_s))
        try:
            exporters = self._delivery_targets()
            remaining = deadline - time.monotonic()  # after loading the destinations, which takes time too
            if exporters and remaining > 0.05:
                self.flush(timeout=remaining)
        except Exception:
            log.exception("telemetry shutdown failed; pending events stay queued")
        for exporter in self._exporters or ():
            _close_quietly(exporter)

    def close(self) -> None:
        """Close the store; the engine is being replaced (tests, a throwaway home)."""
        if self._store is not None:
            self._store.close()


def _load_exporters() -> tuple[list, list]:
    from .destinations.settings import ConfigProblem, load_exporters

    try:
        return load_exporters()
    except Exception as exc:  # a broken destination config must not break the app
        log.exception("telemetry destinations could not be loaded")
        return [], [ConfigProblem("destinations", f"destinations could not be loaded: {exc}")]


def _close_quietly(exporter: Any) -> None:
    try:
        exporter.close()
    except Exception:
        pass
