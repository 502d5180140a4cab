"""The catalog of events (`resources/events.toml`) and the checks it enforces.

Names follow the GA4 rules at load time (docs/protocols.md GA-L4/L5, GA-R1/R3/R4), so a bad
name fails when the catalog is written, not when a destination silently drops it.
"""

from __future__ import annotations

import math
import re
import reprlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .model import LEVELS

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_NAME = 40
MAX_VALUE = 100
RESERVED_EVENTS = frozenset(
    "ad_activeview ad_click ad_exposure ad_impression ad_query ad_reward adunit_exposure "
    "app_background app_clear_data app_exception app_install app_remove app_store_refund "
    "app_store_subscription_cancel app_store_subscription_convert app_store_subscription_renew "
    "app_update app_upgrade dynamic_link_app_open dynamic_link_app_update dynamic_link_first_open "
    "error firebase_campaign firebase_in_app_message_action firebase_in_app_message_dismiss "
    "firebase_in_app_message_impression first_open first_visit in_app_purchase notification_dismiss "
    "notification_foreground notification_open notification_receive os_update session_start "
    "session_start_with_rollout user_engagement".split()
)
RESERVED_PREFIXES = ("_", "firebase_", "ga_", "google_")
RESERVED_PARAM_PREFIXES = RESERVED_PREFIXES + ("gtag.",)
TYPES = ("str", "enum", "int", "float", "bool")
# GA4 allows 25 params per event; the GA4 exporter adds session_id and engagement_time_msec.
MAX_PARAMS_PER_EVENT = 25 - 2


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _shown(value: Any) -> str:
    """The start of a value for an error message; a value whose repr fails (or recurses) is not shown."""
    try:
        return f"{reprlib.repr(value):.40}"
    except Exception:
        return "(unprintable)"


class CatalogError(ValueError):
    """The catalog itself is malformed; the message names the event and field."""


