"""Google Analytics 4 Measurement Protocol, gtag/web variant (protocols.md §1).

One request per client id, at most 25 events and under 130,000 bytes. The collect
endpoint answers 2xx whatever it gets (GA-T4), so events are checked locally first and
`validate_ga4` asks the debug endpoint (GA-T3) for the CLI's `validate-ga4`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..model import StoredEvent
from . import ga4_rules
from .base import HttpExporter, compact_json, redact

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
    max_events = ga4_rules.MAX_EVENTS
    # Stored JSON is larger than GA4's encoding of the same event, so this keeps bodies
    # well under GA-L9; `max_body` splits anything that still gets too big.
    max_bytes = 100_000
    max_body = ga4_rules.MAX_BODY
    max_age_s = ga4_rules.MAX_AGE_S

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
        return ga4_rules.event_problem(event.name, event_params(event), event.time_us, now)

    def group_key(self, event: StoredEvent) -> Any:
        return event.client_id  # GA-B1: one client per request


def validate_ga4(base_url: str, measurement_id: str, api_secret: str, events: list[StoredEvent], now: float) -> list[str]:
    """Local rule checks plus GA4's own validation server (GA-T3, GA-V1); [] means clean.

    The debug server ignores the keys (GA-T6), so this proves the payload, not the credentials.
    """
    from .. import transport

    messages = [f"{e.name}: {p}" for e in events if (p := ga4_rules.event_problem(e.name, event_params(e), e.time_us, now))]
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
