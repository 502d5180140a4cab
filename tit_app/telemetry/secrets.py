"""Secrets for destinations: from the environment or the OS keyring, never from our files.

| name             | environment variable            | what it is                                  |
|------------------|---------------------------------|---------------------------------------------|
| `ga4_api_secret` | `TIT_GA4_API_SECRET`            | GA4 Measurement Protocol API secret         |
| `sentry_dsn`     | `TIT_SENTRY_DSN`                | the whole DSN (its key authenticates)       |
| `otlp_headers`   | `OTEL_EXPORTER_OTLP_HEADERS`    | `k=v,k2=v2` headers, e.g. an auth token     |
| `json_token`     | `TIT_JSON_TOKEN`                | bearer token for the JSON endpoint          |

The environment wins over the keyring (service `tit-app`), so CI and containers need no
keyring. Any keyring failure reads as "no secret" and leaves a hint for `status`.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

SERVICE = "tit-app"
ENV_VARS = {
    "ga4_api_secret": "TIT_GA4_API_SECRET",
    "sentry_dsn": "TIT_SENTRY_DSN",
    "otlp_headers": "OTEL_EXPORTER_OTLP_HEADERS",
    "json_token": "TIT_JSON_TOKEN",
}
# The logs-specific OTLP variable takes precedence over the generic one.
_ENV_FIRST = {"otlp_headers": ("OTEL_EXPORTER_OTLP_LOGS_HEADERS",)}

last_hint: str | None = None


class SecretStoreError(RuntimeError):
    """The secret cannot be kept in a keyring here; the message names the variable to use instead."""


def _check_name(name: str) -> str:
    if name not in ENV_VARS:
        raise ValueError(f"unknown secret {name!r}; known: {', '.join(ENV_VARS)}")
    return ENV_VARS[name]


def from_environment(name: str) -> str | None:
    for variable in (*_ENV_FIRST.get(name, ()), _check_name(name)):
        value = os.environ.get(variable, "").strip()
        if value:  # an empty variable counts as unset (OT-E1)
            return value
    return None


def _from_keyring(name: str) -> str | None:
    global last_hint
    try:
        import keyring

        return keyring.get_password(SERVICE, name) or None
    except Exception as exc:  # no backend, a locked or broken keyring: telemetry goes on without it
        last_hint = f"the system keyring could not be read ({type(exc).__name__}); set {ENV_VARS[name]} instead"
        log.info("telemetry: %s", last_hint)
        return None


def get_secret(name: str) -> str | None:
    """The secret from the environment, else the keyring, else None (never raises)."""
    return from_environment(name) or _from_keyring(name)


def source(name: str) -> str | None:
    """"environment", "keyring" or None: where `get_secret` finds the value."""
    if from_environment(name) is not None:
        return "environment"
    return "keyring" if _from_keyring(name) is not None else None


def _usable_keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise RuntimeError("no keyring backend is available")
    return keyring


def set_secret(name: str, value: str) -> None:
    """Store in the OS keyring; SecretStoreError names the environment variable otherwise."""
    variable = _check_name(name)
    if not value:
        raise ValueError("the secret is empty")
    try:
        _usable_keyring().set_password(SERVICE, name, value)
    except Exception as exc:
        raise SecretStoreError(
            f"cannot store {name} in the system keyring ({_why(exc)}); set the environment variable {variable} instead"
        ) from None


def delete_secret(name: str) -> bool:
    """Remove from the keyring; True if something was removed. Never raises for a missing entry."""
    _check_name(name)
    try:
        keyring = _usable_keyring()
        if keyring.get_password(SERVICE, name) is None:
            return False
        keyring.delete_password(SERVICE, name)
        return True
    except Exception as exc:
        log.info("telemetry: could not remove %s from the keyring (%s)", name, type(exc).__name__)
        return False


def _why(exc: Exception) -> str:
    # Keyring messages can be long and technical; the class name and first line are enough.
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:120]


def mask(value: str | None) -> str:
    """Show that a secret is set without showing it: the first 4 characters at most."""
    if not value:
        return "(not set)"
    shown = value[:4] if len(value) >= 12 else ""
    return f"{shown}…({len(value)} chars)"