class InvalidEvent(ValueError):
    """An occurrence does not match the catalog."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    max_length: int = MAX_VALUE
    values: tuple[str, ...] = ()

    def coerce(self, value: Any) -> Any:
        """Return the value as stored, or raise InvalidEvent (also for values that misbehave)."""
        try:
            return self._coerced(value)
        except InvalidEvent:
            raise
        except Exception as exc:  # an __eq__ that raises, a float too large to convert
            raise InvalidEvent(f"parameter {self.name!r} got a value that cannot be used ({type(exc).__name__})") from None

    def _coerced(self, value: Any) -> Any:
        if self.type == "bool":
            if isinstance(value, bool):
                return value
        elif self.type == "int":
            # Destinations take 64-bit integers (OTLP, JSON readers); a larger one is refused alone.
            if isinstance(value, int) and not isinstance(value, bool) and INT64_MIN <= value <= INT64_MAX:
                return int(value)
        elif self.type == "float":
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                return float(value)
        elif self.type == "enum":
            if value in self.values:
                return value
        elif isinstance(value, str):
            return value if len(value) <= self.max_length else value[: self.max_length - 1] + "…"
        raise InvalidEvent(f"parameter {self.name!r} expects {self._expected()}, got {type(value).__name__} {_shown(value)}")

    def _expected(self) -> str:
        return f"one of {list(self.values)}" if self.type == "enum" else f"a {self.type}"


@dataclass(frozen=True)
class EventSpec:
    name: str
    description: str
    level: str
    params: Mapping[str, Param] = field(default_factory=dict)
    error_status: str | None = None
    notice: str | None = None  # one phrase the consent notice uses instead of listing the parameters

    def level_of(self, params: Mapping[str, Any]) -> str:
        if self.error_status is not None and params.get("status") == self.error_status:
            return "errors"
        return self.level


def check_event_name(name: str) -> None:
    if not isinstance(name, str) or not NAME_RE.match(name) or len(name) > MAX_NAME:
        raise CatalogError(f"event name {name!r}: must match {NAME_RE.pattern} and be at most {MAX_NAME} characters (GA-L4)")
    if name in RESERVED_EVENTS:
        raise CatalogError(f"event name {name!r} is reserved by Google Analytics (GA-R1)")
    if name.startswith(RESERVED_PREFIXES):
        raise CatalogError(f"event name {name!r} uses a reserved prefix (GA-R3)")


def check_param_name(event: str, name: str) -> None:
    if not isinstance(name, str) or not NAME_RE.match(name) or len(name) > MAX_NAME:
        raise CatalogError(f"{event}.{name}: parameter names must match {NAME_RE.pattern}, at most {MAX_NAME} characters (GA-L5)")
    if name.startswith(RESERVED_PARAM_PREFIXES):
        raise CatalogError(f"{event}.{name}: parameter name uses a reserved prefix (GA-R4)")


def parse_param(event: str, name: str, raw: Any) -> Param:
    check_param_name(event, name)
    where = f"{event}.{name}"
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: expected a table with type and description")
    kind = raw.get("type")
    if kind not in TYPES:
        raise CatalogError(f"{where}: type must be one of {', '.join(TYPES)}, not {kind!r}")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise CatalogError(f"{where}: a description is required")
    max_length = raw.get("max_length", MAX_VALUE)
    if not isinstance(max_length, int) or not 1 <= max_length <= MAX_VALUE:
        raise CatalogError(f"{where}: max_length must be an integer from 1 to {MAX_VALUE} (GA-L6)")
    values = raw.get("values", ())
    if kind == "enum" and (not values or not all(isinstance(v, str) and len(v) <= MAX_VALUE for v in values)):
        raise CatalogError(f"{where}: an enum needs a list of string values of at most {MAX_VALUE} characters")
    return Param(name, kind, description.strip(), max_length, tuple(values))


def parse_event(name: str, raw: Any, system_count: int) -> EventSpec:
    check_event_name(name)
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{name}: expected a table")
    description, level = raw.get("description"), raw.get("level")
    if not isinstance(description, str) or not description.strip():
        raise CatalogError(f"{name}: a description is required")
    if level not in LEVELS:
        raise CatalogError(f"{name}: level must be 'errors' or 'usage', not {level!r}")
    params = {p: parse_param(name, p, spec) for p, spec in (raw.get("params") or {}).items()}
    if len(params) + system_count > MAX_PARAMS_PER_EVENT:
        raise CatalogError(f"{name}: {len(params)} parameters plus {system_count} system parameters exceed GA4's limit (GA-L2)")
    error_status = raw.get("error_status")
    if error_status is not None and error_status not in getattr(params.get("status"), "values", ()):
        raise CatalogError(f"{name}: error_status {error_status!r} is not a value of its status parameter")
    notice = raw.get("notice")
    if notice is not None and (not isinstance(notice, str) or not notice.strip()):
        raise CatalogError(f"{name}: notice must be a non-empty phrase")
    return EventSpec(name, description.strip(), level, params, error_status, notice.strip() if notice else None)


class Catalog:
    """All known events, plus the system params added to each."""

    def __init__(self) -> None:
        self.events: dict[str, EventSpec] = {}
        self.system_params: dict[str, Param] = {}
        self.never_collected: list[str] = []

    def add(self, source: str | Path | Mapping[str, Any]) -> list[str]:
        """Add the events of a TOML path or an equivalent mapping; returns their names."""
        data = _read(source)
        system = {n: parse_param("system_params", n, s) for n, s in (data.get("system_params") or {}).items()}
        merged_system = {**self.system_params, **system}
        events = data.get("events") or {}
        if not isinstance(events, Mapping):
            raise CatalogError("'events' must be a table of events")
        parsed = [parse_event(n, raw, len(merged_system)) for n, raw in events.items()]
        self.system_params = merged_system
        self.never_collected += list((data.get("never_collected") or {}).get("items", []))
        for spec in parsed:
            self.events[spec.name] = spec
        return [spec.name for spec in parsed]

    def validate(self, name: str, params: Mapping[str, Any] | None) -> tuple[dict[str, Any], str]:
        """Return (coerced params, occurrence level) or raise InvalidEvent."""
        spec = self.events.get(name)
        if spec is None:
            raise InvalidEvent(f"event {name!r} is not in the catalog")
        clean = {}
        for key, value in (params or {}).items():
            param = spec.params.get(key)
            if param is None:
                raise InvalidEvent(f"event {name!r} has no parameter {key!r}")
            if value is not None:
                clean[key] = param.coerce(value)
        return clean, spec.level_of(clean)


def _read(source: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        return source
    path = Path(source)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from exc


def default_catalog_path() -> Path:
    import tit_app.resources

    return Path(tit_app.resources.__file__).parent / "events.toml"


def load_catalog() -> Catalog:
    """A new catalog holding the packaged events."""
    catalog = Catalog()
    catalog.add(default_catalog_path())
    return catalog


_default: Catalog | None = None


def default_catalog() -> Catalog:
    """The packaged events, loaded once; for reading only (use `load_catalog` to extend)."""
    global _default
    if _default is None:
        _default = load_catalog()
    return _default
