"""Showing and changing destinations: `tit-app telemetry status` and `destination list|add|remove`.

`add` writes a destinations.json entry, which never holds a secret, and puts the
secret (if given) in the keyring. Resolving the settings into exporters is
`destinations`' job; the app itself never needs this module.
"""

from __future__ import annotations

from typing import Any

from . import secrets
from .destinations import KINDS, is_enabled, read_user_file, resolve, write_user_file
from .destinations_build import otlp_url
from .destinations_env import Setting
from .transport import ConfigError, check_url

SECRET_OF = {"ga4": "ga4_api_secret", "otlp": "otlp_headers", "sentry": "sentry_dsn", "json": "json_token"}
_SECRET_OPTIONS = {"ga4": "api_secret", "otlp": "headers", "json": "token"}


def _display_url(kind: str, settings: dict[str, Setting]) -> str:
    if kind == "ga4":
        from .exporters.ga4 import DEFAULT_ENDPOINT

        base = str(settings.get("endpoint", (DEFAULT_ENDPOINT, ""))[0]).rstrip("/")
        measurement = settings.get("measurement_id", ("", ""))[0]
        if not measurement:
            return base
        return f"{base}/mp/collect?measurement_id={measurement}&api_secret={secrets.mask(secrets.get_secret('ga4_api_secret'))}"
    if kind == "otlp":
        return otlp_url(settings)[0]
    if kind == "sentry":
        from .exporters.sentry_dsn import display_url

        dsn = secrets.get_secret("sentry_dsn")
        return display_url(dsn) if dsn else str(settings.get("url", ("", ""))[0])
    return str(settings.get("url", ("", ""))[0])


def describe() -> list[dict[str, Any]]:
    """One entry per kind for `status` and `destination list`; secrets masked. Never raises."""
    try:
        resolved, _problems = resolve()
    except Exception:
        return []
    entries = []
    for kind, (settings, source) in resolved.items():
        secret = SECRET_OF[kind]
        entries.append({
            "name": kind,
            "kind": kind,
            "url": _display_url(kind, settings),
            "enabled": is_enabled(settings),
            "source": source,
            "secret": secrets.source(secret) or "not set",
            "secret_name": secret,
        })
    return entries


def add(kind: str, url: str, **options: Any) -> None:
    """Enable a destination in destinations.json; secrets in `options` go to the keyring.

    Raises ConfigError (bad value, names the setting) or secrets.SecretStoreError.
    """
    if kind not in KINDS:
        raise ConfigError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    entry, secret = entry_for(kind, url, options)
    if secret:
        secrets.set_secret(SECRET_OF[kind], secret)
    entries = read_user_file()
    entries[kind] = entry
    write_user_file(entries)


def remove(name: str) -> list[str]:
    """Turn a destination off in destinations.json and forget its keyring secret.

    Returns notes for what is still in effect (e.g. an environment variable).
    """
    if name not in KINDS:
        raise ConfigError(f"name: no destination called {name!r}; expected one of {', '.join(KINDS)}")
    try:
        entries = read_user_file()
    except ConfigError:
        entries = {}  # a damaged file is replaced rather than blocking the removal
    entries[name] = {"enabled": False}
    write_user_file(entries)
    secrets.delete_secret(SECRET_OF[name])
    settings, source = resolve()[0][name]
    if source == "environment" and is_enabled(settings):
        return [f"{settings['enabled'][1]} is set in the environment and keeps {name} enabled"]
    return []


# -- the destinations.json entry ---------------------------------------------------------


def entry_for(kind: str, url: str, options: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """(settings entry, secret or None) for `kind`; ConfigError names the bad setting."""
    options = {k: v for k, v in options.items() if v is not None}
    secret = options.pop(_SECRET_OPTIONS.get(kind, ""), None)
    if kind == "sentry":
        return _sentry(url), url
    url = check_url("URL", url) if url else url
    if kind == "ga4":
        return _ga4(url, options), secret
    if kind == "otlp":
        return _otlp(url, options), secret
    if not url:
        raise ConfigError("URL: the JSON endpoint needs a URL")
    _no_extra(options)
    return {"enabled": True, "url": url}, secret


def _sentry(dsn: str) -> dict[str, Any]:
    from .exporters.sentry_dsn import display_url, parse_dsn

    parse_dsn(dsn or "", "DSN")  # fails early on a key that is not a UUID (SE-D3)
    return {"enabled": True, "url": display_url(dsn)}


def _ga4(endpoint: str, options: dict[str, Any]) -> dict[str, Any]:
    measurement_id = str(options.pop("measurement_id", "") or "").strip()
    if not measurement_id.startswith("G-"):
        raise ConfigError("--measurement-id: expected a measurement id like G-XXXXXXXXXX")
    _no_extra(options)
    entry = {"enabled": True, "measurement_id": measurement_id}
    if endpoint:
        entry["endpoint"] = endpoint
    return entry


def _otlp(url: str, options: dict[str, Any]) -> dict[str, Any]:
    if not url:
        raise ConfigError("URL: the collector's URL is needed (e.g. http://localhost:4318)")
    # A URL already ending in /v1/logs is the logs endpoint itself; anything else is the base.
    entry: dict[str, Any] = {"enabled": True}
    entry["logs_endpoint" if url.rstrip("/").endswith("/v1/logs") else "endpoint"] = url
    compression = str(options.pop("compression", "none")).lower()
    if compression not in ("gzip", "none"):
        raise ConfigError("--compression: expected gzip or none")
    entry["compression"] = compression
    if "timeout_ms" in options:
        timeout = options.pop("timeout_ms")
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ConfigError("--timeout-ms: expected a positive number of milliseconds")
        entry["timeout_ms"] = timeout
    _no_extra(options)
    return entry


def _no_extra(options: dict[str, Any]) -> None:
    if options:
        raise ConfigError(f"{sorted(options)[0]}: not an option of this kind of destination")
