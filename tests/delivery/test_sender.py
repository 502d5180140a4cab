"""The fault matrix: sender + exporter + a real loopback server + a real Store on a tmp SQLite file.

Every case asserts the store afterwards: nothing lost to a transient failure, nothing
retried for ever, backoff delays as computed from the policy and the fixed draw.
"""

from __future__ import annotations

import email.utils
import json
import time

import pytest

from tit_app.telemetry.backoff import Backoff
from tit_app.telemetry.destinations.ga4 import Ga4Exporter
from tit_app.telemetry.destinations.jsonapi import JsonExporter
from tit_app.telemetry.sender import send_round

from .factory import NOW, events
from .sink import Reply, free_port

POLICY = Backoff()
DRAW = 0.5


def draw() -> float:
    return DRAW


def make(kind: str, url: str):
    if kind == "ga4":
        return Ga4Exporter(url, "G-TEST12345", "secret-value-123456")
    return JsonExporter(url + "/ingest")


@pytest.fixture(params=["json", "ga4"])
def kind(request):
    return request.param


def deliveries(store, name):
    return {p.event.event_id: d for p in store.pending() for d in p.deliveries if d.destination == name}


def fill(store, now, count=3):
    batch = events(count)
    store.add(batch, now=now)
    return batch


def retried_as_computed(store, name, now, count, attempt=1, server_wait=None):
    state = deliveries(store, name)
    assert store.pending_count() == count, "nothing lost"
    expected = POLICY.wait(attempt, DRAW, server_wait)
    assert all(d.state == "pending" and d.attempts == attempt for d in state.values())
    assert all(d.next_attempt == pytest.approx(now + expected, abs=1.0 if server_wait else 1e-6) for d in state.values())
    return state


# -- the matrix ------------------------------------------------------------------------


def test_connection_refused_keeps_events_and_backs_off(store, kind, closing):
    now = NOW
    fill(store, now)
    exporter = closing(make(kind, f"http://127.0.0.1:{free_port()}"))
    report = send_round(store, [exporter], POLICY, now, rand=draw)
    assert report[exporter.name].retried == 3
    state = retried_as_computed(store, exporter.name, now, 3)
    assert all("refused" in d.last_error.lower() for d in state.values())
    assert store.holds() == {}


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_keep_events_and_back_off(store, sink, kind, closing, status):
    now = NOW
    fill(store, now)
    sink.script(Reply(status))
    exporter = closing(make(kind, sink.url))
    send_round(store, [exporter], POLICY, now, rand=draw)
    retried_as_computed(store, exporter.name, now, 3)
    assert str(status) in store.destination_status()[exporter.name]["last_error"]


def test_429_with_retry_after_seconds_holds_the_destination(store, sink, kind, closing):
    now = NOW
    fill(store, now)
    sink.script(Reply(429, headers={"Retry-After": "120"}))
    exporter = closing(make(kind, sink.url))
    send_round(store, [exporter], POLICY, now, rand=draw)
    retried_as_computed(store, exporter.name, now, 3, server_wait=120.0)
    assert store.holds()[exporter.name] == pytest.approx(now + 120)
    # A hold is honoured even by a forced round: no request reaches the server.
    report = send_round(store, [exporter], POLICY, now + 60, force=True, rand=draw)
    assert report[exporter.name].held_until == pytest.approx(now + 120) and len(sink.requests) == 1


def test_429_with_retry_after_as_http_date(store, sink, kind, closing):
    now = NOW
    fill(store, now)
    sink.script(Reply(429, headers={"Retry-After": email.utils.formatdate(time.time() + 300, usegmt=True)}))
    exporter = closing(make(kind, sink.url))
    send_round(store, [exporter], POLICY, now, rand=draw)
    retried_as_computed(store, exporter.name, now, 3, server_wait=300.0)
    assert store.holds()[exporter.name] == pytest.approx(now + 300, abs=2)


