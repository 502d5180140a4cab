"""From resolved settings to a working exporter, or a ConfigError naming the setting.

Each builder checks everything a send would otherwise trip over later (https outside
this machine, a UUID DSN key, a missing secret), so a bad setting shows up in
`status` at once instead of as a stream of failed requests.
"""

from __future__ import annotations

from typing import Any, Callable

from . import secrets
from .destinations_env import Setting, compression, parse_pairs, timeout_seconds
from .transport import ConfigError, check_url

Problems = list[tuple[str, str]]


def _value(settings: dict[str, Setting], key: str, default: Any = None) -> Any:
    return settings[key][0] if key in settings else default


def _label(settings: dict[str, Setting], key: str, fallback: str) -> str:
    return settings[key][1] if key in settings else fallback


def _secret_label(name: str) -> str:
    where = secrets.source(name)
    return secrets.ENV_VARS[name] if where == "environment" else f"keyring entry {name}"


def _missing_secret(name: str, what: str) -> ConfigError:
    hint = f" ({secrets.last_hint})" if secrets.last_hint else ""
    return ConfigError(
        f"{secrets.ENV_VARS[name]}: {what} is not set; set the variable or run "
        f"`tit-app telemetry set-secret {name}`{hint}"
    )


def otlp_url(settings: dict[str, Setting]) -> tuple[str, str]:
    """(logs URL, setting name): the logs endpoint as is, else the base plus /v1/logs (OT-T1)."""
    if "logs_endpoint" in settings:
        return settings["logs_endpoint"]
    base, label = settings.get("endpoint", ("http://localhost:4318", "destinations.toml otlp.endpoint"))
    return str(base).rstrip("/") + "/v1/logs", label


def build_ga4(settings: dict[str, Setting], problems: Problems):
    from .exporters.ga4 import DEFAULT_ENDPOINT, Ga4Exporter

    endpoint = check_url(_label(settings, "endpoint", "TIT_GA4_ENDPOINT"), str(_value(settings, "endpoint", DEFAULT_ENDPOINT)))
    measurement_id = str(_value(settings, "measurement_id", "")).strip()
    label = _label(settings, "measurement_id", "TIT_GA4_MEASUREMENT_ID")
    if not measurement_id.startswith("G-") or len(measurement_id) < 4:
        raise ConfigError(f"{label}: expected a measurement id like G-XXXXXXXXXX (not the numeric stream id)")
    api_secret = secrets.get_secret("ga4_api_secret")
    if not api_secret:
        raise _missing_secret("ga4_api_secret", "the GA4 API secret")
    return Ga4Exporter(endpoint, measurement_id, api_secret)


def build_otlp(settings: dict[str, Setting], problems: Problems):
    from .exporters.otlp import OtlpExporter

    url, label = otlp_url(settings)
    check_url(label, url)
    raw_headers = secrets.get_secret("otlp_headers")
    headers = parse_pairs(raw_headers, _secret_label("otlp_headers")) if raw_headers else {}
    resource = {}
    if "resource_attributes" in settings:
        try:  # on any decode error the whole variable is discarded (protocols.md §2.6)
            resource = parse_pairs(*settings["resource_attributes"])
        except ConfigError as exc:
            problems.append((settings["resource_attributes"][1], f"{exc}; all resource attributes from it are ignored"))
    return OtlpExporter(
        url,
        headers=headers,
        compression=compression(_value(settings, "compression"), _label(settings, "compression", "compression"), problems),
        timeout_s=timeout_seconds(_value(settings, "timeout_ms"), _label(settings, "timeout_ms", "timeout_ms"), problems),
        service_name=_value(settings, "service_name") or None,
        resource_extra=resource,
        verify=_value(settings, "certificate") or None,
    )


def build_sentry(settings: dict[str, Setting], problems: Problems):
    from .exporters.sentry import SentryExporter
    from .exporters.sentry_dsn import parse_dsn

    dsn = secrets.get_secret("sentry_dsn")
    if not dsn:
        raise _missing_secret("sentry_dsn", "the DSN")
    return SentryExporter(parse_dsn(dsn, _secret_label("sentry_dsn")))


def build_json(settings: dict[str, Setting], problems: Problems):
    from .exporters.jsonapi import JsonExporter

    url = str(_value(settings, "url", "")).strip()
    label = _label(settings, "url", "TIT_JSON_ENDPOINT")
    if not url:
        raise ConfigError(f"{label}: the JSON endpoint URL is not set")
    return JsonExporter(check_url(label, url), token=secrets.get_secret("json_token"))


BUILDERS: dict[str, Callable[[dict[str, Setting], Problems], Any]] = {
    "ga4": build_ga4,
    "otlp": build_otlp,
    "sentry": build_sentry,
    "json": build_json,
}
