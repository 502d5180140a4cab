"""Debug mode (`TIT_TELEMETRY_DEBUG=1`): print what would be sent instead of sending it.

A console exporter wraps a real one and prints that exporter's exact request body to
stderr, labelled with its destination. It never opens a socket and always reports
SENT, so the queue drains as it would with a working network.
"""

from __future__ import annotations

import sys

from ..model import StoredEvent
from ..outcome import Outcome
from .exporter import Exporter
from .jsonapi import encode_json


class ConsoleExporter(Exporter):
    def __init__(self, inner: Exporter | None = None) -> None:
        self.inner = inner
        self.label = inner.name if inner else "json"
        self.name = f"console:{inner.name}" if inner else "console"
        if inner is not None:
            for attribute in ("levels", "max_events", "max_bytes", "max_age_s"):
                setattr(self, attribute, getattr(inner, attribute))

    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        return self.inner.encode(events, now) if self.inner else encode_json(events)

    def export(self, events: list[StoredEvent], now: float, timeout: float | None = None) -> Outcome:
        try:
            text = self.encode(events, now).decode("utf-8", "replace")
            # sys.stderr is looked up here, not kept, so a redirected one (tests, the GUI) is honoured.
            sys.stderr.write(f"--- tit-app telemetry: {self.label} would receive {len(events)} event(s) ---\n{text}\n")
            sys.stderr.flush()
        except Exception as exc:  # printing must never break the app either
            return Outcome.retry(f"could not print the payload ({type(exc).__name__})")
        return Outcome.sent()
