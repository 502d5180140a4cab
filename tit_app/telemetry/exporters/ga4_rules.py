"""GA4 Measurement Protocol rules checked locally (protocols.md §1.3-1.5).

GA4 answers 2xx whatever it receives (GA-T4), so a bad event would vanish silently;
checking here lets the queue drop it with a reason the Privacy page can show.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Mapping

from ..catalog import MAX_NAME, MAX_VALUE, NAME_RE, RESERVED_EVENTS, RESERVED_PARAM_PREFIXES, RESERVED_PREFIXES

MAX_EVENTS = 25  # GA-L1
MAX_PARAMS = 25  # GA-L2
MAX_BODY = 130_000  # GA-L9: stay below, counting bytes
MAX_AGE_S = 72 * 3600.0  # GA-TS3


def event_problem(name: str, params: Mapping[str, Any], time_us: int, now: float) -> str | None:
    """The first rule this event breaks, as a sentence naming the rule, or None."""
    return _name_problem(name) or _params_problem(params) or _time_problem(time_us, now)


@functools.lru_cache(maxsize=1024)  # the same few names recur in every batch
def _name_problem(name: str) -> str | None:
    if not NAME_RE.match(name) or len(name) > MAX_NAME:
        return f"event name {name!r} is not a valid GA4 name (GA-L4)"
    if name in RESERVED_EVENTS:
        return f"event name {name!r} is reserved by GA4 (GA-R1)"
    if name.startswith(RESERVED_PREFIXES):
        return f"event name {name!r} uses a reserved prefix (GA-R3)"
    return None


def _params_problem(params: Mapping[str, Any]) -> str | None:
    if len(params) > MAX_PARAMS:
        return f"{len(params)} parameters, GA4 keeps at most {MAX_PARAMS} (GA-L2)"
    for key, value in params.items():
        problem = _key_problem(key) or _value_problem(key, value)
        if problem:
            return problem
    return None


@functools.lru_cache(maxsize=1024)
def _key_problem(key: str) -> str | None:
    if not NAME_RE.match(key) or len(key) > MAX_NAME:
        return f"parameter name {key!r} is not a valid GA4 name (GA-L5)"
    if key.startswith(RESERVED_PARAM_PREFIXES):
        return f"parameter name {key!r} uses a reserved prefix (GA-R4)"
    return None


def _value_problem(key: str, value: Any) -> str | None:
    if isinstance(value, str):
        return None if len(value) <= MAX_VALUE else f"parameter {key!r} is longer than {MAX_VALUE} characters (GA-L6)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if math.isfinite(value) else f"parameter {key!r} is not a finite number"
    return f"parameter {key!r} must be a string or a number, not {type(value).__name__}"


def _time_problem(time_us: int, now: float) -> str | None:
    if not 1e15 <= time_us <= 1e17:
        return f"timestamp {time_us} is not in microseconds (GA-TS1)"
    if time_us < (now - MAX_AGE_S) * 1e6:
        return "the event is older than 72 hours, which GA4 no longer accepts (GA-TS3)"
    return None
