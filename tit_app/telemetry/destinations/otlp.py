"""OTLP/HTTP logs in the JSON encoding (docs/protocols.md §2): one log record per event.

Each event becomes an Event record (`eventName`, OT-S5) under a resource describing
the installation; records of different installations or versions get separate
ResourceLogs. Retries follow OT-R3 (429, 502, 503, 504 only); a partial success is
counted as dropped, never retried (OT-R2). Configured by OpenTelemetry's standard
environment variables (§2.6) or `destinations.json`.
"""

from __future__ import annotations

import gzip
import os
import sys
from typing import Any, Mapping
from urllib.parse import unquote

from ..model import DELETION, StoredEvent
from ..outcome import SENT, Outcome
from ..transport import ConfigError, check_url, shown_url
from . import secrets
from .exporter import HttpExporter, compact_json
from .kind import DestinationKind, Problems, Settings, first_variable, label, no_extra_options, secret_label, value

HEADERS = secrets.Secret(
    "otlp_headers", "OTEL_EXPORTER_OTLP_HEADERS", "`k=v,k2=v2` headers, e.g. an auth token",
    preferred=("OTEL_EXPORTER_OTLP_LOGS_HEADERS",),  # the logs-specific variable wins (§2.6)
)
DEFAULT_BASE = "http://localhost:4318"
DEFAULT_TIMEOUT_S = 10.0
COMPRESSIONS = ("gzip", "none")


# -- OTLP/JSON building blocks: typed attributes and the resource (§2.2-2.4, §2.7) ---------------

# Our system params use the app's own spellings; semconv has its own enums.
_OS_TYPE = {"windows": "windows", "linux": "linux", "darwin": "darwin"}
_HOST_ARCH = {"x86_64": "amd64", "arm64": "arm64", "x86": "x86", "armv7": "arm32"}
# Keys that say who produced the data; OTEL_RESOURCE_ATTRIBUTES may not change them.
IDENTITY_KEYS = frozenset({"service.instance.id", "telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version"})


def any_value(value: Any) -> dict[str, Any]:
    """An AnyValue with exactly one variant (OT-A1); int64 as a decimal string (OT-J2)."""
    kind = type(value)  # exact types first: this runs for every attribute of every record
    if kind is str:
        return {"stringValue": value}
    if kind is bool:
        return {"boolValue": value}
    if kind is int or isinstance(value, int) and not isinstance(value, bool):
        return {"intValue": str(value)}
    if kind is float or isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": str(value)}


