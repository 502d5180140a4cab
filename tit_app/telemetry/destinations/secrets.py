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
        return _secure_backend().get_password(SERVICE, secret.name) or None
    except Exception as exc:  # no backend, a locked or broken keyring: telemetry goes on without it
        last_hint = f"the system keyring could not be read ({_why(exc)}); set {secret.variable} instead"
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


class InsecureKeyring(RuntimeError):
    """The only keyring here would keep secrets readable (a plain or base64 file, or nowhere)."""


# Backends that keep secrets in a readable file (keyrings.alt) or not at all (fail, null).
_INSECURE_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def is_secure_backend(backend) -> bool:
    """A backend that encrypts or guards secrets: not from keyrings.alt, fail or null, priority >= 1."""
    module = type(backend).__module__ or ""
    if module.startswith(_INSECURE_MODULES):
        return False
    try:
        return float(backend.priority) >= 1
    except Exception:  # a backend whose priority cannot be read is not trusted with a secret
        return False


def _secure_backend():
    """The keyring backend secrets may go to; InsecureKeyring when there is none.

    keyring's chainer also consults every low-priority backend (keyrings.alt's plaintext
    file among them), so only its secure members are used, best first.
    """
    import keyring
    from keyring.backends.chainer import ChainerBackend

    backend = keyring.get_keyring()
    candidates = list(backend.backends) if isinstance(backend, ChainerBackend) else [backend]
    for candidate in candidates:
        if is_secure_backend(candidate):
            return candidate
    raise InsecureKeyring(f"no secure keyring here; {type(backend).__name__} would keep secrets unencrypted")


def set_secret(secret: Secret, value: str) -> None:
    """Store in the OS keyring; SecretStoreError names the environment variable otherwise."""
    if not value:
        raise ValueError("the secret is empty")
    try:
        _secure_backend().set_password(SERVICE, secret.name, value)
    except Exception as exc:
        raise SecretStoreError(
            f"cannot store {secret.name} in the system keyring ({_why(exc)}); "
            f"set the environment variable {secret.variable} instead"
        ) from None


def delete_secret(secret: Secret) -> bool:
    """Remove from the keyring; True if something was removed. Never raises for a missing entry."""
    try:
        backend = _secure_backend()
        if backend.get_password(SERVICE, secret.name) is None:
            return False
        backend.delete_password(SERVICE, secret.name)
        return True
    except Exception as exc:
        log.info("telemetry: could not remove %s from the keyring (%s)", secret.name, _why(exc))
        return False


def _why(exc: Exception) -> str:
    """Why the keyring failed, without its message: a backend may quote the value it was given."""
    if isinstance(exc, InsecureKeyring):
        return str(exc)
    return f"{type(exc).__name__}; the keyring's own message is not shown, it may contain the secret"


def mask(value: str | None) -> str:
    """Show that a secret is set without showing it: the first 4 characters at most."""
    if not value:
        return "(not set)"
    shown = value[:4] if len(value) >= 12 else ""
    return f"{shown}…({len(value)} chars)"
