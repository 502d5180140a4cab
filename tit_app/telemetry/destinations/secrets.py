"""Secrets for destinations: from the environment or the OS keyring, never from our files.

Each destination kind declares its secret as a `Secret` (see the kind's module): a name,
used for the keyring entry (service `tit-app`) and by `tit-app telemetry set-secret NAME`,
and the environment variables that can hold it. The environment wins over the keyring, so
CI and containers need no keyring. Any keyring failure reads as "no secret" and leaves a
hint for `status`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

log = logging.getLogger(__name__)

SERVICE = "tit-app"

last_hint: str | None = None


@dataclass(frozen=True)
class Secret:
    name: str  # keyring entry and `set-secret` name, e.g. "ga4_api_secret"
    variable: str  # the environment variable a user is told about
    description: str
    preferred: tuple[str, ...] = ()  # more specific variables read before `variable`

    @property
    def variables(self) -> tuple[str, ...]:
        return (*self.preferred, self.variable)


class SecretStoreError(RuntimeError):
    """The secret cannot be kept in a keyring here; the message names the variable to use instead."""


def from_environment(secret: Secret) -> str | None:
    """The secret from the first non-empty of its variables (empty counts as unset, OT-E1)."""
    for variable in secret.variables:
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return None


def _from_keyring(secret: Secret) -> str | None:
    global last_hint
    try:
        import keyring

        return keyring.get_password(SERVICE, secret.name) or None
    except Exception as exc:  # no backend, a locked or broken keyring: telemetry goes on without it
        last_hint = f"the system keyring could not be read ({type(exc).__name__}); set {secret.variable} instead"
        log.info("telemetry: %s", last_hint)
        return None


def get_secret(secret: Secret) -> str | None:
    """The secret from the environment, else the keyring, else None (never raises)."""
    return from_environment(secret) or _from_keyring(secret)


def source(secret: Secret) -> str | None:
    """"environment", "keyring" or None: where `get_secret` finds the value."""
    if from_environment(secret) is not None:
        return "environment"
    return "keyring" if _from_keyring(secret) is not None else None


def _usable_keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise RuntimeError("no keyring backend is available")
    return keyring


def set_secret(secret: Secret, value: str) -> None:
    """Store in the OS keyring; SecretStoreError names the environment variable otherwise."""
    if not value:
        raise ValueError("the secret is empty")
    try:
        _usable_keyring().set_password(SERVICE, secret.name, value)
    except Exception as exc:
        raise SecretStoreError(
            f"cannot store {secret.name} in the system keyring ({_why(exc)}); "
            f"set the environment variable {secret.variable} instead"
        ) from None


def delete_secret(secret: Secret) -> bool:
    """Remove from the keyring; True if something was removed. Never raises for a missing entry."""
    try:
        keyring = _usable_keyring()
        if keyring.get_password(SERVICE, secret.name) is None:
            return False
        keyring.delete_password(SERVICE, secret.name)
        return True
    except Exception as exc:
        log.info("telemetry: could not remove %s from the keyring (%s)", secret.name, type(exc).__name__)
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
