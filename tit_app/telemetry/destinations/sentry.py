"""Sentry-compatible envelopes for GlitchTip or Sentry (docs/protocols.md §3): error-level events only.

One envelope per event (SE-E5). Events with an error type become exception events with
the app's own frames; others (telemetry_health) become message events. `sent_at` is
set when the envelope is built for sending, never stored (SE-E3). The DSN is the secret:
its key authenticates (SE-A1), so it lives in the environment or the keyring and only its
key-less form is ever written to `destinations.json` or shown.
"""

from __future__ import annotations

import datetime
import platform
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from .. import transport
from ..backoff import parse_retry_after
from ..model import StoredEvent
from ..outcome import DROP, Outcome
from ..transport import ConfigError, check_url
from . import secrets
from .exporter import HttpExporter, compact_json
from .kind import DestinationKind, Problems, Settings, first_variable, missing_secret, secret_label, value

DSN = secrets.Secret("sentry_dsn", "TIT_SENTRY_DSN", "the whole DSN (its key authenticates)")


# -- the DSN (SE-D1..D3, SE-A1) ------------------------------------------------------------------

_UUID_HEX = re.compile(r"[0-9a-fA-F]{32}")


@dataclass(frozen=True)
class Dsn:
    envelope_url: str
    public_key: str = field(repr=False)
    secret_key: str | None = field(default=None, repr=False)

    def auth_header(self, client: str) -> str:
        value = f"Sentry sentry_version=7, sentry_client={client}, sentry_key={self.public_key}"
        return value + (f", sentry_secret={self.secret_key}" if self.secret_key else "")


def parse_dsn(dsn: str, setting: str) -> Dsn:
    """Parse `{scheme}://{key}[:{secret}]@{host}{path}/{project}`; ConfigError names `setting`.

    Parsed by the same parser the requests go through (`transport.parse_url`), so the host
    checked here is the host connected to.
    """
    parsed = transport.parse_url(setting, dsn, allow_userinfo=True)
    key, _, secret = (parsed.auth or "").partition(":")
    if not key:
        raise ConfigError(f"{setting}: the DSN has no public key (expected https://KEY@host/PROJECT)")
    if not _UUID_HEX.fullmatch(key.replace("-", "")):
        raise ConfigError(f"{setting}: the public key must be a UUID (32 hex characters) (SE-D3)")
    path, _, project = (parsed.path or "").rstrip("/").rpartition("/")
    if not project:
        raise ConfigError(f"{setting}: the DSN has no project id at the end of its path")
    base = f"{parsed.scheme}://{parsed.netloc}"
    check_url(setting, base + "/")
    return Dsn(f"{base}{path}/api/{project}/envelope/", key, secret or None)


def display_url(dsn: str) -> str:
    """The DSN without its key, safe to show and to write in destinations.json."""
    try:
        parts = urlsplit(dsn.strip())
        return transport.shown_url(f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}")
    except ValueError:
        return "(invalid DSN)"


# -- rate limits, kept in memory per exporter (SE-R1..R5) -------------------------------------
#
# Each limit is a window per category ("" = all categories). An event of a limited
# category is dropped (SE-R5), both when the exporter is called during the window and
# when the event happened inside a window that has since ended (the sender holds the
# destination meanwhile, so such events wait in the queue until the hold ends).

ALL = ""
DEFAULT_429_S = 60.0  # SE-R3: a 429 with neither header
KNOWN = frozenset(
    "default error transaction monitor span log_item log_byte security attachment session profile "
    "profile_chunk replay feedback trace_metric trace_metric_byte internal".split()
)


def parse_header(value: str) -> list[tuple[float, list[str]]]:
    """`retry_after:categories:scope:reason...` items -> [(seconds, categories)] (SE-R2).

    An empty category list means all categories; scope, reason and extra fields are
    ignored; items that do not parse, or name only unknown categories, are skipped.
    """
    limits = []
    for item in value.split(","):
        fields = [f.strip() for f in item.strip().split(":")]
        try:
            seconds = float(fields[0])
        except ValueError:
            continue
        if seconds < 0 or seconds != seconds:
            continue
        names = [c for c in (fields[1].split(";") if len(fields) > 1 else []) if c.strip()]
        if not names:
            limits.append((seconds, [ALL]))
            continue
        known = [c.strip() for c in names if c.strip() in KNOWN]
        if known:
            limits.append((seconds, known))
    return limits


