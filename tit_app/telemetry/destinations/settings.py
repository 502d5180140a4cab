"""Which destinations are on, and with what settings: three layers, lowest first.

1. packaged defaults, `tit_app/resources/destinations.toml` (everything off);
2. the user's `destinations.json` in the config folder (no secrets; edited by `editing`);
3. the environment (OpenTelemetry's variables, TIT_*), read by each kind's module.

Secrets come from `secrets` (environment or keyring) when a kind builds its exporter.
Nothing here raises on bad settings: `load_exporters` returns the problems, each naming
the setting to fix.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tit_app import paths
from tit_app.atomicfile import FileDamaged, read_settings_text, too_deep, write_private

from .. import envflags
from ..transport import ConfigError
from ..scope import Recipient
from .kind import COMMON_KEYS, Settings, value
from .registry import NAMES, kinds

log = logging.getLogger(__name__)

USER_FILE = "destinations.json"  # its name in messages; `paths.destinations_file()` is where it is


@dataclass(frozen=True)
class ConfigProblem:
    setting: str
    message: str  # starts with the setting's name, ready to show as is

    def __str__(self) -> str:
        return self.message


def _problem(setting: str, message: str) -> ConfigProblem:
    return ConfigProblem(setting, message if message.startswith(setting) else f"{setting}: {message}")


def is_enabled(settings: Settings) -> bool:
    return settings.get("enabled", (False, ""))[0] is True


# -- layers ----------------------------------------------------------------------------


def defaults_path() -> Path:
    import tit_app.resources

    return Path(tit_app.resources.__file__).parent / "destinations.toml"


def _defaults_layer() -> dict[str, Settings]:
    data = tomllib.loads(defaults_path().read_text(encoding="utf-8"))
    return {k: {key: (v, f"destinations.toml {k}.{key}") for key, v in data.get(k, {}).items()} for k in NAMES}


def user_file() -> Path:
    return paths.destinations_file()


def read_user_file() -> dict[str, dict[str, Any]]:
    """The user's settings per kind; a missing file is empty, a damaged one raises ConfigError.

    Damaged: over the size limit, not UTF-8, not JSON, or nested too deeply (json raises
    RecursionError, not ValueError, on 1,000 brackets). The message names the file only,
    never its content.
    """
    try:
        raw = json.loads(read_settings_text(user_file()))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{USER_FILE}: cannot be read ({exc.strerror or type(exc).__name__}); it is ignored") from None
    except FileDamaged as exc:
        raise ConfigError(f"{USER_FILE}: {exc}; it is ignored") from None
    except RecursionError:
        raise ConfigError(f"{USER_FILE}: is nested too deeply; it is ignored") from None
    except ValueError as exc:
        raise ConfigError(f"{USER_FILE}: is not valid JSON ({exc}); it is ignored") from None
    entries = raw.get("destinations") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or too_deep(entries):
        raise ConfigError(f"{USER_FILE}: expected {{\"destinations\": {{...}}}}; it is ignored")
    return {name: {key: v for key, v in entries[name].items() if key in kind.user_keys + COMMON_KEYS}
            for name, kind in kinds().items() if isinstance(entries.get(name), dict)}


def write_user_file(entries: dict[str, dict[str, Any]]) -> None:
    write_private(user_file(), json.dumps({"version": 1, "destinations": entries}, indent=2, sort_keys=True) + "\n")


def _user_layer(problems: list[ConfigProblem]) -> dict[str, Settings]:
    try:
        entries = read_user_file()
    except ConfigError as exc:
        problems.append(_problem(USER_FILE, str(exc)))
        return {}
    return {k: {key: (v, f"{USER_FILE} {k}.{key}") for key, v in entry.items()} for k, entry in entries.items()}


def _environment_layer(problems: list[ConfigProblem]) -> dict[str, Settings]:
    found: list[tuple[str, str]] = []
    layer = {name: kind.environment(found) for name, kind in kinds().items()}
    problems += [_problem(s, m) for s, m in found]
    return {name: settings for name, settings in layer.items() if settings}


def resolve() -> tuple[dict[str, tuple[Settings, str]], list[ConfigProblem]]:
    """kind -> (merged settings, source of the highest layer that set anything), problems."""
    problems: list[ConfigProblem] = []
    environment = _environment_layer(problems)
    layers = (("default", _defaults_layer()), ("user", _user_layer(problems)), ("environment", environment))
    resolved = {}
    for name in NAMES:
        merged: Settings = {}
        source = "default"
        for layer_name, layer in layers:
            if layer.get(name):
                merged.update(layer[name])
                source = layer_name
        resolved[name] = (merged, source)
    return resolved, problems


def recipients() -> list[Recipient]:
    """Who receives events: each enabled destination's kind, host and stated operator. Never raises."""
    from urllib.parse import urlsplit

    try:
        resolved, _problems = resolve()
        found = []
        for name, (settings, _source) in resolved.items():
            if is_enabled(settings):
                host = urlsplit(kinds()[name].display_url(settings)).hostname or ""
                found.append(Recipient(name, host, str(value(settings, "recipient", "") or "").strip()))
        return found
    except Exception:
        log.warning("telemetry recipients could not be read", exc_info=True)
        return []


def payload_fields() -> dict[str, tuple[str, ...]]:
    """kind -> the keys its payloads add, for every enabled destination (part of the consent scope)."""
    try:
        resolved, _problems = resolve()
    except Exception:
        return {}
    return {name: tuple(kinds()[name].fields) for name, (settings, _) in resolved.items() if is_enabled(settings)}


# -- exporters -------------------------------------------------------------------------


def load_exporters() -> tuple[list, list[ConfigProblem]]:
    """The configured exporters (console ones in debug mode) and every problem found. Never raises."""
    try:
        resolved, problems = resolve()
    except Exception as exc:  # a broken install must not take the app down
        log.warning("telemetry destinations could not be read", exc_info=True)
        return [], [_problem("destinations", f"could not be read ({type(exc).__name__})")]
    exporters = []
    by_name = kinds()
    for name, (settings, _source) in resolved.items():
        if not is_enabled(settings):
            continue
        found: list[tuple[str, str]] = []
        try:
            exporters.append(by_name[name].build(settings, found))
        except ConfigError as exc:
            problems.append(_problem(str(exc).split(":", 1)[0], str(exc)))
        except Exception as exc:
            problems.append(_problem(name, f"unexpected error while configuring ({type(exc).__name__})"))
        problems += [_problem(s, m) for s, m in found]
    if envflags.debug_console():
        from .console import ConsoleExporter

        exporters = [ConsoleExporter(e) for e in exporters] or [ConsoleExporter()]
    return exporters, problems
