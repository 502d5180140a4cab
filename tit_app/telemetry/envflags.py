"""Environment switches, re-read on every call so a change takes effect at once."""

from __future__ import annotations

import os

_FALSY = frozenset({"", "0", "false", "no", "off"})
KILL_SWITCHES = ("DO_NOT_TRACK", "TIT_NO_TELEMETRY")
_CI_MARKERS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD")


def is_set(name: str) -> bool:
    """True when the variable holds anything but empty, 0, false, no or off (docs/protocols.md DNT-2)."""
    value = os.environ.get(name)
    return value is not None and value.strip().lower() not in _FALSY


def _raw_lookup():
    """A lookup that costs tens of nanoseconds when a variable is absent (the usual case).

    `os.environ.get` raises and catches a KeyError internally for a missing key, which
    costs about a microsecond; track_event checks two kill switches on every call. The
    mapping behind os.environ (`_data`, keyed by `encodekey(name)`) is what os.environ
    itself reads and writes, so it always reflects the current environment.
    """
    data, encode = getattr(os.environ, "_data", None), getattr(os.environ, "encodekey", None)
    if not isinstance(data, dict) or encode is None:
        return lambda name: os.environ.get(name)
    keys = {name: encode(name) for name in KILL_SWITCHES}
    return lambda name: data.get(keys[name])


_lookup_kill_switch = _raw_lookup()


def active_kill_switch() -> str | None:
    """The name of the first kill switch that is set, checked in precedence order."""
    for name in KILL_SWITCHES:
        if _lookup_kill_switch(name) is not None and is_set(name):
            return name
    return None


def strict() -> bool:
    return is_set("TIT_TELEMETRY_STRICT")


def debug_console() -> bool:
    return is_set("TIT_TELEMETRY_DEBUG")


def in_ci() -> bool:
    return any(is_set(name) for name in _CI_MARKERS)
