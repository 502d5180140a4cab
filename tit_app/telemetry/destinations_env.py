"""The environment's layer of destination settings (the highest precedence).

OpenTelemetry's standard variables configure OTLP (protocols.md §2.6); TIT_* variables
configure the others. Empty variables count as unset (OT-E1). Secrets are not read
here: `secrets.get_secret` finds them in the environment or the keyring at build time.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote

from .transport import ConfigError

Setting = tuple[Any, str]  # (value, the name of the setting it came from)


def _env(*names: str) -> tuple[str, str] | None:
    """The first non-empty variable among `names`, as (value, name)."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value, name
    return None


def otel_disabled() -> bool:
    # OTEL_SDK_DISABLED: only a case-insensitive "true" disables (protocols.md §2.6).
    return os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"


def otlp_layer(problems: list[tuple[str, str]]) -> dict[str, Setting]:
    layer: dict[str, Setting] = {}
    logs = _env("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
    base = _env("OTEL_EXPORTER_OTLP_ENDPOINT")
    if logs:
        layer["logs_endpoint"] = logs
    elif base:
        layer["endpoint"] = base
    if logs or base:
        layer["enabled"] = (True, (logs or base)[1])
    for key, names in (
        ("compression", ("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION")),
        ("timeout_ms", ("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")),
        ("certificate", ("OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE", "OTEL_EXPORTER_OTLP_CERTIFICATE")),
        ("service_name", ("OTEL_SERVICE_NAME",)),
        ("resource_attributes", ("OTEL_RESOURCE_ATTRIBUTES",)),
    ):
        found = _env(*names)
        if found:
            layer[key] = found
    protocol = _env("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
    if protocol and protocol[0].lower() != "http/json":
        problems.append((protocol[1], f"{protocol[0]!r} is not supported; tit-app sends OTLP/HTTP with JSON (http/json)"))
    disabled = os.environ.get("OTEL_SDK_DISABLED", "").strip()
    if disabled and disabled.lower() not in ("true", "false"):
        problems.append(("OTEL_SDK_DISABLED", f'only "true" disables OpenTelemetry export; {disabled!r} is ignored'))
    return layer


def other_layers() -> dict[str, dict[str, Setting]]:
    layers: dict[str, dict[str, Setting]] = {"ga4": {}, "sentry": {}, "json": {}}
    measurement = _env("TIT_GA4_MEASUREMENT_ID")
    if measurement:
        layers["ga4"].update(measurement_id=measurement, enabled=(True, measurement[1]))
    endpoint = _env("TIT_GA4_ENDPOINT")
    if endpoint:
        layers["ga4"]["endpoint"] = endpoint
    dsn = _env("TIT_SENTRY_DSN")
    if dsn:
        layers["sentry"]["enabled"] = (True, dsn[1])
    url = _env("TIT_JSON_ENDPOINT")
    if url:
        layers["json"].update(url=url, enabled=(True, url[1]))
    return layers


def environment_layer() -> tuple[dict[str, dict[str, Setting]], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    layers = other_layers()
    layers["otlp"] = otlp_layer(problems)
    return {k: v for k, v in layers.items() if v}, problems


def parse_pairs(text: str, setting: str) -> dict[str, str]:
    """`k=v,k2=v2` with percent-encoded values (W3C baggage style) -> dict.

    The error names the setting and the position, never the values: these may be tokens.
    """
    pairs: dict[str, str] = {}
    for index, item in enumerate(text.split(","), start=1):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        try:
            key, value = unquote(key.strip(), errors="strict"), unquote(value.strip(), errors="strict")
        except UnicodeDecodeError:
            raise ConfigError(f"{setting}: entry {index} is badly percent-encoded") from None
        if not sep or not key or any(c.isspace() for c in key):
            raise ConfigError(f"{setting}: entry {index} is not of the form key=value")
        pairs[key] = value
    return pairs


def timeout_seconds(value: Any, setting: str, problems: list[tuple[str, str]]) -> float:
    """OTLP timeout: milliseconds, as the specification says (opentelemetry-python reads seconds)."""
    default = 10.0
    if value in (None, ""):
        return default
    try:
        millis = float(value)
    except (TypeError, ValueError):
        problems.append((setting, f"{value!r} is not a number of milliseconds; using {default:g} s"))
        return default
    if millis <= 0 or millis != millis:
        return default  # "no limit" still gets our bound: quitting never waits on the network
    if millis < 100:
        problems.append((setting, f"{millis:g} is read as milliseconds (OpenTelemetry specification); "
                         f"did you mean {millis * 1000:g}?"))
    return millis / 1000.0


def compression(value: Any, setting: str, problems: list[tuple[str, str]]) -> str:
    text = str(value or "none").strip().lower()
    if text in ("gzip", "none"):
        return text
    problems.append((setting, f"{value!r} is not supported (use gzip or none); sending uncompressed"))
    return "none"
