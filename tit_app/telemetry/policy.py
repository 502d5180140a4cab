"""The administrator's policy file (lab or enterprise machines).

`policy.toml` holds `telemetry = "off" | "errors" | "usage"`: the most that is allowed
on this machine. A policy file that exists but cannot be understood fails closed (off),
because an administrator who wrote one clearly meant to restrict something.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import paths

log = logging.getLogger(__name__)

ALLOWED = ("off", "errors", "usage")


@dataclass(frozen=True)
class Policy:
    ceiling: str | None  # None: no policy file; else one of ALLOWED
    source: Path | None = None
    problem: str | None = None  # why a present file was treated as "off"


NO_POLICY = Policy(ceiling=None)


def load_policy(path: Path | None = None) -> Policy:
    path = path or paths.policy_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return NO_POLICY
    except OSError as exc:
        return _broken(path, f"cannot be read ({exc.strerror or exc})")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return _broken(path, f"is not valid TOML ({exc})")
    value = data.get("telemetry")
    if value is None:
        return NO_POLICY
    if not isinstance(value, str) or value.strip().lower() not in ALLOWED:
        return _broken(path, f'sets telemetry = {value!r}; expected "off", "errors" or "usage"')
    return Policy(ceiling=value.strip().lower(), source=path)


def _broken(path: Path, problem: str) -> Policy:
    log.warning("telemetry policy file %s %s; telemetry is off", path, problem)
    return Policy(ceiling="off", source=path, problem=problem)
