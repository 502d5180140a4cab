"""The engine: one object owning the buffer, the consent cache (`consent_cache`), the store and the exporters.

The public functions in `api.py` delegate here; nothing outside the telemetry package
holds an engine. A driver (the headless thread in `headless.py`, or the GUI's worker
attached with `api.attach_driver`) calls `persist()` and `send()`; callers on any thread
only ever touch `record()`, which appends to a deque and returns.

`consent_cache` knows the consent (the settings, the policy and destinations.json are
watched); the engine asks it before the next persist and before every send round, and
acts here on what changed: purging, a new session, dropping usage events
(docs/architecture.md, "The consent decision").
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
import weakref
from collections import Counter, deque
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from tit_app import paths

from . import consent, envflags
from .catalog import Catalog, load_catalog
from .config import ConfigStore, new_client_id
from .consent_cache import REVIEW_DELAY_S, ConsentCache
from .model import DELETION, RawEvent, deletion_request
from .problems import ProblemLog
from .store import NoStore

log = logging.getLogger(__name__)

HEALTH_INTERVAL_S = 6 * 3600
HANDOVER_WAIT_S = 1.0  # how long a blocking track waits for the driver to store its event
RECHECK_WHILE_OFF_S = 1.0  # how often a caller's track_event looks whether another process turned it on
PERSIST_SLICE = 50  # events scrubbed, enriched and stored in one go: about a millisecond of work
SLICE_PAUSE_S = 0.0002  # between slices: a sleep lets a waiting thread take the GIL at once


class Engine:
    MAX_BUFFER = 10_000  # events waiting in memory; more are dropped and counted as buffer_full
    WAKE_AT = MAX_BUFFER // 4

    def __init__(self, config_store: ConfigStore | None = None, catalog: Catalog | None = None,
                 scrubber: Callable[[str], str] | None = None, review_delay_s: float = REVIEW_DELAY_S) -> None:
        self._catalog = catalog
        self.consent = ConsentCache(config_store or ConfigStore(), lambda: self.catalog, review_delay_s)
        self._scrubber = scrubber
        self._buffer: deque[RawEvent] = deque()
        self._unbuffered = Counter()  # drops before an event reached the store
        self._store = self._enricher = self._exporters = None
        self._problems: list = []
        self._listeners: list[Callable[[], None]] = []
        self._init_lock = threading.RLock()
        self._strict = envflags.strict()
        self._last_health = 0.0
        self._applied: tuple | None = None  # (enabled, client_id, level) last acted on
        self._state_lock = threading.RLock()
        self._accepting: bool | None = None  # consent without the env switches; None = not known yet
        self._next_look = 0.0  # monotonic time of the next look while off (see record)
        self._closed = False
        self._persist_lock = threading.Lock()
        self._unwritten: list = []  # enriched events the store could not take yet
        self._problems_seen = ProblemLog(log)
        self._forked = False  # True in a forked child: see _after_fork
        self._owed: set[str] = set()  # queue clean-ups a consent change requires but the store refused
        _ENGINES.add(self)
        self.interface = "cli"
        self.driver = None  # the headless thread, or a driver handed over by attach_driver()
        self.external_driver = False  # True: someone else drives persist/send; never start the thread

    # -- the caller's side -----------------------------------------------------------------

    def record(self, name: str, params: Mapping | None, blocking: bool = False, frames: tuple = ()) -> bool:
        if self._accepting is False and not self._turned_on_elsewhere():
            return False
        if envflags.active_kill_switch():
            return False
        if self._strict:
            self.catalog.validate(name, params)  # raises ValueError where the mistake is
        # `type(...) is dict` first: an ABC isinstance check would cost more than the rest of this call.
        if not isinstance(name, str) or not (params is None or type(params) is dict or isinstance(params, Mapping)):
            self._unbuffered["invalid"] += 1  # counted, so tracked = stored + dropped still adds up
            return False
        if len(self._buffer) >= self.MAX_BUFFER:
            self._unbuffered["buffer_full"] += 1
            return False
        handled = threading.Event() if blocking else None
        self._buffer.append(RawEvent(time.time(), name, dict(params) if params else None, self.interface, frames, handled))
        if self._forked:
            self.persist()  # a forked worker may be ended without warning: store at once
            return True
        if self.driver is None and not self.external_driver:
            self._start_driver()
        if handled is not None:
            self._hand_over(handled)
        elif len(self._buffer) == self.WAKE_AT:
            getattr(self.driver, "wake", _nothing)()  # a burst: persist now rather than at the next tick
        return True

    def _hand_over(self, handled: threading.Event) -> None:
        """Have the driver store this event now, and wait (bounded) until it has.

        Scrubbing and SQLite stay off the caller's thread. A driver busy in a slow send
        may not get to it within HANDOVER_WAIT_S: the event then waits in the buffer and is
        stored at the driver's next step, or at exit. Without a driver that can be woken
        (tests that drive persist themselves), the caller stores it.
        """
        wake = getattr(self.driver, "wake", None)
        if wake is None:
            self.persist()
            return
        wake()
        handled.wait(HANDOVER_WAIT_S)

    def _turned_on_elsewhere(self) -> bool:
        """While off, look at most once a second whether another process turned telemetry on."""
        now = time.monotonic()
        if now < self._next_look:
            return False
        self._next_look = now + RECHECK_WHILE_OFF_S
        try:
            self.refresh()
        except Exception:
            log.debug("telemetry settings could not be re-read", exc_info=True)
        return bool(self._accepting)

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

    def decision(self) -> consent.Decision:
        """The decision now: settings, policy and destinations re-read if any process changed them."""
        self.refresh()
        return self.consent.decision()

    def refresh(self) -> bool:
        """Look for changes to the settings, the policy or destinations.json (one stat each); act on them.

        Called before every persist and send round, so an opt-out, an id reset or a lower
        level made by another process takes effect here before anything more is stored or sent.
        """
        with self._state_lock:  # one thread sees a change and acts on it before any other reads the state
            changed = self.consent.changed_files()
            if not changed and self._applied is not None:
                return False
            if "destinations" in changed:
                self.reload_destinations()
            self.invalidate()
        return True

    def invalidate(self) -> None:
        """Re-read the settings and the policy, decide again, and act on any change."""
        with self._state_lock:
            decision = self.consent.reread()
            self._accepting = decision.enabled
            self._apply(decision)
        self.notify()  # observers (the Privacy page, the status bar) show the new state

    def _apply(self, decision: consent.Decision) -> None:
        """Carry out what a changed decision means for what is buffered and queued."""
        state = (decision.enabled, self.consent.config().client_id, decision.level)
        before, self._applied = self._applied, state
        if before is None or before == state:
            return
        was_on, old_id, old_level = before
        if was_on and not decision.enabled:
            self._discard_buffer()
            self._unbuffered.clear()
            self._unwritten = []
            self._owed.add("purge")
        if old_id != state[1]:
            self._enricher = None  # a new session and sequence for the new id
            self._unwritten = [e for e in self._unwritten if e.client_id == state[1]]
            self._owed.add("other ids")
        if decision.level == "errors" and old_level != "errors":
            kept = [e for e in self._unwritten if e.level != "usage"]
            self._unbuffered["level_lowered"] += len(self._unwritten) - len(kept)
            self._unwritten = kept
            self._owed.add("usage")
        self._settle()

    def _settle(self) -> None:
        """Clean the queue as the last change requires; a store that cannot be written now owes it till later."""
        if not self._owed or not self._opened_store():
            self._owed.clear()
            return
        steps = {"purge": lambda s: s.purge(), "other ids": lambda s: s.keep_only_client(self.consent.config().client_id),
                 "usage": lambda s: s.drop_level("usage", "level_lowered")}
        for name in list(self._owed):
            try:
                steps[name](self.store)
                self._owed.discard(name)
            except Exception as exc:  # read-only or full: tried again at the next persist
                self._problems_seen.report("cleaning the queue", exc)

    def reload_scope(self) -> None:
        """The catalog changed: decide again whether the receipt still covers everything."""
        self.consent.forget_scope()
        self.invalidate()

    def set_enabled(self, enabled: bool, level: str | None = None, via: str = "api") -> bool:
        """Save the user's answer with its receipt; returns False when it could only be kept for this session."""
        with self._state_lock:
            self.refresh()
            cfg = self.consent.config()
            old_id = cfg.client_id
            first_opt_in = enabled and not cfg.first_run_recorded
            cfg.enabled, cfg.consent_shown = bool(enabled), True
            cfg.level = level or cfg.level
            cfg.consent_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            cfg.client_id = (old_id or new_client_id()) if enabled else None
            cfg.receipt = self.consent.new_receipt(cfg.level if enabled else "off", via).to_mapping()
            saved = self.consent.config_store.save(cfg)
            self.invalidate()
            if not enabled and old_id is not None:
                self._forget(old_id, keep_usage_summary=False)
        if first_opt_in and self.decision().enabled:
            self.record("first_run", None)
            self.persist()  # durable at once, whoever drives
            cfg = self.consent.config()
            cfg.first_run_recorded = True
            saved = self.consent.config_store.save(cfg) and saved
        return saved

    def reset_client_id(self) -> str | None:
        """Use a new anonymous id from now on; None when there is no id (telemetry is off)."""
        with self._state_lock:
            self.refresh()
            cfg = self.consent.config()
            old_id = cfg.client_id
            if old_id is None:
                return None
            cfg.client_id = new_client_id()
            self.consent.config_store.save(cfg)
            self.invalidate()
            self._forget(old_id, keep_usage_summary=True)
            return cfg.client_id

    def _forget(self, old_id: str, keep_usage_summary: bool) -> None:
        """After a rotation: unlink the local history, and ask receivers that can to delete `old_id`'s data."""
        store = self.readable_store()
        if isinstance(store, NoStore):
            return
        try:
            if keep_usage_summary:
                store.unlink_history()
            else:
                store.forget_history()
            if any(DELETION in e.levels for e in self.exporters()):
                store.add([deletion_request(old_id, uuid.uuid4().hex, time.time())])
        except Exception as exc:  # a read-only or full store: the answer itself is saved; say so
            self._problems_seen.report("forgetting the old id", exc)
        self.notify()

    def set_preview(self, on: bool) -> bool:
        """Keep events on this computer (recorded and visible, never sent) while `on`."""
        cfg = self.consent.config()
        cfg.preview = bool(on)
        saved = self.consent.config_store.save(cfg)
        self.invalidate()
        return saved

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

    def _opened_store(self) -> bool:
        """True when the queue exists: open here, or a file another process created."""
        return self._store is not None or (paths.data_dir() / "events.db").exists()

    def readable_store(self):
        """The store if there is one; otherwise an empty stand-in, so reading creates no file."""
        return self.store if self._opened_store() else NoStore()

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
                    self._protect_in_shared_queue(self._exporters)
        return self._exporters

    def _protect_in_shared_queue(self, exporters: list) -> None:
        """Tell the shared queue which destinations this process sends to, before its first round,
        so another process configured with fewer never removes what these have not received."""
        if exporters and self._opened_store():
            try:
                self.store.remember_destinations({e.name: e.levels for e in exporters})
            except Exception:
                log.debug("telemetry destinations could not be recorded in the queue", exc_info=True)

    def config_problems(self) -> list:
        self.exporters()
        return list(self._problems)

    def reload_destinations(self) -> None:
        """Forget the loaded destinations; what they refused or postponed is tried again at the next round."""
        with self._init_lock:
            for exporter in self._exporters or ():
                _close_quietly(exporter)
            self._exporters = None
        self.consent.forget_scope()
        if self._opened_store():
            try:
                self.store.retry_now()
            except Exception:
                log.debug("telemetry: pending deliveries could not be made due", exc_info=True)

    # -- the worker's side -----------------------------------------------------------------

    def persist(self, slice_size: int = PERSIST_SLICE) -> int:
        """Drain the buffer into the store. Without consent everything buffered is discarded.

        One persist at a time (`_persist_lock`): at exit, `shutdown` waits for a persist in
        flight instead of losing the events it had taken. When the store cannot be written,
        the events wait in memory (bounded, the excess counted) and are tried again next time.
        The work goes in slices of PERSIST_SLICE events (`slice_size`, 0 for all at once, as
        at exit where no other thread waits) with a pause between them, so this thread never
        holds the GIL long enough to make the caller's thread late (docs/architecture.md,
        "The life of an event").
        """
        with self._persist_lock:
            decision = self.decision()  # first: a change it finds applies to everything buffered
            stored, left = 0, len(self._buffer)  # what came in meanwhile waits for the next persist
            while True:
                raws = self._drain(min(left, slice_size or left))
                left -= len(raws)
                try:
                    stored += self._persist_drained(raws, decision)
                finally:
                    for raw in raws:
                        if raw.handled is not None:
                            raw.handled.set()  # stored, kept in memory, or discarded: its caller may go on
                if left <= 0 or not raws or self._unwritten:  # done, or the store refuses: the rest waits
                    return stored
                time.sleep(SLICE_PAUSE_S)

    def _persist_drained(self, raws: list[RawEvent], decision: consent.Decision) -> int:
        self._settle()
        if not decision.enabled:
            self._unbuffered.clear()
            self._unwritten = []
            return 0
        if not raws and not self._unbuffered and not self._unwritten:
            return 0
        batch = self.enricher.build(raws, self.consent.config().client_id, decision.level)
        return self._write(self._unwritten + batch.events, batch.drops + self._take_unbuffered())

    def _write(self, events: list, drops: Counter) -> int:
        try:
            store = self.store
            store.add(events)
            for cause, count in drops.items():
                store.count_drop(cause, count)
        except Exception as exc:  # full, read-only or locked: keep them and try again later
            self._keep_unwritten(events, drops, exc)
            return 0
        self._unwritten = []
        self._problems_seen.recovered("storing events")
        if events:
            self.notify()
        return len(events)

    def _keep_unwritten(self, events: list, drops: Counter, exc: Exception) -> None:
        self._problems_seen.report("storing events", exc)
        self._unwritten = events[:self.MAX_BUFFER]
        self._unbuffered.update(drops)
        if len(events) > self.MAX_BUFFER:
            self._unbuffered["store_unavailable"] += len(events) - self.MAX_BUFFER

    def unwritten(self) -> tuple[int, str | None]:
        """How many events wait in memory because the store could not take them, and why."""
        return len(self._unwritten), self._problems_seen.current("storing events")

    def _discard_buffer(self) -> None:
        for raw in self._drain():
            if raw.handled is not None:
                raw.handled.set()

    def _drain(self, limit: int | None = None) -> list[RawEvent]:
        items = []
        take = self._buffer.popleft
        try:
            for _ in range(len(self._buffer) if limit is None else limit):
                items.append(take())
        except IndexError:  # another thread drained it meanwhile (a purge)
            pass
        return items

    def _take_unbuffered(self) -> Counter:
        taken, self._unbuffered = self._unbuffered, Counter()
        return taken

    def _round_levels(self, force: bool) -> frozenset[str]:
        """Which levels may leave in a round starting now: a fresh decision, the hold, the level.

        Deletion requests always may: they carry out an opt-out. Events above the current
        level are deleted (counted), never sent.
        """
        self.persist()
        decision = self.decision()
        if not decision.enabled:
            return frozenset({DELETION})
        if decision.level == "errors" and self._opened_store():
            self.store.drop_level("usage", "level_lowered")
        hold = self.consent.hold()
        if hold.reason == "preview" or (hold.reason == "review" and not force):
            return frozenset({DELETION})
        return frozenset({DELETION, "errors"} | ({"usage"} if decision.level == "usage" else set()))

    def may_send_soon(self) -> bool:
        """Sharing is on and nothing holds events back (no preview, no review wait)."""
        return self.decision().enabled and not self.consent.hold().reason

    def _targets(self, levels: frozenset[str]) -> list:
        if not self._opened_store() or self.store.pending_count(levels) == 0:
            return []
        return [e for e in self.exporters() if levels & e.levels]

    def _unchanged(self) -> Callable[[], bool]:
        """A check for the sender before each request: is the consent state still what it was?"""
        state = self._applied

        def unchanged() -> bool:
            self.refresh()
            return self._applied == state and not envflags.active_kill_switch()

        return unchanged

    def send(self, force: bool = False, timeout: float | None = None):
        """One send round to every destination; returns the sender's report or None."""
        levels = self._round_levels(force)
        exporters = self._targets(levels)
        if not exporters:
            return None
        self.report_health()
        from .backoff import Backoff
        from .sender import send_round

        report = send_round(self.store, exporters, Backoff(), time.time(), force=force, timeout=timeout,
                            levels=levels, gate=self._unchanged())
        self.notify()
        return report

    def flush(self, timeout: float = 5.0, force: bool = True) -> bool:
        """Send what may leave now within `timeout`; True when none of it is left.

        An explicit flush (the user asked) skips the review wait; preview mode still holds.
        """
        levels = self._round_levels(force)
        exporters = self._targets(levels)
        if exporters:
            from .backoff import Backoff
            from .sender import flush

            try:
                flush(self.store, exporters, Backoff(), timeout, levels=levels, gate=self._unchanged())
            finally:
                self.notify()
        # Left over: what a configured destination takes (all pending events when none is configured).
        taken = set().union(*(e.levels for e in self.exporters())) or None
        return self.readable_store().pending_count(taken) == 0

    def report_health(self, now: float | None = None) -> None:
        """Queue a telemetry_health event with the drops not yet reported (at most every 6 h)."""
        now = time.time() if now is None else now
        if now - self._last_health < HEALTH_INTERVAL_S:
            return
        counts = self.store.unreported_drops()
        if counts:
            self._last_health = now
            self.store.mark_drops_reported(counts)
            self.record("telemetry_health", counts)
            self.persist()

    def delete(self, event_ids) -> int:
        """Delete chosen pending events (the Privacy page's "Delete selected")."""
        removed = self.readable_store().delete(event_ids)
        self.notify()
        return removed

    def purge(self) -> int:
        self._discard_buffer()
        self._unbuffered.clear()
        removed = self.readable_store().purge()
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
        """Persist everything, then spend what is left of `budget_s` sending; stop the driver.

        The driver's thread is told to stop, not waited for: a persist in flight is waited
        for by `persist` itself (its lock), and a send in flight keeps its batch leased, so
        it is sent again later if its answer never comes. With nothing pending, no
        destination is loaded and no HTTP library imported.
        """
        deadline = time.monotonic() + budget_s
        driver, self.driver = self.driver, None
        if driver is not None:
            driver.stop(timeout=0.0)
        if self._closed:  # replaced and closed already (an exit handler of an old engine)
            return
        try:
            self.persist(slice_size=0)  # everything first, in one go: nobody waits for the GIL now
            levels = self._round_levels(force=False)  # quitting is not a reason to skip the review wait
            exporters = self._targets(levels)
            remaining = deadline - time.monotonic()  # after persisting and loading the destinations
            if exporters and remaining > 0.05:
                self.flush(timeout=remaining, force=False)
        except Exception:
            log.exception("telemetry shutdown failed; pending events stay queued")
        for exporter in self._exporters or ():
            _close_quietly(exporter)

    def adopt_after_fork(self) -> None:
        """Start afresh in a forked child; see `_after_fork_in_child`."""
        self._state_lock, self._init_lock, self._persist_lock = threading.RLock(), threading.RLock(), threading.Lock()
        self._inherited = (self._store, self._exporters)  # kept, never used or closed: they are the parent's
        self._store = self._exporters = self._enricher = None
        self.driver, self.external_driver = None, False
        self._buffer.clear()
        self._unwritten = []
        self._unbuffered = Counter()
        self._forked = True

    def close(self) -> None:
        """Close the store; the engine is being replaced (tests, a throwaway home)."""
        self._closed = True
        if self._store is not None:
            self._store.close()


_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def _nothing() -> None:
    pass


def _after_fork_in_child() -> None:
    """A forked child (multiprocessing workers) gets engines of its own.

    Threads do not survive fork and an SQLite connection must not be shared with the
    parent: each engine forgets its driver, connection and exporters, drops the parent's
    buffered events (the parent stores those), and stores every event at once, since a
    worker may be ended without running any exit handler.
    """
    for engine in list(_ENGINES):
        engine.adopt_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


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
