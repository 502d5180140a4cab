"""Where events go: destination settings resolved from three layers, lowest first.

1. packaged defaults, `resources/destinations.toml` (everything off);
2. the user's `destinations.json` in the config folder (no secrets; edited by add/remove);
3. the environment (OpenTelemetry's variables, TIT_*).

Secrets come from `secrets` (environment or keyring). Nothing here raises on bad
settings: `load_exporters` returns the problems, each naming the setting to fix.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import envflags, paths, secrets
from .atomicfile import write_private
from .destinations_build import BUILDERS, otlp_url
from .destinations_edit import entry_for
from .destinations_env import Setting, environment_layer, otel_disabled
from .transport import ConfigError

log = logging.getLogger(__name__)

KINDS = ("ga4", "otlp", "sentry", "json")
SECRET_OF = {"ga4": "ga4_api_secret", "otlp": "otlp_headers", "sentry": "sentry_dsn", "json": "json_token"}
USER_FILE = "destinations.json"
_USER_KEYS = {
    "ga4": ("enabled", "endpoint", "measurement_id"),
    "otlp": ("enabled", "endpoint", "logs_endpoint", "compression", "timeout_ms", "service_name", "resource_attributes"),
    "sentry": ("enabled", "url"),
    "json": ("enabled", "url"),
}


@dataclass(frozen=True)
class ConfigProblem:
    setting: str
    message: str  # starts with the setting's name, ready to show as is

    def __str__(self) -> str:
        return self.message


def _problem(setting: str, message: str) -> ConfigProblem:
    return ConfigProblem(setting, message if message.startswith(setting) else f"{setting}: {message}")


# -- layers ----------------------------------------------------------------------------


def defaults_path() -> Path:
    import tit_app.resources

    return Path(tit_app.resources.__file__).parent / "destinations.toml"


def _defaults_layer() -> dict[str, dict[str, Setting]]:
    data = tomllib.loads(defaults_path().read_text(encoding="utf-8"))
    return {k: {key: (v, f"destinations.toml {k}.{key}") for key, v in data.get(k, {}).items()} for k in KINDS}


def user_file() -> Path:
    return paths.config_dir() / USER_FILE


def read_user_file() -> dict[str, dict[str, Any]]:
    """The user's settings per kind; a missing file is empty, a damaged one raises ConfigError."""
    try:
        raw = json.loads(user_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{USER_FILE}: cannot be read ({exc}); it is ignored") from None
    entries = raw.get("destinations") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise ConfigError(f"{USER_FILE}: expected {{\"destinations\": {{...}}}}; it is ignored")
    return {k: {key: v for key, v in entries[k].items() if key in _USER_KEYS[k]}
            for k in KINDS if isinstance(entries.get(k), dict)}


def write_user_file(entries: dict[str, dict[str, Any]]) -> None:
    write_private(user_file(), json.dumps({"version": 1, "destinations": entries}, indent=2, sort_keys=True) + "\n")


def _user_layer(problems: list[ConfigProblem]) -> dict[str, dict[str, Setting]]:
    try:
        entries = read_user_file()
    except ConfigError as exc:
        problems.append(_problem(USER_FILE, str(exc)))
        return {}
    return {k: {key: (v, f"{USER_FILE} {k}.{key}") for key, v in entry.items()} for k, entry in entries.items()}


def resolve() -> tuple[dict[str, tuple[dict[str, Setting], str]], list[ConfigProblem]]:
    """kind -> (merged settings, source of the highest layer that set anything), problems."""
    problems: list[ConfigProblem] = []
    environment, env_problems = environment_layer()
    problems += [_problem(s, m) for s, m in env_problems]
    layers = (("default", _defaults_layer()), ("user", _user_layer(problems)), ("environment", environment))
    resolved = {}
    for kind in KINDS:
        merged: dict[str, Setting] = {}
        source = "default"
        for name, layer in layers:
            if layer.get(kind):
                merged.update(layer[kind])
                source = name
        if kind == "otlp" and otel_disabled():
            merged["enabled"], source = (False, "OTEL_SDK_DISABLED"), "environment"
        resolved[kind] = (merged, source)
    return resolved, problems


# -- exporters -------------------------------------------------------------------------


def load_exporters() -> tuple[list, list[ConfigProblem]]:
    """The configured exporters (console ones in debug mode) and every problem found. Never raises."""
    try:
        resolved, problems = resolve()
    except Exception as exc:  # a broken install must not take the app down
        log.warning("telemetry destinations could not be read", exc_info=True)
        return [], [_problem("destinations", f"could not be read ({type(exc).__name__})")]
    exporters = []
    for kind, (settings, _source) in resolved.items():
        if settings.get("enabled", (False, ""))[0] is not True:
            continue
        found: list[tuple[str, str]] = []
        try:
            exporters.append(BUILDERS[kind](settings, found))
        except ConfigError as exc:
            problems.append(_problem(str(exc).split(":", 1)[0], str(exc)))
        except Exception as exc:
            problems.append(_problem(kind, f"unexpected error while configuring ({type(exc).__name__})"))
        problems += [_problem(s, m) for s, m in found]
    if envflags.debug_console():
        from .exporters.console import ConsoleExporter

        exporters = [ConsoleExporter(e) for e in exporters] or [ConsoleExporter()]
    return exporters, problems


# -- showing and editing ---------------------------------------------------------------


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
            "enabled": settings.get("enabled", (False, ""))[0] is True,
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
    resolved, _ = resolve()
    settings, source = resolved[name]
    if source == "environment" and settings.get("enabled", (False, ""))[0] is True:
        return [f"{settings['enabled'][1]} is set in the environment and keeps {name} enabled"]
    return []
