"""The one small interface every destination implements, and the shared HTTP plumbing.

An exporter turns a batch of StoredEvents into one request body and reports an Outcome;
it never raises. `HttpExporter` does the
common part: refuse events that break the destination's rules one by one, split
batches that would be too big or mix clients, POST, and close what it opened.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any, Iterable, Sequence

from .. import transport
from ..model import StoredEvent
from ..outcome import DROP, RETRY, SENT, Outcome

log = logging.getLogger(__name__)


def compact_json(value: Any) -> bytes:
    """UTF-8 JSON without spaces: the encoding every exporter sends."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (of 4 characters or more) replaced by <secret>."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "<secret>")
    return text


class Exporter(ABC):
    name: str  # destination name: "ga4", "otlp", "sentry", "json", "console"
    levels: frozenset[str] = frozenset({"errors", "usage"})
    max_events: int = 100
    max_bytes: int = 1_000_000  # bound on the stored size of a leased batch
    max_age_s: float | None = None  # None: only the store's own age bound applies

    @abstractmethod
    def encode(self, events: list[StoredEvent], now: float) -> bytes:
        """One request body for `events` (all from one client)."""

    def preview(self, event: StoredEvent, now: float) -> str:
        """Exactly what a one-event batch sends: the body as text."""
        return self.encode([event], now).decode("utf-8")

    @abstractmethod
    def export(self, events: list[StoredEvent], now: float, timeout: float | None = None) -> Outcome:
        """Send `events`; never raises (failures are Outcomes). `timeout` caps connect plus read.

        The sender still guards every call, so an exporter from elsewhere that breaks this
        promise costs only its own destination a retry.
        """

    def close(self) -> None:
        """Release sockets; the exporter may be used again afterwards."""


