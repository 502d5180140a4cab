"""flush(): send everything now within a time budget. A fake clock and a fake sleep: no real waiting."""

from __future__ import annotations

import pytest

from tit_app.telemetry.backoff import Backoff
from tit_app.telemetry.destinations.jsonapi import JsonExporter
from tit_app.telemetry.sender import flush, send_round

from .factory import NOW, error_event, events
from .sink import Reply, free_port


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock(NOW)


def test_flush_delivers_everything_and_reports_success(store, sink, closing, clock):
    store.add(events(250), now=NOW)
    exporter = closing(JsonExporter(sink.url))
    assert flush(store, [exporter], Backoff(), 5.0, clock=clock, sleep=clock.sleep) is True
    assert store.pending_count() == 0 and clock.slept == []


def test_flush_ignores_our_backoff(store, sink, closing, clock):
    store.add(events(3), now=NOW)
    exporter = closing(JsonExporter(sink.url))
    sink.script(Reply(503))
    send_round(store, [exporter], Backoff(), NOW, rand=lambda: 0.5)
    assert flush(store, [exporter], Backoff(), 1.0, clock=clock, sleep=clock.sleep) is True


def test_flush_gives_up_on_a_dead_destination_after_one_try(store, closing, clock):
    store.add(events(3), now=NOW)
    exporter = closing(JsonExporter(f"http://127.0.0.1:{free_port()}"))
    assert flush(store, [exporter], Backoff(), 1.0, clock=clock, sleep=clock.sleep) is False
    assert store.pending_count() == 3  # kept for the next run
    assert [d.attempts for p in store.pending() for d in p.deliveries] == [1, 1, 1]


def test_flush_waits_for_a_server_hold_that_ends_in_time(store, sink, closing, clock):
    store.add(events(3), now=NOW)
    sink.script(Reply(503, headers={"Retry-After": "2"}))
    exporter = closing(JsonExporter(sink.url))
    assert flush(store, [exporter], Backoff(), 5.0, clock=clock, sleep=clock.sleep) is True
    assert clock.slept == [pytest.approx(2.0)]
    assert len(sink.requests) == 2


def test_flush_does_not_wait_for_a_hold_beyond_the_budget(store, sink, closing, clock):
    store.add(events(3), now=NOW)
    store.set_hold("json", NOW + 60)
    exporter = closing(JsonExporter(sink.url))
    assert flush(store, [exporter], Backoff(), 1.0, clock=clock, sleep=clock.sleep) is False
    assert clock.slept == [] and sink.requests == []  # the hold is honoured: no request


def test_flush_stops_when_the_time_is_up(store, sink, closing, clock):
    store.add(events(50), now=NOW)
    exporter = closing(JsonExporter(sink.url))
    exporter.max_events = 10
    original = exporter.export

    def slow_export(batch, now, timeout=None):
        clock.now += 0.4  # each request "takes" 0.4 s of the fake clock
        return original(batch, now, timeout)

    exporter.export = slow_export
    assert flush(store, [exporter], Backoff(), 1.0, clock=clock, sleep=clock.sleep) is False
    assert len(sink.requests) == 3  # started at 0, 0.4 and 0.8 s; none after the budget
    assert store.pending_count() == 20


def test_flush_caps_each_request_by_the_remaining_time(store, sink, closing, clock):
    store.add(events(2), now=NOW)
    exporter = closing(JsonExporter(sink.url))
    seen = []
    original = exporter.export
    exporter.export = lambda batch, now, timeout=None: seen.append(timeout) or original(batch, now, timeout)
    flush(store, [exporter], Backoff(), 0.8, clock=clock, sleep=clock.sleep)
    assert seen == [pytest.approx(0.8)]


def test_flush_is_true_when_nothing_pending_is_accepted_by_any_destination(store, sink, closing, clock):
    from tit_app.telemetry.destinations.sentry import SentryExporter
    from tit_app.telemetry.destinations.sentry import parse_dsn

    store.add(events(3) + [error_event(9)], now=NOW)
    sentry = closing(SentryExporter(parse_dsn(f"http://{'a' * 32}@127.0.0.1:{sink.port}/1", "DSN")))
    assert flush(store, [sentry], Backoff(), 1.0, clock=clock, sleep=clock.sleep) is True
    assert store.pending_count() == 3  # usage events nobody here accepts


def test_flush_with_no_destination_is_trivially_done(store, clock):
    store.add(events(2), now=NOW)
    assert flush(store, [], Backoff(), 1.0, clock=clock, sleep=clock.sleep) is True
