"""OTLP/HTTP logs in the JSON encoding (protocols.md §2): one log record per event.

Each event becomes an Event record (`eventName`, OT-S5) under a resource describing
the installation; records of different installations or versions get separate
ResourceLogs. Retries follow OT-R3 (429, 502, 503, 504 only); a partial success is
counted as dropped, never retried (OT-R2).
"""

from __future__ import annotations

import gzip
from typing import Any, Mapping

from ..model import StoredEvent
from ..outcome import SENT, Outcome
from .base import HttpExporter, compact_json
from .otlp_resource import key_values, resource_attributes, resource_key

SCOPE_NAME = "tit_app.telemetry"
SEVERITY = {"errors": 17, "usage": 9}  # ERROR and INFO (OT-S2)
RETRY_STATUSES = frozenset({429, 502, 503, 504})  # OT-R3: every other 4xx/5xx is final
MAX_RESPONSE_TEXT = 200


def log_record(event: StoredEvent) -> dict[str, Any]:
    nanos = str(event.time_us * 1000)
    attributes = {
        "log.record.uid": event.event_id,  # stable across retries so receivers can de-duplicate
        "session.id": event.session_id,
        "tit_app.sequence": event.seq,
        "tit_app.interface": event.system.get("interface"),
        **event.params,
    }
    if event.frames:
        attributes["exception.stacktrace"] = "\n".join(_frame_line(f) for f in event.frames)
    return {
        "timeUnixNano": nanos,
        "observedTimeUnixNano": nanos,
        "severityNumber": SEVERITY.get(event.level, 9),
        "eventName": f"tit_app.{event.name}",
        "attributes": key_values(attributes),
    }


def _frame_line(frame: Mapping[str, Any]) -> str:
    return f"{frame.get('module', '?')}:{frame.get('function', '?')}:{frame.get('lineno', '?')}"


class OtlpExporter(HttpExporter):
    name = "otlp"
    levels = frozenset({"errors", "usage"})
    max_events = 500
    max_bytes = 2_000_000  # far below the 64 MiB a collector accepts (OT-T4)
    retry_statuses = RETRY_STATUSES

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        compression: str = "none",
        timeout_s: float = 10.0,
        service_name: str | None = None,
        resource_extra: Mapping[str, str] | None = None,
        verify: str | None = None,
    ) -> None:
        super().__init__(url, verify)
        self._headers = dict(headers or {})
        self.compression = compression
        self.timeout = (min(3.0, timeout_s), timeout_s)
        self.service_name = service_name
        self.resource_extra = dict(resource_extra or {})

    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        from tit_app import __version__

        groups: dict[tuple, list[StoredEvent]] = {}
        for event in events:
            groups.setdefault(resource_key(event), []).append(event)
        resource_logs = [
            {
                "resource": {"attributes": key_values(self._resource(group[0]))},
                "scopeLogs": [
                    {"scope": {"name": SCOPE_NAME, "version": __version__}, "logRecords": [log_record(e) for e in group]}
                ],
            }
            for group in groups.values()
        ]
        return compact_json({"resourceLogs": resource_logs})

    def _resource(self, event: StoredEvent) -> dict[str, Any]:
        return resource_attributes(event.client_id, event.system, self.service_name, self.resource_extra)

    def secret_values(self) -> tuple[str, ...]:
        # "Bearer <token>": the token alone may be echoed too. Longest first, so whole values go first.
        parts = {p for v in self._headers.values() for p in (v, *v.split()) if len(p) >= 8}
        return tuple(sorted(parts, key=len, reverse=True))

    def request_headers(self) -> dict[str, str]:
        headers = {**self._headers, **super().request_headers()}
        if self.compression == "gzip":
            headers["Content-Encoding"] = "gzip"
        return headers

    def wire_body(self, body: bytes) -> bytes:
        # mtime=0 keeps the compressed bytes reproducible.
        return gzip.compress(body, mtime=0) if self.compression == "gzip" else body

    def interpret(self, outcome: Outcome, reply: Any, events: list[StoredEvent], now: float) -> Outcome:
        if outcome.verdict is not SENT or reply is None:
            return outcome
        partial = _partial_success(reply)
        if partial is None:
            return outcome
        rejected, message = partial
        return Outcome.sent(f"the collector refused {rejected} record(s): {message}" if rejected else message).with_rejected(
            {}, rejected
        )


def _partial_success(reply: Any) -> tuple[int, str] | None:
    """(rejectedLogRecords, errorMessage) from a JSON reply, or None when there is nothing to note."""
    try:
        partial = reply.json().get("partialSuccess") or {}
        rejected = int(partial.get("rejectedLogRecords") or 0)
        message = str(partial.get("errorMessage") or "")[:MAX_RESPONSE_TEXT]
    except (ValueError, AttributeError, TypeError):
        return None  # protobuf or garbage: a 2xx without a readable partial success is a success
    if rejected <= 0 and not message:
        return None
    return max(rejected, 0), message
