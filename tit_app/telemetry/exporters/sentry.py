"""Sentry-compatible envelopes for GlitchTip or Sentry (protocols.md §3): error-level events only.

One envelope per event (SE-E5). Events with an error type become exception events with
the app's own frames; others (telemetry_health) become message events. `sent_at` is
set when the envelope is built for sending, never stored (SE-E3).
"""

from __future__ import annotations

import datetime
import platform
from typing import Any, Mapping

from .. import transport
from ..model import StoredEvent
from ..outcome import DROP, Outcome
from .base import HttpExporter, compact_json
from .sentry_dsn import Dsn
from .sentry_ratelimit import RateLimits

OS_NAMES = {"windows": "Windows", "darwin": "macOS", "linux": "Linux"}
ERROR_PARAMS = ("error_type", "error_detail", "error_fingerprint", "status")
MAX_FRAMES = 50  # SE-L2
MAX_TAG = 200  # SE-P6
CATEGORIES = ("error", "default")


def rfc3339(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def is_exception(event: StoredEvent) -> bool:
    return bool(event.params.get("error_type"))


def category(event: StoredEvent) -> str:
    return "error" if is_exception(event) else "default"  # SE-R4


def event_payload(event: StoredEvent) -> dict[str, Any]:
    from tit_app import __version__

    system = event.system
    version = system.get("tit_version") or __version__
    payload: dict[str, Any] = {
        "event_id": event.event_id,
        "timestamp": rfc3339(event.time_us / 1e6),
        "platform": "python",
        "level": "error" if is_exception(event) else "warning",
        "release": f"tit-app@{version}",
        "environment": "development" if system.get("internal") else "production",
        "tags": _tags(event),
        "contexts": {
            "os": {"name": OS_NAMES.get(str(system.get("os_name")), "Unknown"), "version": str(system.get("os_version", ""))},
            "runtime": {"name": platform.python_implementation(), "version": str(system.get("python_version", ""))},
            "app": {"app_name": "tit-app", "app_version": version},
        },
    }
    extra = {k: v for k, v in event.params.items() if k not in ERROR_PARAMS}
    if extra:
        payload["extra"] = extra
    if is_exception(event):
        payload["exception"] = {"values": [_exception(event)]}
        if event.params.get("error_fingerprint"):
            payload["fingerprint"] = [str(event.params["error_fingerprint"])]
    else:
        payload["message"] = {"formatted": _message(event)}
    return payload


def _tags(event: StoredEvent) -> dict[str, str]:
    tags = {
        "os_name": event.system.get("os_name"),
        "arch": event.system.get("arch"),
        "interface": event.system.get("interface"),
        "event": event.name,
        "status": event.params.get("status"),
    }
    return {k: str(v)[:MAX_TAG] for k, v in tags.items() if v is not None}


def _exception(event: StoredEvent) -> dict[str, Any]:
    value: dict[str, Any] = {
        "type": str(event.params["error_type"]),
        "value": str(event.params.get("error_detail", "")),
        "mechanism": {"type": "generic", "handled": False},
    }
    frames = [_frame(f) for f in event.frames[-MAX_FRAMES:]]
    if frames:
        value["stacktrace"] = {"frames": frames}  # caller -> callee, as stored (SE-P8)
    return value


def _frame(frame: Mapping[str, Any]) -> dict[str, Any]:
    # Module and function only: no file names, paths or local variables ever leave.
    out: dict[str, Any] = {"module": str(frame.get("module") or "?"), "function": str(frame.get("function") or "?")}
    if isinstance(frame.get("lineno"), int) and frame["lineno"] > 0:
        out["lineno"] = frame["lineno"]
    out["in_app"] = True
    return out


def _message(event: StoredEvent) -> str:
    details = ", ".join(f"{k}={v}" for k, v in event.params.items())
    return f"{event.name}: {details}" if details else event.name


def envelope(event: StoredEvent, now: float) -> bytes:
    """Envelope header, item header, payload, each on its own line (SE-E1..E4)."""
    from tit_app import __version__

    payload = compact_json(event_payload(event))
    header = {"event_id": event.event_id, "sent_at": rfc3339(now), "sdk": {"name": "tit-app", "version": __version__}}
    item = {"type": "event", "length": len(payload), "content_type": "application/json"}
    return b"\n".join((compact_json(header), compact_json(item), payload)) + b"\n"


class SentryExporter(HttpExporter):
    name = "sentry"
    levels = frozenset({"errors"})
    max_events = 1  # one event per envelope (SE-E5)
    max_bytes = 1_000_000  # SE-L1
    max_body = 1_048_576

    def __init__(self, dsn: Dsn, verify: str | None = None) -> None:
        super().__init__(dsn.envelope_url, verify)
        self._dsn = dsn
        self.limits = RateLimits()

    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        if len(events) != 1:
            raise ValueError("a Sentry envelope carries exactly one event")
        return envelope(events[0], now)

    def group_key(self, event: StoredEvent) -> Any:
        return event.event_id  # so a larger batch still goes one envelope per request

    def secret_values(self) -> tuple[str, ...]:
        return tuple(v for v in (self._dsn.public_key, self._dsn.secret_key) if v)

    def request_headers(self) -> dict[str, str]:
        auth = self._dsn.auth_header(transport.user_agent())
        return {"Content-Type": "application/x-sentry-envelope", "X-Sentry-Auth": auth}

    def before_send(self, events: list[StoredEvent], now: float) -> Outcome | None:
        event = events[0]
        if self.limits.applies(category(event), event.time_us / 1e6, now):
            return Outcome.drop(f"rate limited by the server ({category(event)} events)", "rate_limited", self._hold(now))
        return None

    def interpret(self, outcome: Outcome, reply: Any, events: list[StoredEvent], now: float) -> Outcome:
        if reply is None:
            return outcome
        self.limits.update(reply.status_code, reply.headers, now)
        hold = self._hold(now)
        if reply.status_code == 429:  # SE-R5: a rate-limited event is dropped, not queued
            return Outcome.drop(f"rate limited by the server: {outcome.reason}", "rate_limited", hold)
        if hold is not None and outcome.verdict is not DROP:
            return Outcome(outcome.verdict, outcome.reason, max(hold, outcome.retry_after or 0.0))
        return outcome

    def _hold(self, now: float) -> float | None:
        until = self.limits.hold_until(CATEGORIES, now)
        return None if until is None else until - now
