"""The user's telemetry settings: one dataclass, one load, one save.

The file is `telemetry.json` in the config dir. Writes are atomic and owner-only.
Nothing in a damaged file can turn telemetry on: each bad value falls back to its
default, and every failure to read or write keeps the state in memory and logs once.

A damaged file (over 1 MB, not UTF-8, not JSON, nested too deeply) reads as the
defaults, so telemetry is off; `last_error` names the file and the damage once, and
`repair_needed` makes the engine save the defaults over it, so every command (`status`,
`enable`, `disable`, `reset-id`) works and leaves a sound file behind.

There is no anonymous id before the user agrees (`client_id` is None): nothing about
this installation exists to be linked until then. A stored id that is not 32 hex digits
is noted in `repair_needed`, so the engine replaces it once and saves the file.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from tit_app import paths
from tit_app.atomicfile import FileDamaged, read_settings_text, too_deep, write_private
from .model import LEVELS

log = logging.getLogger(__name__)

FILE_NAME = "telemetry.json"


def new_client_id() -> str:
    return uuid.uuid4().hex


@dataclass
class TelemetryConfig:
    enabled: bool = False
    client_id: str | None = None  # None until the user agrees and after an opt-out; replaced at a reset
    consent_shown: bool = False
    level: str = "usage"
    consent_at: str | None = None
    first_run_recorded: bool = False
    preview: bool = False  # keep events on this computer: recorded and visible, never sent
    receipt: dict | None = None  # the last consent receipt (receipt.Receipt.to_mapping())
    # True when the file held an invalid client_id, which the engine then replaces and saves.
    repair_needed: bool = field(default=False, repr=False, compare=False)
    # Keys this version does not know, kept so a newer version's settings survive.
    extra: dict = field(default_factory=dict, repr=False, compare=False)


def _valid_client_id(value: object) -> bool:
    return value is None or (isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value))


_CHECKS = {
    "enabled": lambda v: isinstance(v, bool),
    "client_id": _valid_client_id,
    "consent_shown": lambda v: isinstance(v, bool),
    "level": lambda v: v in LEVELS,
    "consent_at": lambda v: v is None or isinstance(v, str),
    "first_run_recorded": lambda v: isinstance(v, bool),
    "preview": lambda v: isinstance(v, bool),
    "receipt": lambda v: v is None or isinstance(v, dict),
}


def config_path() -> Path:
    return paths.config_dir() / FILE_NAME


def from_mapping(raw: object) -> TelemetryConfig:
    """Build a config from parsed JSON, keeping only well-typed values."""
    cfg = TelemetryConfig()
    if not isinstance(raw, dict):
        if raw is not None:
            log.warning("telemetry settings are not a JSON object; using defaults")
        return cfg
    for name, check in _CHECKS.items():
        if name in raw:
            if check(raw[name]):
                setattr(cfg, name, raw[name])
            else:
                log.warning("telemetry setting %r has an invalid value; using the default", name)
                cfg.repair_needed = cfg.repair_needed or name == "client_id"
    known = {f.name for f in fields(TelemetryConfig)}
    cfg.extra = {k: v for k, v in raw.items() if k not in known}
    return cfg


def to_mapping(cfg: TelemetryConfig) -> dict:
    data = dict(cfg.extra)
    data.update({k: v for k, v in asdict(cfg).items() if k not in ("extra", "repair_needed")})
    return data


class ConfigStore:
    """Loads and saves the config file; after a failure, keeps the session's state in memory."""

    def __init__(self) -> None:
        self._memory: TelemetryConfig | None = None
        self._warned = False
        self._save_error: str | None = None
        self._read_error: str | None = None  # the file is damaged or unreadable (until it reads well again)

    @property
    def last_error(self) -> str | None:
        """Why the settings could not be saved or read, naming the file (None when they could)."""
        return self._save_error or self._read_error

    def load(self) -> TelemetryConfig:
        if self._memory is not None:
            return _copy(self._memory)
        try:
            raw = _read(config_path())
        except FileNotFoundError:
            self._read_error = None
            return TelemetryConfig()
        except OSError as exc:
            self._read_problem(f"could not read {FILE_NAME}: {exc.strerror or exc}")
            return TelemetryConfig()
        except FileDamaged as exc:
            self._read_problem(f"{FILE_NAME} {exc}, so telemetry is off; it is replaced by the defaults")
            return TelemetryConfig(repair_needed=True)
        self._read_error = None
        return from_mapping(raw)

    def save(self, cfg: TelemetryConfig) -> bool:
        """Write atomically; on failure keep `cfg` for this session and return False."""
        try:
            write_private(config_path(), json.dumps(to_mapping(cfg), indent=2, sort_keys=True))
        except OSError as exc:
            self._memory = _copy(cfg)
            self._save_error = f"could not save {FILE_NAME}: {exc.strerror or exc}"
            self._warn(self._save_error)
            return False
        self._memory = None
        self._save_error = None
        return True

    def _read_problem(self, message: str) -> None:
        if message != self._read_error:  # a damaged file is reported once, not at every reload
            log.warning("telemetry: %s", message)
        self._read_error = message

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning("telemetry: %s; the choice is kept for this session only", message)


def _read(path: Path) -> object:
    """The parsed file; FileDamaged when it cannot be understood at all.

    json raises RecursionError, not ValueError, on deep nesting (1,000 brackets); a
    structure that parses but nests deeply would break saving it again, so it is damage too.
    """
    text = read_settings_text(path)
    try:
        raw = json.loads(text)
    except RecursionError:
        raise FileDamaged("is nested too deeply") from None
    except ValueError as exc:
        raise FileDamaged(f"is not valid JSON ({exc})") from None
    if too_deep(raw):
        raise FileDamaged("is nested too deeply")
    return raw


def _copy(cfg: TelemetryConfig) -> TelemetryConfig:
    return from_mapping(to_mapping(cfg))
