"""Showing and changing destinations and their secrets: `tit-app telemetry status`,
`destination list|add|remove` and `set-secret`. Public as `tit_app.telemetry.<name>`.

`add_destination` writes a destinations.json entry, which never holds a secret, and puts
the secret (if given) in the keyring. Resolving the settings into exporters is
`settings`' job; the app itself never needs this module. A running engine reads the
changes before its next send round (it watches destinations.json).
"""

from __future__ import annotations

from typing import Any

from ..transport import ConfigError
from . import registry, secrets
from .kind import value
from .registry import NAMES, kinds
from .settings import is_enabled, read_user_file, resolve, write_user_file


def destination_kinds() -> tuple[str, ...]:
    """The names of the kinds of destination."""
    return NAMES


def describe_destinations() -> list[dict[str, Any]]:
    """One entry per kind for `status` and `destination list`; secrets masked. Never raises."""
    try:
        resolved, _problems = resolve()
    except Exception:
        return []
    entries = []
    by_name = kinds()
    for name, (settings, source) in resolved.items():
        kind = by_name[name]
        entries.append({
            "name": name,
            "kind": name,
            "url": kind.display_url(settings),
            "enabled": is_enabled(settings),
            "source": source,
            "recipient": str(value(settings, "recipient", "") or ""),
            "secret": secrets.source(kind.secret) or "not set",
            "secret_name": kind.secret.name,
        })
    return entries


def add_destination(kind_name: str, url: str, **options: Any) -> None:
    """Enable a destination in destinations.json; secrets in `options` go to the keyring.

    Raises ConfigError (bad value, names the setting) or secrets.SecretStoreError.
    """
    if kind_name not in NAMES:
        raise ConfigError(f"kind: expected one of {', '.join(NAMES)}, got {kind_name!r}")
    kind = kinds()[kind_name]
    recipient = str(options.pop("recipient", None) or "").strip()
    entry, secret = kind.entry(url, {k: v for k, v in options.items() if v is not None})
    if recipient:
        entry["recipient"] = recipient
    if secret:
        secrets.set_secret(kind.secret, secret)
    entries = read_user_file()
    entries[kind_name] = entry
    write_user_file(entries)


def remove_destination(name: str) -> list[str]:
    """Turn a destination off in destinations.json and forget its keyring secret.

    Returns notes for what is still in effect (e.g. an environment variable).
    """
    if name not in NAMES:
        raise ConfigError(f"name: no destination called {name!r}; expected one of {', '.join(NAMES)}")
    try:
        entries = read_user_file()
    except ConfigError:
        entries = {}  # a damaged file is replaced rather than blocking the removal
    entries[name] = {"enabled": False}
    write_user_file(entries)
    secrets.delete_secret(kinds()[name].secret)
    settings, source = resolve()[0][name]
    if source == "environment" and is_enabled(settings):
        return [f"{settings['enabled'][1]} is set in the environment and keeps {name} enabled"]
    return []


# -- secrets ----------------------------------------------------------------------------------


def secret_names() -> tuple[str, ...]:
    """The names `tit-app telemetry set-secret NAME` takes, one per kind that has a secret."""
    return tuple(registry.secrets())


def _secret(name: str) -> secrets.Secret:
    known = registry.secrets()
    if name not in known:
        raise ValueError(f"unknown secret {name!r}; known: {', '.join(known)}")
    return known[name]


def set_secret(name: str, value: str) -> str:
    """Store a destination secret in the OS keyring; returns it masked for display.

    Raises ValueError for an unknown name, `SecretStoreError` naming the environment
    variable to use instead when no keyring can keep it.
    """
    secrets.set_secret(_secret(name), value)
    return secrets.mask(value)


def missing_secret_hint(kind_name: str) -> str | None:
    """How to give a destination its secret, when it has one that is set nowhere yet."""
    secret = kinds()[kind_name].secret
    if secret is None or secrets.source(secret) is not None:
        return None
    return f"tit-app telemetry set-secret {secret.name}  (or set {secret.variable})"
