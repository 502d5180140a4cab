"""Everything telemetry holds on this machine, as the user may see or export it.

One shape for `tit-app telemetry show/export` and the Privacy page's Export… button.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any, Iterable

from .model import HistoryEntry, PendingEvent, StoredEvent


def payloads(event: StoredEvent, exporters: Iterable, now: float) -> dict[str, str]:
    """The exact body each destination that takes this event's level would receive."""
    found = {}
    for exporter in exporters:
        if event.level in exporter.levels:
            try:
                found[exporter.name] = exporter.preview(event, now)
            except Exception as exc:  # a preview must never break the listing
                found[exporter.name] = f"(no preview: {type(exc).__name__})"
    return found


def document(pending: list[PendingEvent], history: list[HistoryEntry], client_id: str | None, reason: str,
             receipt: dict | None = None, now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    return {
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(now)),
        "status": reason,
        "client_id": client_id,
        "consent_receipt": receipt,
        "pending": [p.to_dict() for p in pending],
        "history": [asdict(h) for h in history],
    }
