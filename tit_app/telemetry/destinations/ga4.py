"""Google Analytics 4 Measurement Protocol, gtag/web variant (docs/protocols.md §1).

One request per client id, at most 25 events and under 130,000 bytes. The collect
endpoint answers 2xx whatever it gets (GA-T4), so every event is checked against GA4's
rules here first (a bad one is dropped with a reason the Privacy page shows), and
`validate_ga4` asks the debug endpoint (GA-T3) for the CLI's `validate-ga4`.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Mapping
from urllib.parse import urlencode

from .. import transport
from ..catalog import MAX_NAME, MAX_VALUE, NAME_RE, RESERVED_EVENTS, RESERVED_PARAM_PREFIXES, RESERVED_PREFIXES
from ..model import StoredEvent
from ..transport import ConfigError, check_url
from . import secrets
from .exporter import HttpExporter, compact_json, redact
from .kind import DestinationKind, Problems, Settings, first_variable, label, missing_secret, no_extra_options, value

API_SECRET = secrets.Secret("ga4_api_secret", "TIT_GA4_API_SECRET", "GA4 Measurement Protocol API secret")



# -- GA4's rules, checked locally (docs/protocols.md §1.3-1.5) --------------------------------

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


# -- the exporter -----------------------------------------------------------------------------

DEFAULT_ENDPOINT = "https://www.google-analytics.com"
# We do not measure foreground time; GA4 needs a positive value to count the user as active (GA-P3).
ENGAGEMENT_TIME_MSEC = 1


def collect_url(base: str, measurement_id: str, api_secret: str, debug: bool = False) -> str:
    path = "/debug/mp/collect" if debug else "/mp/collect"
    return f"{base.rstrip('/')}{path}?{urlencode({'measurement_id': measurement_id, 'api_secret': api_secret})}"


def event_params(event: StoredEvent) -> dict[str, Any]:
    """System params, then the event's own, then the two GA4 needs on every event (GA-P1)."""
    params = {**event.system, **event.params}
    params = {k: (("true" if v else "false") if isinstance(v, bool) else v) for k, v in params.items()}
    params["session_id"] = event.session_id
    params["engagement_time_msec"] = ENGAGEMENT_TIME_MSEC
    return params


def encode_events(events: list[StoredEvent], now: float) -> bytes:
    # A clock that ran ahead must not put events in the future (GA-TS2): clamp to send time.
    latest_us = int(now * 1e6)
    return compact_json({
        "client_id": events[0].client_id,
        "events": [
            {"name": e.name, "params": event_params(e), "timestamp_micros": min(e.time_us, latest_us)} for e in events
        ],
    })


class Ga4Exporter(HttpExporter):
    name = "ga4"
    levels = frozenset({"errors", "usage"})
    max_events = MAX_EVENTS
    # Stored JSON is larger than GA4's encoding of the same event, so this keeps bodies
    # well under GA-L9; `max_body` splits anything that still gets too big.
    max_bytes = 100_000
    max_body = MAX_BODY
    max_age_s = MAX_AGE_S

    def __init__(self, endpoint: str, measurement_id: str, api_secret: str, verify: str | None = None) -> None:
        super().__init__(endpoint, verify)
        self.measurement_id = measurement_id
        self._api_secret = api_secret

    def request_url(self) -> str:
        return collect_url(self.url, self.measurement_id, self._api_secret)

    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        return encode_events(events, now)

    def secret_values(self) -> tuple[str, ...]:
        return (self._api_secret,)

    def check(self, event: StoredEvent, now: float) -> str | None:
        return event_problem(event.name, event_params(event), event.time_us, now)

    def group_key(self, event: StoredEvent) -> Any:
        return event.client_id  # GA-B1: one client per request


