"""What `destination add` writes: a destinations.json entry and, separately, the secret.

The entry never holds a secret; the secret (if given) is returned for the keyring.
"""

from __future__ import annotations

from typing import Any

from .transport import ConfigError, check_url

_SECRET_OPTIONS = {"ga4": "api_secret", "otlp": "headers", "json": "token"}


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