def key_values(mapping: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Attributes in a stable order; a dict already guarantees unique keys (OT-S3)."""
    return [{"key": k, "value": any_value(v)} for k, v in mapping.items() if v is not None]


def resource_attributes(
    client_id: str, system: Mapping[str, Any], service_name: str | None, extra: Mapping[str, str]
) -> dict[str, Any]:
    """Semconv resource attributes built from the event's own system params.

    Only what the catalog's system params already say is described, so OTLP reveals
    nothing about the machine that GA4 or the Privacy page would not show.
    """
    from tit_app import __version__

    attrs: dict[str, Any] = {
        "service.name": "tit-app",
        "service.version": system.get("tit_version") or __version__,
        "service.instance.id": client_id,
        "deployment.environment.name": "development" if system.get("internal") else "production",
        "os.type": _OS_TYPE.get(str(system.get("os_name"))),
        "os.version": system.get("os_version"),
        "host.arch": _HOST_ARCH.get(str(system.get("arch"))),
        "process.runtime.name": sys.implementation.name,
        "process.runtime.version": system.get("python_version"),
        "telemetry.sdk.name": "tit-app",
        "telemetry.sdk.language": "python",
        "telemetry.sdk.version": __version__,
    }
    attrs.update({k: v for k, v in extra.items() if k not in IDENTITY_KEYS})
    if service_name:  # OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES
        attrs["service.name"] = service_name
    return {k: v for k, v in attrs.items() if v is not None}


def resource_key(event: Any) -> tuple:
    """Events that share a resource can share one ResourceLogs entry."""
    system = event.system
    return (event.client_id, *(str(system.get(k)) for k in ("tit_version", "os_name", "os_version", "arch", "python_version", "internal")))


# -- the exporter -----------------------------------------------------------------------------

SCOPE_NAME = "tit_app.telemetry"
SEVERITY = {"errors": 17, "usage": 9}  # ERROR and INFO (OT-S2)
RETRY_STATUSES = frozenset({429, 502, 503, 504})  # OT-R3: every other 4xx/5xx is final
MAX_RESPONSE_TEXT = 200


def log_record(event: StoredEvent) -> dict[str, Any]:
    nanos = str(event.time_us * 1000)
    if event.is_deletion_request:  # the old id (in the resource) and this request's own id, nothing else
        attributes = {"log.record.uid": event.event_id}
    else:
        attributes = event_attributes(event)
    return {
        "timeUnixNano": nanos,
        "observedTimeUnixNano": nanos,
        "severityNumber": SEVERITY.get(event.level, 9),
        "eventName": f"tit_app.{event.name}",
        "attributes": key_values(attributes),
    }


def event_attributes(event: StoredEvent) -> dict[str, Any]:
    attributes = {
        "log.record.uid": event.event_id,  # stable across retries so receivers can de-duplicate
        "session.id": event.session_id,
        "tit_app.sequence": event.seq,
        "tit_app.interface": event.system.get("interface"),
        **event.params,
    }
    if event.params.get("error_type"):  # semconv's names for an exception in a log record
        attributes["exception.type"] = event.params["error_type"]
        attributes["exception.message"] = event.params.get("error_detail", "")
    if event.frames:
        attributes["exception.stacktrace"] = "\n".join(_frame_line(f) for f in event.frames)
    return attributes


def _frame_line(frame: Mapping[str, Any]) -> str:
    return f"{frame.get('module', '?')}:{frame.get('function', '?')}:{frame.get('lineno', '?')}"


class OtlpExporter(HttpExporter):
    name = "otlp"
    levels = frozenset({"errors", "usage", DELETION})
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
        if event.is_deletion_request:
            return {"service.name": self.service_name or "tit-app", "service.instance.id": event.client_id}
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
    """(rejectedLogRecords, errorMessage) from a JSON reply, or None when there is nothing to note.

    The reply is untrusted: Python's json reads `Infinity`, `NaN`, `1e400` and 30-digit
    numbers, so the count is parsed here and anything that is not a plain non-negative
    whole number reads as "unknown" (0) rather than raising (which would resend the batch).
    """
    try:
        partial = reply.json().get("partialSuccess") or {}
        rejected = _count(partial.get("rejectedLogRecords"))
        message = str(partial.get("errorMessage") or "")[:MAX_RESPONSE_TEXT]
    except (ValueError, AttributeError, TypeError, RecursionError):
        return None  # protobuf or garbage: a 2xx without a readable partial success is a success
    if rejected == 0 and not message:
        return None
    return rejected, message


_MAX_COUNT = (1 << 63) - 1  # int64 (OT-J2); the sender also caps the count at the batch's size


def _count(raw: Any) -> int:
    """A JSON int64 (a number or a decimal string) as a count in [0, int64 max].

    Too large (Infinity, 1e400, 30 digits) reads as "all of them", which the sender caps at
    the batch; negative, NaN or not a number reads as 0.
    """
    if isinstance(raw, str):
        text = raw.strip()
        if not (text.isascii() and text.isdigit()):
            return 0
        raw = _MAX_COUNT if len(text) > 19 else int(text)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw != raw or raw < 0:
        return 0
    return _MAX_COUNT if raw >= _MAX_COUNT else int(raw)


# -- settings ---------------------------------------------------------------------------------


def disabled_by_environment() -> bool:
    # OTEL_SDK_DISABLED: only a case-insensitive "true" disables (docs/protocols.md §2.6).
    return os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"


_OPTIONAL_VARIABLES = (
    ("compression", ("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION")),
    ("timeout_ms", ("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")),
    ("certificate", ("OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE", "OTEL_EXPORTER_OTLP_CERTIFICATE")),
    ("service_name", ("OTEL_SERVICE_NAME",)),
    ("resource_attributes", ("OTEL_RESOURCE_ATTRIBUTES",)),
)


def environment(problems: Problems) -> Settings:
    layer: Settings = {}
    logs = first_variable("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
    base = first_variable("OTEL_EXPORTER_OTLP_ENDPOINT")
    if logs:
        layer["logs_endpoint"] = logs
    elif base:
        layer["endpoint"] = base
    if logs or base:
        layer["enabled"] = (True, (logs or base)[1])
    for key, names in _OPTIONAL_VARIABLES:
        found = first_variable(*names)
        if found:
            layer[key] = found
    protocol = first_variable("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
    if protocol and protocol[0].lower() != "http/json":
        problems.append((protocol[1], f"{protocol[0]!r} is not supported; tit-app sends OTLP/HTTP with JSON (http/json)"))
    disabled = os.environ.get("OTEL_SDK_DISABLED", "").strip()
    if disabled and disabled.lower() not in ("true", "false"):
        problems.append(("OTEL_SDK_DISABLED", f'only "true" disables OpenTelemetry export; {disabled!r} is ignored'))
    if disabled_by_environment():
        layer["enabled"] = (False, "OTEL_SDK_DISABLED")
    return layer


def parse_pairs(text: str, setting: str) -> dict[str, str]:
    """`k=v,k2=v2` with percent-encoded values (W3C baggage style) -> dict.

    The error names the setting and the position, never the values: these may be tokens.
    """
    pairs: dict[str, str] = {}
    for index, item in enumerate(text.split(","), start=1):
        if not item.strip():
            continue
        key, sep, raw = item.partition("=")
        try:
            key, raw = unquote(key.strip(), errors="strict"), unquote(raw.strip(), errors="strict")
        except UnicodeDecodeError:
            raise ConfigError(f"{setting}: entry {index} is badly percent-encoded") from None
        if not sep or not key or any(c.isspace() for c in key):
            raise ConfigError(f"{setting}: entry {index} is not of the form key=value")
        pairs[key] = raw
    return pairs


def timeout_seconds(raw: Any, setting: str, problems: Problems) -> float:
    """OTLP timeout: milliseconds, as the specification says (opentelemetry-python reads seconds)."""
    if raw in (None, ""):
        return DEFAULT_TIMEOUT_S
    try:
        millis = float(raw)
    except (TypeError, ValueError):
        problems.append((setting, f"{raw!r} is not a number of milliseconds; using {DEFAULT_TIMEOUT_S:g} s"))
        return DEFAULT_TIMEOUT_S
    if millis <= 0 or millis != millis:
        return DEFAULT_TIMEOUT_S  # "no limit" still gets our bound: quitting never waits on the network
    if millis < 100:
        problems.append((setting, f"{millis:g} is read as milliseconds (OpenTelemetry specification); "
                         f"did you mean {millis * 1000:g}?"))
    return millis / 1000.0


def compression(raw: Any, setting: str, problems: Problems) -> str:
    text = str(raw or "none").strip().lower()
    if text in COMPRESSIONS:
        return text
    problems.append((setting, f"{raw!r} is not supported (use gzip or none); sending uncompressed"))
    return "none"


def logs_url(settings: Settings) -> tuple[str, str]:
    """(logs URL, setting name): the logs endpoint as is, else the base plus /v1/logs (OT-T1)."""
    if "logs_endpoint" in settings:
        return settings["logs_endpoint"]
    base, setting = settings.get("endpoint", (DEFAULT_BASE, "destinations.toml otlp.endpoint"))
    return str(base).rstrip("/") + "/v1/logs", setting


def _resource_from(settings: Settings, problems: Problems) -> dict[str, str]:
    if "resource_attributes" not in settings:
        return {}
    try:  # on any decode error the whole variable is discarded (docs/protocols.md §2.6)
        return parse_pairs(*settings["resource_attributes"])
    except ConfigError as exc:
        problems.append((settings["resource_attributes"][1], f"{exc}; all resource attributes from it are ignored"))
        return {}


def build(settings: Settings, problems: Problems) -> OtlpExporter:
    url, setting = logs_url(settings)
    check_url(setting, url)
    raw_headers = secrets.get_secret(HEADERS)
    return OtlpExporter(
        url,
        headers=parse_pairs(raw_headers, secret_label(HEADERS)) if raw_headers else {},
        compression=compression(value(settings, "compression"), label(settings, "compression", "compression"), problems),
        timeout_s=timeout_seconds(value(settings, "timeout_ms"), label(settings, "timeout_ms", "timeout_ms"), problems),
        service_name=value(settings, "service_name") or None,
        resource_extra=_resource_from(settings, problems),
        verify=value(settings, "certificate") or None,
    )


def entry(url: str, options: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    secret = options.pop("headers", None)
    if not url:
        raise ConfigError("URL: the collector's URL is needed (e.g. http://localhost:4318)")
    url = check_url("URL", url)
    # A URL already ending in /v1/logs is the logs endpoint itself; anything else is the base.
    settings: dict[str, Any] = {"enabled": True}
    settings["logs_endpoint" if url.rstrip("/").endswith("/v1/logs") else "endpoint"] = url
    chosen = str(options.pop("compression", "none")).lower()
    if chosen not in COMPRESSIONS:
        raise ConfigError("--compression: expected gzip or none")
    settings["compression"] = chosen
    if "timeout_ms" in options:
        timeout = options.pop("timeout_ms")
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ConfigError("--timeout-ms: expected a positive number of milliseconds")
        settings["timeout_ms"] = timeout
    no_extra_options(options)
    return settings, secret


KIND = DestinationKind(
    name="otlp",
    user_keys=("enabled", "endpoint", "logs_endpoint", "compression", "timeout_ms", "service_name", "resource_attributes"),
    secret=HEADERS,
    environment=environment,
    build=build,
    entry=entry,
    display_url=lambda settings: shown_url(str(logs_url(settings)[0])),
    variables=(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "OTEL_SDK_DISABLED",
        *(name for _key, names in _OPTIONAL_VARIABLES for name in names),
    ),
    fields={
        "resourceLogs": "OTLP's list of records grouped by the installation that produced them",
        "resource": "the installation that produced the records",
        "attributes": "a list of key-value pairs (each key is described here or in the catalog)",
        "key": "an attribute's name", "value": "an attribute's value",
        "stringValue": "a text value", "intValue": "a whole-number value", "doubleValue": "a decimal value",
        "boolValue": "a true/false value",
        "scopeLogs": "OTLP's grouping of records by the code that wrote them",
        "scope": "the code that wrote the records: always tit_app.telemetry",
        "name": "the name of that code", "version": "the tit_app version",
        "logRecords": "the events, one record each",
        "timeUnixNano": "when the event happened, in nanoseconds since 1970",
        "observedTimeUnixNano": "the same time again (OTLP wants both)",
        "severityNumber": "9 for usage events, 17 for error-level events",
        "eventName": "the event's name from the catalog, prefixed tit_app.",
        "service.name": "tit-app (or the name your administrator set in OTEL_SERVICE_NAME)",
        "service.version": "the tit_app version",
        "service.instance.id": "the anonymous installation id: random; deleted at opt-out, replaced at a reset",
        "deployment.environment.name": "development for internal runs, production otherwise (from internal)",
        "os.type": "the operating-system family (from os_name)",
        "os.version": "the operating-system release (from os_version)",
        "host.arch": "the processor architecture (from arch)",
        "process.runtime.name": "the Python implementation, e.g. cpython",
        "process.runtime.version": "the Python version (from python_version)",
        "telemetry.sdk.name": "always tit-app", "telemetry.sdk.language": "always python",
        "telemetry.sdk.version": "the tit_app version",
        "log.record.uid": "a random id of this event, the same on every retry so the receiver can remove duplicates",
        "session.id": "a random number for this run of the app, renewed with the anonymous id",
        "tit_app.sequence": "the event's position in its session",
        "tit_app.interface": "desktop window or command line (from interface)",
        "exception.type": "error-level events only: the error's type (from error_type)",
        "exception.message": "error-level events only: the scrubbed error message (from error_detail)",
        "exception.stacktrace": "error-level events only: the app's own functions on the stack, as module:function:line",
    },
)
