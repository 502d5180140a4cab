"""When a pending event will leave this computer, in words: the Pending table's "Leaves" column.

Worked out from the snapshot alone (no SQLite, no clock but `now`), following the rules of
a send round: a deletion request always may leave (it carries out an opt-out); other
events wait while sharing is off or paused, stay here in preview, wait for the review
time after Enable, and wait for each destination's retry time. Whatever may leave goes
with the SendWorker's first timer round after that (or at once with Send now).
"""

from __future__ import annotations

from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.formatting import relative_future


def targets(item, snapshot: TelemetrySnapshot) -> list[str]:
    """The configured destinations that take this event's level."""
    return [d.name for d in snapshot.destinations if item.event.level in d.levels]


def _waiting_for(item, snapshot: TelemetrySnapshot) -> dict[str, float]:
    """Destination -> when it may be tried next (0: now), for the targets that do not have it yet."""
    done = {d.destination for d in item.deliveries if d.state == "done"}
    retry_at = {d.destination: d.next_attempt for d in item.deliveries if d.state == "pending"}
    return {name: retry_at.get(name, 0.0) for name in targets(item, snapshot) if name not in done}


def _held_here(item, snapshot: TelemetrySnapshot) -> str | None:
    """Why this event does not leave at all for now, or None when it will."""
    if not snapshot.destinations:
        return "no destination: stays here"
    if not targets(item, snapshot):
        return "no destination for its level: stays here"
    if item.event.is_deletion_request:
        return None
    consent = snapshot.consent
    if consent is not None and consent.paused_for_answer:
        return "paused until you answer"
    if consent is None or not consent.decision.enabled:
        return "sharing is off: waits here"
    if consent.hold.reason == "preview":
        return "kept here (preview)"
    return None


def _review_ends(item, snapshot: TelemetrySnapshot, now: float) -> float:
    """When the review time after Enable ends for this event (0 when it does not apply)."""
    hold = snapshot.consent.hold if snapshot.consent is not None else None
    if item.event.is_deletion_request or hold is None or hold.reason != "review" or hold.until <= now:
        return 0.0
    return hold.until


def leave_text(item, snapshot: TelemetrySnapshot, now: float) -> str:
    """'kept here (preview)', 'after the review time, in 45 s', 'next send in 12 s', 'retry in 2 min' …"""
    held = _held_here(item, snapshot)
    if held is not None:
        return held
    waiting = _waiting_for(item, snapshot)
    if not waiting:
        return "—"  # every destination has it; the next snapshot no longer lists it
    review_ends = _review_ends(item, snapshot, now)
    retry_at = min(waiting.values())
    earliest = max(review_ends, retry_at, now)
    round_at = snapshot.schedule.first_round_from(earliest)
    when = relative_future(round_at if round_at is not None else earliest, now)
    if review_ends:
        return f"after the review time, {when}"
    if retry_at > now:
        return f"retry {when}"
    return f"next send {when}" if round_at is not None else "at the next send"


def may_leave_now(item, snapshot: TelemetrySnapshot) -> bool:
    """Whether Send now would send this event (it skips the review time and retry waits, not preview)."""
    return _held_here(item, snapshot) is None and bool(_waiting_for(item, snapshot))


def may_any_leave_now(snapshot: TelemetrySnapshot) -> bool:
    """Whether Send now would send anything: `may_leave_now` for some event, without asking each one when a
    hold that applies to all of them (sharing off, paused, preview) already answers."""
    if not snapshot.destinations or not snapshot.pending:
        return False
    consent = snapshot.consent
    held_for_all = (consent is None or consent.paused_for_answer or not consent.decision.enabled
                    or consent.hold.reason == "preview")
    candidates = (item for item in snapshot.pending if item.event.is_deletion_request) if held_for_all \
        else iter(snapshot.pending)
    return any(may_leave_now(item, snapshot) for item in candidates)