def test_a_server_slower_than_the_timeout_is_retried(store, sink, kind, closing):
    now = NOW
    fill(store, now)
    sink.script(Reply(delay=1.0))
    exporter = closing(make(kind, sink.url))
    send_round(store, [exporter], POLICY, now, rand=draw, timeout=0.2)
    state = retried_as_computed(store, exporter.name, now, 3)
    assert all("in time" in d.last_error for d in state.values())


def test_a_reset_mid_response_is_retried(store, sink, kind, closing):
    now = NOW
    fill(store, now)
    sink.script(Reply(reset=True))
    exporter = closing(make(kind, sink.url))
    send_round(store, [exporter], POLICY, now, rand=draw)
    retried_as_computed(store, exporter.name, now, 3)


def test_200_with_a_garbage_body_is_delivered(store, sink, kind, closing):
    now = NOW
    batch = fill(store, now)
    sink.script(Reply(200, body=b"\x00<html>garbage"))
    exporter = closing(make(kind, sink.url))
    report = send_round(store, [exporter], POLICY, now, rand=draw)
    assert report[exporter.name].sent == 3
    assert store.pending_count() == 0
    assert {(h.event_id, h.outcome) for h in store.history()} == {(e.event_id, "sent") for e in batch}


@pytest.mark.parametrize("status", [400, 413])
def test_final_refusals_drop_and_count(store, sink, kind, closing, status):
    """3 tracked, 3 counted as dropped. A 413 is final only for an event refused on its own
    (OT-R6): the server here refuses every body, so the batch is split down to single events."""
    now = NOW
    fill(store, now)
    sink.default = Reply(status, body=b"payload refused")
    exporter = closing(make(kind, sink.url))
    report = send_round(store, [exporter], POLICY, now, rand=draw)
    assert report[exporter.name].dropped == 3 and f"HTTP {status}" in report[exporter.name].error
    assert store.pending_count() == 0
    assert store.drop_counts() == {"rejected": 3}
    assert all(h.outcome == "dropped" and f"HTTP {status}" in h.detail for h in store.history())
    # 400: one request. 413: [3] -> [1] + [2] -> [1] + [1]: every event was tried alone.
    assert len(sink.requests) == (1 if status == 400 else 5)


# -- recovery, backoff growth and giving up ----------------------------------------------


def test_nothing_is_lost_once_the_server_recovers(store, sink, kind, closing):
    now = NOW
    fill(store, now)
    sink.script(Reply(503), Reply(503))
    exporter = closing(make(kind, sink.url))
    send_round(store, [exporter], POLICY, now, rand=draw)
    later = now + POLICY.wait(1, DRAW, None) + 0.001
    send_round(store, [exporter], POLICY, later, rand=draw)
    retried_as_computed(store, exporter.name, later, 3, attempt=2)  # 5 s * 2 * 0.5
    send_round(store, [exporter], POLICY, later + POLICY.wait(2, DRAW, None) + 0.001, rand=draw)
    assert store.pending_count() == 0
    assert len(json.loads(sink.requests[-1].body)["events"]) == 3  # GA4 and JSON both say "events"


def test_backoff_is_respected_unless_forced(store, sink, closing):
    now = NOW
    fill(store, now)
    sink.script(Reply(503))
    exporter = closing(make("json", sink.url))
    send_round(store, [exporter], POLICY, now, rand=draw)
    assert send_round(store, [exporter], POLICY, now + 1, rand=draw)[exporter.name].leased == 0
    assert send_round(store, [exporter], POLICY, now + 1, force=True, rand=draw)[exporter.name].sent == 3


def test_nothing_is_retried_for_ever(store, closing):
    now = NOW
    fill(store, now)
    exporter = closing(make("json", f"http://127.0.0.1:{free_port()}"))
    send_round(store, [exporter], POLICY, now, rand=draw)
    beyond = now + store.bounds.max_age_s + 3600
    report = send_round(store, [exporter], POLICY, beyond, rand=draw)
    assert report[exporter.name].dropped == 3 and report[exporter.name].leased == 0
    assert store.pending_count() == 0 and store.drop_counts() == {"too_old": 3}


