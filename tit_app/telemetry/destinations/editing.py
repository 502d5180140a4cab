"""Showing and changing destinations: `tit-app telemetry status` and `destination list|add|remove`.

`add` writes a destinations.json entry, which never holds a secret, and puts the
secret (if given) in the keyring. Resolving the settings into exporters is
`settings`' job; the app itself never needs this module.
"""

from __future__ import annotations

from typing import Any

from ..transport import ConfigError
from . import secrets
from .registry import NAMES, kinds
from .settings import is_enabled, read_user_file, resolve, write_user_file


def describe() -> list[dict[str, Any]]:
    """One entry per kind for `status` and `destination list`; secrets masked. Never raises."""
    try:
        resolved, _problems = resolve()
    except Exception:
        return []
    entries = []
    for name, (settings, source) in resolved.items():
        kind = kinds()[name]
        entries.append({
            "name": name,
            "kind": name,
            "url": kind.display_url(settings),
            "enabled": is_enabled(settings),
            "source": source,
            "secret": secrets.source(kind.secret) or "not set",
            "secret_name": kind.secret.name,
        })
    return entries


def add(kind_name: str, url: str, **options: Any) -> None:
    """Enable a destination in destinations.json; secrets in `options` go to the keyring.

    Raises ConfigError (bad value, names the setting) or secrets.SecretStoreError.
    """
    if kind_name not in NAMES:
        raise ConfigError(f"kind: expected one of {', '.join(NAMES)}, got {kind_name!r}")
    kind = kinds()[kind_name]
    entry, secret = kind.entry(url, {k: v for k, v in options.items() if v is not None})
    if secret:
        secrets.set_secret(kind.secret, secret)
    entries = read_user_file()
    entries[kind_name] = entry
    write_user_file(entries)


def remove(name: str) -> list[str]:
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