def validate_ga4(base_url: str, measurement_id: str, api_secret: str, events: list[StoredEvent], now: float) -> list[str]:
    """Local rule checks plus GA4's own validation server (GA-T3, GA-V1); [] means clean.

    The debug server ignores the keys (GA-T6), so this proves the payload, not the credentials.
    """
    messages = [f"{e.name}: {p}" for e in events if (p := event_problem(e.name, event_params(e), e.time_us, now))]
    if not events:
        return messages
    session = transport.new_session(base_url)
    try:
        outcome, reply = transport.post(
            session, collect_url(base_url, measurement_id, api_secret, debug=True),
            encode_events(events, now), {"Content-Type": "application/json"},
        )
        found = [f"validation server unreachable: {outcome.reason}"] if reply is None else _validation_messages(outcome, reply)
        return messages + [redact(m, (api_secret,)) for m in found]
    finally:
        session.close()


def _validation_messages(outcome: Any, reply: Any) -> list[str]:
    if outcome.reason:
        return [f"validation server answered {outcome.reason}"]
    try:
        found = reply.json().get("validationMessages", [])
    except (ValueError, AttributeError):
        return ["validation server sent an answer that is not JSON"]
    return [
        f"{m.get('fieldPath', '?')}: {m.get('description', '')} ({m.get('validationCode', '?')})"
        for m in found if isinstance(m, dict)
    ]


# -- settings ---------------------------------------------------------------------------------


def _check_measurement_id(setting: str, measurement_id: str) -> str:
    measurement_id = measurement_id.strip()
    if not measurement_id.startswith("G-") or len(measurement_id) < 4:
        raise ConfigError(f"{setting}: expected a measurement id like G-XXXXXXXXXX (not the numeric stream id)")
    return measurement_id


def environment(problems: Problems) -> Settings:
    layer: Settings = {}
    measurement = first_variable("TIT_GA4_MEASUREMENT_ID")
    if measurement:
        layer.update(measurement_id=measurement, enabled=(True, measurement[1]))
    endpoint = first_variable("TIT_GA4_ENDPOINT")
    if endpoint:
        layer["endpoint"] = endpoint
    return layer


def build(settings: Settings, problems: Problems) -> Ga4Exporter:
    endpoint = check_url(label(settings, "endpoint", "TIT_GA4_ENDPOINT"), str(value(settings, "endpoint", DEFAULT_ENDPOINT)))
    setting = label(settings, "measurement_id", "TIT_GA4_MEASUREMENT_ID")
    measurement_id = _check_measurement_id(setting, str(value(settings, "measurement_id", "")))
    api_secret = secrets.get_secret(API_SECRET)
    if not api_secret:
        raise missing_secret(API_SECRET, "the GA4 API secret")
    return Ga4Exporter(endpoint, measurement_id, api_secret)


def entry(url: str, options: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    secret = options.pop("api_secret", None)
    measurement_id = _check_measurement_id("--measurement-id", str(options.pop("measurement_id", "") or ""))
    no_extra_options(options)
    settings: dict[str, Any] = {"enabled": True, "measurement_id": measurement_id}
    if url:
        settings["endpoint"] = check_url("URL", url)
    return settings, secret


def display_url(settings: Settings) -> str:
    base = transport.shown_url(str(value(settings, "endpoint", DEFAULT_ENDPOINT)).rstrip("/"))
    measurement = transport.escape_controls(str(value(settings, "measurement_id", "")))
    if not measurement:
        return base
    masked = secrets.mask(secrets.get_secret(API_SECRET))
    return f"{base}/mp/collect?measurement_id={measurement}&api_secret={masked}"


KIND = DestinationKind(
    name="ga4",
    user_keys=("enabled", "endpoint", "measurement_id"),
    secret=API_SECRET,
    environment=environment,
    build=build,
    entry=entry,
    display_url=display_url,
    variables=("TIT_GA4_MEASUREMENT_ID", "TIT_GA4_ENDPOINT"),
    fields={
        "client_id": "the anonymous installation id: random; deleted at opt-out, replaced at a reset",
        "events": "the list of events in this request",
        "name": "the event's name from the catalog",
        "params": "the event's parameters and the parameters added to every event",
        "timestamp_micros": "when the event happened, in microseconds since 1970",
        "session_id": "a random number for this run of the app, renewed with the anonymous id",
        "engagement_time_msec": "always 1: GA4 counts a user as active only with a positive value",
    },
)
