"""Where events go: destination settings resolved from three layers, lowest first.

1. packaged defaults, `resources/destinations.toml` (everything off);
2. the user's `destinations.json` in the config folder (no secrets; edited by add/remove);
3. the environment (OpenTelemetry's variables, TIT_*).

Secrets come from `secrets` (environment or keyring). Nothing here raises on bad
settings: `load_exporters` returns the problems, each naming the setting to fix.
Showing and changing the settings (`tit-app telemetry destination ...`) is in
`destinations_edit`.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import envflags, paths
from .atomicfile import write_private
from .destinations_build import BUILDERS
from .destinations_env import Setting, environment_layer, otel_disabled
from .transport import ConfigError

log = logging.getLogger(__name__)

KINDS = ("ga4", "otlp", "sentry", "json")
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


def is_enabled(settings: dict[str, Setting]) -> bool:
    return settings.get("enabled", (False, ""))[0] is True


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
        if not is_enabled(settings):
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