class HttpExporter(Exporter):
    """POSTs encoded batches to `url` over one keep-alive session."""

    retry_statuses: frozenset[int] = transport.RETRY_STATUSES
    max_body: int | None = None  # hard request-size limit of the protocol, if any
    timeout: tuple[float, float] = transport.DEFAULT_TIMEOUT

    def __init__(self, url: str, verify: str | None = None) -> None:
        self.url = url
        self.verify = verify
        self._session: Any = None

    # -- hooks -------------------------------------------------------------------------

    def check(self, event: StoredEvent, now: float) -> str | None:
        """Why this event can never be accepted (it is then dropped on its own), or None."""
        return None

    def group_key(self, event: StoredEvent) -> Any:
        """Events with different keys go in different requests (e.g. one GA4 client per request)."""
        return None

    def request_headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json"}

    def request_url(self) -> str:
        return self.url

    def wire_body(self, body: bytes) -> bytes:
        """The bytes actually sent (compression happens here, after preview)."""
        return body

    def interpret(self, outcome: Outcome, reply: Any, events: list[StoredEvent], now: float) -> Outcome:
        """Refine the transport's verdict with what the reply's body or headers say (reply may be None)."""
        return outcome

    def before_send(self, events: list[StoredEvent], now: float) -> Outcome | None:
        """A verdict reached without the network (e.g. an active rate limit), or None to send."""
        return None

    # -- the shared flow ---------------------------------------------------------------

    def export(self, events: list[StoredEvent], now: float, timeout: float | None = None) -> Outcome:
        try:
            return self._export(events, now, timeout)
        except Exception as exc:  # an exporter reports outcomes, it never raises (docs/architecture.md, "Invariants")
            log.warning("telemetry exporter %s failed", self.name, exc_info=True)
            return Outcome.retry(f"internal error in the {self.name} exporter ({type(exc).__name__})")

    def _export(self, events: list[StoredEvent], now: float, timeout: float | None) -> Outcome:
        rejected = {e.event_id: why for e in events if (why := self.check(e, now))}
        good = [e for e in events if e.event_id not in rejected]
        groups: dict[Any, list[StoredEvent]] = {}
        for event in good:
            groups.setdefault(self.group_key(event), []).append(event)
        # One deadline for every request this batch needs (groups, splits): `timeout` is the batch's.
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        return self._send_parts(list(groups.values()), now, deadline).with_rejected(rejected)

    def _send_parts(self, parts: list[list[StoredEvent]], now: float, deadline: float | None) -> Outcome:
        """Send each part in turn; after one must be retried, the rest wait too (no point hammering)."""
        results: list[tuple[list[StoredEvent], Outcome]] = []
        failed: Outcome | None = None
        for part in parts:
            outcome = failed or self._send_bounded(part, now, deadline)
            if outcome.verdict is RETRY:
                failed = outcome
            results.append((part, outcome))
        return combine(results)

    def _send_bounded(self, events: list[StoredEvent], now: float, deadline: float | None) -> Outcome:
        body = self.encode(events, now)
        if self.max_body is not None and len(body) >= self.max_body:
            if len(events) == 1:
                return Outcome.drop(f"the event is {len(body)} bytes, over the {self.max_body}-byte limit")
            return self._split(events, now, deadline)
        outcome = self._post(events, body, now, deadline)
        if outcome.status == transport.TOO_LARGE:
            return self._too_large(events, outcome, now, deadline)
        return outcome

    def _split(self, events: list[StoredEvent], now: float, deadline: float | None) -> Outcome:
        half = len(events) // 2
        return self._send_parts([events[:half], events[half:]], now, deadline)

    def _too_large(self, events: list[StoredEvent], outcome: Outcome, now: float, deadline: float | None) -> Outcome:
        """OT-R6: a 413 means "too big", not "bad": halve until each request holds one event,
        and drop only an event that is too large on its own."""
        if len(events) > 1:
            return self._split(events, now, deadline)
        return Outcome.drop(f"the event alone is too large for the server ({outcome.reason})", "rejected",
                            status=outcome.status)

    def _post(self, events: list[StoredEvent], body: bytes, now: float, deadline: float | None) -> Outcome:
        early = self.before_send(events, now)
        if early is not None:
            return early
        limit = None if deadline is None else deadline - time.monotonic()
        if limit is not None and limit <= 0.01:
            return Outcome.retry("the time for sending ran out; the rest waits for the next round")
        if self._session is None:
            self._session = transport.new_session(self.url, self.verify)
        limits = transport.capped_timeout(self.timeout, limit)
        outcome, reply = transport.post(
            self._session, self.request_url(), self.wire_body(body), self.request_headers(), limits,
            retry_statuses=self.retry_statuses,
        )
        return self._redacted(self.interpret(outcome, reply, events, now))

    def secret_values(self) -> tuple[str, ...]:
        """This destination's secrets, kept out of error texts even if a server echoes them."""
        return ()

    def _redacted(self, outcome: Outcome) -> Outcome:
        reason = redact(outcome.reason, self.secret_values())
        return outcome if reason == outcome.reason else replace(outcome, reason=reason)

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()


def combine(parts: Sequence[tuple[list[StoredEvent], Outcome]]) -> Outcome:
    """One outcome for a batch sent as several requests.

    A part that was refused becomes individual rejections; any part that must be
    retried makes the whole batch retry (at-least-once: receivers de-duplicate by
    event id), so the sender never has to track half-sent batches.
    """
    if len(parts) == 1:
        return parts[0][1]
    rejected: dict[str, str] = {}
    count, retry_after, min_wait, reasons, retry = 0, None, None, [], False
    for events, outcome in parts:
        rejected.update(outcome.rejected)
        count += outcome.rejected_count
        if outcome.retry_after is not None:
            retry_after = max(retry_after or 0.0, outcome.retry_after)
        if outcome.min_wait is not None:
            min_wait = max(min_wait or 0.0, outcome.min_wait)
        if outcome.verdict is DROP:
            rejected.update({e.event_id: outcome.reason for e in events})
        if outcome.verdict is RETRY:
            retry = True
        if outcome.reason:
            reasons.append(outcome.reason)
    verdict = RETRY if retry else SENT
    return Outcome(verdict, "; ".join(dict.fromkeys(reasons)), retry_after, "", rejected, count, min_wait)
