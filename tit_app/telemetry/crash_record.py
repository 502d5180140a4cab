"""Recording a crash: durably first, each fingerprint once per session, and what the front end shows.

`record_crash` runs before anything else the crash causes (a dialog, a message, the
exit): with sharing on it records `app_crash` and stores it at once on the calling
thread (the usual hand-over to the driver could wait behind a slow send, and a dying
process has no time). A fingerprint seen before in this session is only counted; the
count rides on the session's next report as `repeats`, so a crash loop adds one event,
not thousands (docs/architecture.md, "Crash reporting").
"""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from . import api
from .crash_report import EVENT, CrashReport
from .model import StoredEvent


@dataclass(frozen=True)
class CrashRecord:
    """One crash as the front end sees it: what was done with it and the exact report."""

    report: CrashReport
    shared: bool = False  # queued like any event (sharing on)
    repeat: bool = False  # a fingerprint already reported this session: counted, not queued
    event: StoredEvent | None = None  # as stored (shared), or as it would be sent once (not shared)
    previews: dict[str, str] = field(default_factory=dict)  # destination -> exact body
    can_send_once: bool = False  # sharing is off, and the user may still send this one report

    @property
    def error_type(self) -> str:
        return str(self.report.params.get("error_type", ""))

    @property
    def where(self) -> str:
        return str(self.report.params.get("where", ""))

    def report_text(self) -> str:
        """The exact body each destination gets; the event as stored when none is set up."""
        if self.previews:
            return "\n\n".join(f"To {name}:\n{body}" for name, body in self.previews.items())
        if self.event is not None:
            return json.dumps(self.event.to_dict(), indent=2, ensure_ascii=False)
        return ""


class _Session:
    """The fingerprints one engine's session has reported, and the repeats not reported yet."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        self.repeats = 0

    def admit(self, report: CrashReport) -> CrashReport | None:
        """The report to record, with the repeats counted so far; None when it repeats an earlier one."""
        with self.lock:
            if report.fingerprint in self.seen:
                self.repeats += 1
                return None
            self.seen.add(report.fingerprint)
            repeats, self.repeats = self.repeats, 0
        return report.with_repeats(repeats)


_sessions: "weakref.WeakKeyDictionary[Any, _Session]" = weakref.WeakKeyDictionary()
_sessions_lock = threading.Lock()


def _session(engine) -> _Session:
    with _sessions_lock:
        return _sessions.setdefault(engine, _Session())


def record_crash(report: CrashReport) -> CrashRecord:
    """Record `report` as consent allows and say what happened (`crash_hooks` guards every call)."""
    engine = api.engine()
    admitted = _session(engine).admit(report)
    if admitted is None:
        return CrashRecord(report, repeat=True)
    decision = engine.decision()
    if decision.enabled:
        api._record_event(EVENT, admitted.params, frames=admitted.frames)
        engine.persist()  # durable now, on this thread, before the dialog or the exit
        return _described(CrashRecord(admitted, shared=True, event=_stored(engine, admitted)))
    if not decision.user_can_change:  # a kill switch or a policy of "off": not even once
        return CrashRecord(admitted)
    from .crash_once import candidate

    return _described(CrashRecord(admitted, event=candidate(admitted, engine), can_send_once=True))


def _stored(engine, report: CrashReport) -> StoredEvent | None:
    """The queued event just recorded for `report` (the newest app_crash with its fingerprint)."""
    for pending in engine.readable_store().pending(20):
        event = pending.event
        if event.name == EVENT and event.params.get("error_fingerprint") == report.fingerprint:
            return event
    return None


def _described(record: CrashRecord) -> CrashRecord:
    if record.event is None:
        return record
    try:
        previews = api.payload_previews(record.event)
    except Exception:  # a destination that cannot encode it: the event itself is still shown
        previews = {}
    return CrashRecord(record.report, record.shared, record.repeat, record.event, previews, record.can_send_once)