class RateLimits:
    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, float]] = {}  # category -> (start, until)

    def update(self, status: int, headers: Mapping[str, Any], now: float) -> None:
        """Read limits from any response (SE-R3: on every response, not only 429)."""
        header = headers.get("X-Sentry-Rate-Limits")
        if header:
            for seconds, categories in parse_header(header):
                for category in categories:
                    self._limit(category, now, now + seconds)
        elif status == 429:
            seconds = parse_retry_after(headers.get("Retry-After"), now)
            self._limit(ALL, now, now + (DEFAULT_429_S if seconds is None else seconds))

    def _limit(self, category: str, now: float, until: float) -> None:
        start, old_until = self._windows.get(category, (now, 0.0))
        if old_until < now:  # the old window ended: a new one starts now
            start = now
        self._windows[category] = (start, max(until, old_until))  # keep the longest (SE-R3)

    def applies(self, category: str, event_time: float, now: float) -> bool:
        """True if the category is limited now, or the event happened during a limit."""
        for key in (category, ALL):
            start, until = self._windows.get(key, (0.0, 0.0))
            if now < until or start <= event_time < until:
                return True
        return False

    def hold_until(self, categories: Iterable[str], now: float) -> float | None:
        """If every one of `categories` is limited now, when the first of them is free again; else None."""
        ends = []
        for category in categories:
            until = max(self._windows.get(category, (0, 0))[1], self._windows.get(ALL, (0, 0))[1])
            if until <= now:
                return None
            ends.append(until)
        return min(ends) if ends else None


# -- the envelope and the exporter --------------------------------------------------------------

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
        "where": event.params.get("where"),  # app_crash: gui, cli, thread or native
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
            return replace(outcome, retry_after=max(hold, outcome.retry_after or 0.0))
        return outcome

    def _hold(self, now: float) -> float | None:
        until = self.limits.hold_until(CATEGORIES, now)
        return None if until is None else until - now


# -- settings ---------------------------------------------------------------------------------


def environment(problems: Problems) -> Settings:
    dsn = first_variable("TIT_SENTRY_DSN")
    return {"enabled": (True, dsn[1])} if dsn else {}


def build(settings: Settings, problems: Problems) -> SentryExporter:
    dsn = secrets.get_secret(DSN)
    if not dsn:
        raise missing_secret(DSN, "the DSN")
    return SentryExporter(parse_dsn(dsn, secret_label(DSN)))


def entry(url: str, options: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The DSN is both the address and the secret: only its key-less form is kept in settings."""
    parse_dsn(url or "", "DSN")  # fails early on a key that is not a UUID (SE-D3)
    return {"enabled": True, "url": display_url(url)}, url


def _shown_url(settings: Settings) -> str:
    dsn = secrets.get_secret(DSN)
    return display_url(dsn) if dsn else transport.shown_url(str(value(settings, "url", "")))


KIND = DestinationKind(
    name="sentry",
    user_keys=("enabled", "url"),
    secret=DSN,
    environment=environment,
    build=build,
    entry=entry,
    display_url=_shown_url,
    fields={
        "event_id": "a random id of this event, the same on every retry so the receiver can remove duplicates",
        "sent_at": "when this request was sent",
        "sdk": "the software that sent it", "name": "always tit-app", "version": "the tit_app version",
        "type": "always event", "length": "the size of the event in bytes", "content_type": "always application/json",
        "timestamp": "when the event happened",
        "platform": "always python",
        "level": "error for failures, warning otherwise",
        "release": "tit-app@ and the tit_app version",
        "environment": "development for internal runs, production otherwise (from internal)",
        "tags": "searchable copies of os_name, arch, interface, the event's name, and its status or where",
        "event": "the event's name from the catalog",
        "contexts": "the operating system, Python and app versions, from the parameters added to every event",
        "os": "the operating-system family and release", "runtime": "the Python implementation and version",
        "app": "the app's name and version", "app_name": "always tit-app", "app_version": "the tit_app version",
        "extra": "the event's other parameters",
        "exception": "the error: its type, its scrubbed message and the app's own stack frames",
        "values": "the list of errors (always one)", "value": "the scrubbed error message (from error_detail)",
        "mechanism": "how the error was caught", "handled": "always false: the operation failed, or nothing caught the error",
        "stacktrace": "the app's own functions on the stack", "frames": "the stack frames, caller first",
        "module": "a stack frame's Python module (tit_app code only, no paths)",
        "function": "a stack frame's function name", "lineno": "a stack frame's line number",
        "in_app": "always true: only the app's own frames are kept",
        "fingerprint": "groups reports of the same bug (from error_fingerprint)",
        "message": "for error-level events that are not exceptions: the event and its parameters",
        "formatted": "that message as text",
    },
)
