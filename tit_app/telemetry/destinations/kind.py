"""What a kind of destination provides, and the vocabulary its module uses to provide it.

Each kind (`ga4`, `otlp`, `sentry`, `jsonapi`) is one module ending in `KIND = DestinationKind(...)`:
which settings `destinations.json` may hold for it, what the environment says, which
secret it needs, how its settings become a working exporter, and how `tit-app telemetry
destination add` turns a URL and options into a settings entry. `registry` lists the kinds;
nothing outside a kind's own module knows anything particular about it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ..transport import ConfigError
from . import secrets

Setting = tuple[Any, str]  # (value, the name of the setting it came from)
Settings = dict[str, Setting]
Problems = list[tuple[str, str]]  # (setting, message): settings that work, but not as written


@dataclass(frozen=True)
class DestinationKind:
    name: str  # the kind's name in settings, the CLI and the Privacy page
    user_keys: tuple[str, ...]  # what destinations.json may set for it (never a secret)
    secret: secrets.Secret | None  # the one secret it can use, kept in the environment or the keyring
    environment: Callable[[Problems], Settings]  # its layer of settings from the environment
    build: Callable[[Settings, Problems], Any]  # settings -> exporter, or ConfigError naming the setting
    entry: Callable[[str, dict[str, Any]], tuple[dict[str, Any], str | None]]  # `add` -> (entry, secret)
    display_url: Callable[[Settings], str]  # where it sends, secrets masked, for `status`
    variables: tuple[str, ...] = ()  # every environment variable it reads besides its secret's
    # Every key its payloads hold besides the catalog's event and parameter names, with what it
    # carries: the notice lists them, and a test fails when a payload holds a key not listed here.
    fields: Mapping[str, str] = field(default_factory=dict)


# Settings every kind accepts in destinations.json: who runs the destination, named in the notice.
COMMON_KEYS = ("recipient",)


def first_variable(*names: str) -> Setting | None:
    """The first non-empty variable among `names`, as (value, name); empty counts as unset (OT-E1)."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value, name
    return None


def value(settings: Settings, key: str, default: Any = None) -> Any:
    return settings[key][0] if key in settings else default


def label(settings: Settings, key: str, fallback: str) -> str:
    """The name of the setting `key` came from, for error messages."""
    return settings[key][1] if key in settings else fallback


def secret_label(secret: secrets.Secret) -> str:
    """Where the secret was found, as the user would name it."""
    where = secrets.source(secret)
    return secret.variable if where == "environment" else f"keyring entry {secret.name}"


def missing_secret(secret: secrets.Secret, what: str) -> ConfigError:
    hint = f" ({secrets.last_hint})" if secrets.last_hint else ""
    return ConfigError(
        f"{secret.variable}: {what} is not set; set the variable or run "
        f"`tit-app telemetry set-secret {secret.name}`{hint}"
    )


def no_extra_options(options: dict[str, Any]) -> None:
    if options:
        raise ConfigError(f"{sorted(options)[0]}: not an option of this kind of destination")
