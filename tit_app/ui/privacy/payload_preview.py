"""The text of the Privacy page's detail pane: what each destination will receive."""

from __future__ import annotations

import json
import time

from tit_app import telemetry

NO_DESTINATION = (
    "No destination is configured, so this event is not sent anywhere.\n"
    "It stays on this computer, exactly as stored:"
)


def preview_text(pending, snapshot, indent: bool = False, now: float | None = None) -> str:
    """One section per destination with the exact body a one-event batch would carry."""
    event = pending.event
    now = time.time() if now is None else now
    if not snapshot.exporters:
        return f"{NO_DESTINATION}\n\n{_layout(event.to_json(), indent)}"
    bodies = telemetry.payload_previews(event, snapshot.exporters, now)  # the same previews `tit-app telemetry show` prints
    if not bodies:
        return (f"No configured destination accepts '{event.level}' events, so this one is not sent.\n"
                f"Stored as:\n\n{_layout(event.to_json(), indent)}")
    return "\n\n".join(f"── {name} ──\n{_layout(body, indent)}" for name, body in bodies.items())


def _layout(text: str, indent: bool) -> str:
    if not indent:
        return text
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:  # not JSON (e.g. an envelope of several lines): show it as it is
        return text
