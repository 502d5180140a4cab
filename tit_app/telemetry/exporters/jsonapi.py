"""A plain JSON endpoint: `{"events": [...]}` with the stored events as they are.

For teams that run their own small collector. Frames go only with error-level events,
the same rule the other destinations follow.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..model import StoredEvent
from .base import HttpExporter, compact_json

_FIELDS = tuple(f.name for f in fields(StoredEvent) if f.name != "frames")


def event_dict(event: StoredEvent) -> dict[str, Any]:
    # A plain comprehension: dataclasses.asdict deep-copies and costs ~10x more per event.
    data = {name: getattr(event, name) for name in _FIELDS}
    if event.level == "errors" and event.frames:
        data["frames"] = list(event.frames)
    return data


def encode_json(events: list[StoredEvent]) -> bytes:
    return compact_json({"events": [event_dict(e) for e in events]})


class JsonExporter(HttpExporter):
    name = "json"
    levels = frozenset({"errors", "usage"})
    max_events = 500
    max_bytes = 2_000_000

    def __init__(self, url: str, token: str | None = None, verify: str | None = None) -> None:
        super().__init__(url, verify)
        self._token = token

    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        return encode_json(events)

    def secret_values(self) -> tuple[str, ...]:
        return (self._token,) if self._token else ()

    def request_headers(self) -> dict[str, str]:
        headers = super().request_headers()
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers
