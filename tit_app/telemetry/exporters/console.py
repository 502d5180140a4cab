"""Debug mode (`TIT_TELEMETRY_DEBUG=1`): print what would be sent instead of sending it.

A console exporter wraps a real one and prints that exporter's exact request body to
stderr, labelled with its destination. It never opens a socket and always reports
SENT, so the queue drains as it would with a working network.
"""

from __future__ import annotations

import sys
from typing import Callable, TextIO

from ..model import StoredEvent
from ..outcome import Outcome
from .base import Exporter
from .jsonapi import encode_json


class ConsoleExporter(Exporter):
    def __init__(self, inner: Exporter | None = None, stream: Callable[[], TextIO] | None = None) -> None:
        self.inner = inner
        # Looked up on each print so a redirected sys.stderr (tests, the GUI) is honoured.
        self._stream = stream or (lambda: sys.stderr)
        self.label = inner.name if inner else "json"
        self.name = f"console:{inner.name}" if inner else "console"
        for attribute in ("levels", "max_events", "max_bytes", "max_age_s"):
            if inner is not None:
                setattr(self, attribute, getattr(inner, attribute))

    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        return self.inner.encode(events, now) if self.inner else encode_json(events)

    def preview(self, event: StoredEvent, now: float) -> str:
        return self.inner.preview(event, now) if self.inner else encode_json([event]).decode("utf-8")

    def export(self, events: list[StoredEvent], now: float, timeout: float | None = None) -> Outcome:
        try:
            text = self.encode(events, now).decode("utf-8", "replace")
            stream = self._stream()
            stream.write(f"--- tit-app telemetry: {self.label} would receive {len(events)} event(s) ---\n{text}\n")
            stream.flush()
        except Exception as exc:  # printing must never break the app either
            return Outcome.retry(f"could not print the payload ({type(exc).__name__})")
        return Outcome.sent()
