""""Send this report once": one crash report sent while sharing is off, with a consent for it alone.

The report is built by the same pipeline as every event (scrubbed, validated, enriched),
under a random id used for this report only, so it cannot be joined to anything sent
before or after. It is not queued: sharing stays off, so nothing may wait on this
computer for later. It goes straight to each configured error destination, and the
receipt records the one-time consent (`Receipt.once`).
"""

from __future__ import annotations

import time
import uuid

from . import api, envflags
from .crash_report import EVENT, CrashReport
from .model import RawEvent, StoredEvent

SEND_TIMEOUT_S = 5.0


def candidate(report: CrashReport, engine) -> StoredEvent | None:
    """The event exactly as it would be sent, or None when scrubbing or validation refused it."""
    from .pipeline import Enricher
    from .scrub import default_scrubber
    from .system import system_params

    raw = RawEvent(time.time(), EVENT, dict(report.params), engine.interface, report.frames)
    batch = Enricher(engine.catalog, default_scrubber(), system_params).build([raw], uuid.uuid4().hex, "errors")
    return batch.events[0] if batch.events else None


def send_crash_once(record, via: str = "dialog", timeout: float = SEND_TIMEOUT_S) -> dict[str, str]:
    """Send `record`'s report once to every error destination; destination -> what happened, in words.

    Refused (empty result) under a kill switch or a policy of "off", which forbid even this.
    """
    event = record.event
    if event is None or not record.can_send_once or envflags.active_kill_switch():
        return {}
    engine = api.engine()
    if not engine.decision().user_can_change:
        return {}
    engine.consent.note_one_time(EVENT, event.event_id, via)
    deadline = time.monotonic() + timeout
    results = {}
    for exporter in api.exporters():
        if "errors" in exporter.levels:
            outcome = exporter.export([event], time.time(), max(0.1, deadline - time.monotonic()))
            words = {"sent": "sent", "retry": "not sent (a one-time report is not kept to try again)", "drop": "refused"}[outcome.verdict.value]
            results[exporter.name] = words + (f": {outcome.reason}" if outcome.reason else "")
    return results
