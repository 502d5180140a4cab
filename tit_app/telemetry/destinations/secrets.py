"""Secrets for destinations: from the environment or the OS keyring, never from our files.

Each destination kind declares its secret as a `Secret` (see the kind's module): a name,
used for the keyring entry (service `tit-app`) and by `tit-app telemetry set-secret NAME`,
and the environment variables that can hold it. The environment wins over the keyring, so
CI and containers need no keyring. Any keyring failure reads as "no secret" and leaves a
hint for `status`.

The keyring is opened only for a secret it may hold: `keyring.json` in the config folder
records, by name and never with a value, which secrets tit-app stored there (`set_secret`)
or removed (`delete_secret`). Opening the keyring loads every backend it could use (about
10 MB and 90 ms), too much for a process that has no secret in it. A name the record does
not know yet (settings from 0.1.0) is looked up once and the answer recorded.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from tit_app import paths
from tit_app.atomicfile import read_settings_text, write_private

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
    known = _recorded().get(secret.name)
    if known is False:
        return None
    try:
        value = _secure_backend().get_password(SERVICE, secret.name) or None
    except Exception as exc:  # no backend, a locked or broken keyring: telemetry goes on without it
        last_hint = f"the system keyring could not be read ({_why(exc)}); set {secret.variable} instead"
        log.info("telemetry: %s", last_hint)
        if not isinstance(exc, InsecureKeyring):
            return None  # locked or broken: ask again next time
        value = None  # no secure keyring: nothing of ours can be in it
    if known is None:
        _record(secret, value is not None)
    return value


# -- which secrets the keyring holds (names only) -----------------------------------------------

RECORD_FILE = "keyring.json"


def record_path() -> Path:
    return paths.config_dir() / RECORD_FILE


def _recorded() -> dict[str, bool]:
    """Secret name -> whether tit-app's keyring entry exists; a name missing here is unknown."""
    try:
        entries = json.loads(read_settings_text(record_path())).get("entries")
    except FileNotFoundError:
        return {}
    except Exception:  # unreadable or damaged: every name is unknown, so the keyring is asked as before
        log.info("telemetry: %s is unreadable; looking in the keyring", RECORD_FILE, exc_info=True)
        return {}
    if not isinstance(entries, dict):
        return {}
    return {name: held for name, held in entries.items() if isinstance(held, bool)}


def _record(secret: Secret, held: bool, create: bool = False) -> None:
    """Note whether the keyring holds `secret`; a failure to write only means asking the keyring again.

    Only `set_secret` and `delete_secret` (`create=True`) make the config folder: before
    the consent question, looking (`status`) leaves no file behind.
    """
    if not create and not record_path().parent.is_dir():
        return
    entries = {**_recorded(), secret.name: held}
    try:
        write_private(record_path(), json.dumps({"version": 1, "entries": entries}, indent=2, sort_keys=True) + "\n")
    except OSError:
        log.info("telemetry: could not write %s", RECORD_FILE, exc_info=True)


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
    _record(secret, True, create=True)


def delete_secret(secret: Secret) -> bool:
    """Remove from the keyring; True if something was removed. Never raises for a missing entry."""
    try:
        backend = _secure_backend()
        if backend.get_password(SERVICE, secret.name) is None:
            _record(secret, False, create=True)
            return False
        backend.delete_password(SERVICE, secret.name)
        _record(secret, False, create=True)
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