def test_ga4_drops_events_older_than_72_hours_but_others_still_get_them(store, sink, closing):
    now = NOW
    old = events(2, age_s=0)
    store.add(old, now=now)
    ga4, json_api = closing(make("ga4", sink.url)), closing(make("json", sink.url))
    later = now + 73 * 3600
    report = send_round(store, [ga4, json_api], POLICY, later, rand=draw)
    assert report["ga4"].dropped == 2 and report["json"].sent == 2
    assert store.drop_counts() == {"too_old": 2}
    assert store.pending_count() == 0


# -- isolation ---------------------------------------------------------------------------


class BrokenExporter(JsonExporter):
    name = "broken"

    def export(self, events, now, timeout=None):
        raise RuntimeError("exporter bug")


def test_a_dead_or_broken_destination_never_blocks_another(store, sink, closing):
    now = NOW
    fill(store, now, count=30)
    dead = closing(make("ga4", f"http://127.0.0.1:{free_port()}"))
    broken = closing(BrokenExporter(sink.url))
    good = closing(make("json", sink.url))
    report = send_round(store, [dead, broken, good], POLICY, now, rand=draw)
    assert report["json"].sent == 30
    assert report["ga4"].retried == 25  # one batch tried, the rest waits for the next round
    assert "RuntimeError" in report["broken"].error
    assert store.pending_count() == 30  # ga4 and broken still owe them
    assert len(sink.requests) == 1


def test_individually_rejected_events_are_dropped_alone(store, sink, closing):
    now = NOW
    good = events(2)
    bad = events(1, start=3, name="session_start")  # reserved in GA4 (GA-R1)
    store.add(good + bad, now=now)
    ga4 = closing(make("ga4", sink.url))
    report = send_round(store, [ga4], POLICY, now, rand=draw)
    assert (report["ga4"].sent, report["ga4"].dropped) == (2, 1)
    assert store.drop_counts() == {"rejected": 1}
    dropped = [h for h in store.history() if h.outcome == "dropped"]
    assert [h.event_id for h in dropped] == [bad[0].event_id] and "GA-R1" in dropped[0].detail


def test_partial_success_counts_rejected_records(store, sink, closing):
    from tit_app.telemetry.destinations.otlp import OtlpExporter

    now = NOW
    fill(store, now)
    sink.script(Reply(200, body=b'{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"bad"}}'))
    otlp = closing(OtlpExporter(sink.url + "/v1/logs"))
    report = send_round(store, [otlp], POLICY, now, rand=draw)
    assert (report["otlp"].sent, report["otlp"].dropped) == (1, 2)
    assert store.drop_counts() == {"rejected": 2} and store.pending_count() == 0


def test_events_stay_until_every_destination_is_done(store, sink, closing):
    now = NOW
    fill(store, now)
    json_api = closing(make("json", sink.url))
    dead = closing(make("ga4", f"http://127.0.0.1:{free_port()}"))
    send_round(store, [json_api, dead], POLICY, now, rand=draw)
    assert store.pending_count() == 3
    send_round(store, [json_api], POLICY, now, rand=draw)  # ga4 removed from the configuration
    assert store.pending_count() == 0


def test_sentry_rate_limit_drops_and_holds(store, sink, closing):
    from tit_app.telemetry.destinations.sentry import SentryExporter
    from tit_app.telemetry.destinations.sentry import parse_dsn

    from .factory import error_event

    now = NOW
    store.add([error_event(1), error_event(2)], now=now)
    sink.script(Reply(429, headers={"Retry-After": "60"}))
    sentry = closing(SentryExporter(parse_dsn(f"http://{'a' * 32}@127.0.0.1:{sink.port}/1", "DSN")))
    report = send_round(store, [sentry], POLICY, now, rand=draw)
    assert report["sentry"].dropped == 1 and store.drop_counts() == {"rate_limited": 1}
    assert store.holds()["sentry"] == pytest.approx(now + 60)
    assert store.pending_count() == 1 and len(sink.requests) == 1
