"""Environment switches, re-read on every call so a change takes effect at once."""

from __future__ import annotations

import os

_FALSY = frozenset({"", "0", "false", "no", "off"})
KILL_SWITCHES = ("DO_NOT_TRACK", "TIT_NO_TELEMETRY")
_CI_MARKERS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD")


def is_set(name: str) -> bool:
    """True when the variable holds anything but empty, 0, false, no or off (protocols DNT-2)."""
    value = os.environ.get(name)
    return value is not None and value.strip().lower() not in _FALSY


def active_kill_switch() -> str | None:
    """The name of the first kill switch that is set, checked in precedence order."""
    for name in KILL_SWITCHES:
        if is_set(name):
            return name
    return None


def strict() -> bool:
    return is_set("TIT_TELEMETRY_STRICT")


def debug_console() -> bool:
    return is_set("TIT_TELEMETRY_DEBUG")


def in_ci() -> bool:
    return any(is_set(name) for name in _CI_MARKERS)
