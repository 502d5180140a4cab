"""What the Pending tab says about its destinations and about what "Send now" did, in words."""

from __future__ import annotations

from tit_app.ui.delivery.snapshot import TelemetrySnapshot
from tit_app.ui.formatting import clock_time


def destinations_text(snapshot: TelemetrySnapshot) -> list[str]:
    """One line for the destinations, then one per failing destination and per configuration problem."""
    names = ", ".join(d.name for d in snapshot.destinations)
    lines = [f"Destinations: {names}" if names else "No destination configured: events stay on this computer."]
    for destination in snapshot.destinations:
        if destination.failing:
            since = clock_time(destination.failing_since, snapshot.taken_at or None)
            lines.append(f"⚠ {destination.name} is not taking events (last try {since}: {destination.failing}); "
                         "they wait here and are tried again.")
    lines.extend(f"⚠ {problem}" for problem in snapshot.problems)  # each names its setting, so the user can fix it
    return lines


def events(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"


def send_result_text(report, held_because: str) -> str:
    """What a "Send now" did: sent N, failed because …, nothing to send, held because …"""
    if report is None or not report.destinations:
        return f"Nothing was sent: {_lower_first(held_because)}" if held_because else "Nothing was sent."
    parts = [_destination_result(r) for r in report.destinations.values()]
    parts = [part for part in parts if part]
    if not parts:
        return f"Nothing was sent: {_lower_first(held_because)}" if held_because else "Nothing to send right now."
    return " ".join(parts)


def _destination_result(result) -> str:
    if result.error:
        kept = f"; {events(result.retried)} kept and tried again later" if result.retried else ""
        return f"{result.name}: failed ({result.error}){kept}."
    if result.held_until:
        return f"{result.name}: holds events until {clock_time(result.held_until)} (the server asked to wait)."
    words = []
    if result.sent:
        words.append(f"sent {events(result.sent)}")
    if result.dropped:
        words.append(f"dropped {events(result.dropped)} it does not take")
    return f"{result.name}: {', '.join(words)}." if words else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
