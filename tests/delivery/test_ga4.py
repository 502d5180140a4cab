"""GA4 Measurement Protocol exporter against a real loopback server (docs/protocols.md §1)."""

from __future__ import annotations

import json

import pytest

from tit_app.telemetry.destinations.ga4 import Ga4Exporter, validate_ga4
from tit_app.telemetry.outcome import RETRY, SENT

from .factory import CLIENT, NOW, error_event, event, events
from .golden import golden_request
from .sink import Reply
from .validators import ga4_problems

SECRET = "ga4-api-secret-value-0123456789"


@pytest.fixture
def ga4(sink, closing):
    return closing(Ga4Exporter(sink.url, "G-TEST12345", SECRET))


def test_golden_payload_is_what_the_server_receives_GA_T1_T5(ga4, sink):
    request = golden_request(ga4, sink, [event(1), error_event(2)], "ga4_sim_ti.json")
    assert request.path == "/mp/collect"
    assert request.query == {"measurement_id": ["G-TEST12345"], "api_secret": [SECRET]}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("tit-app/")


def test_payload_passes_the_ga4_rules_GA_L_R_TS_P1(ga4, sink):
    ga4.export([event(1), error_event(2)], NOW)
    body = sink.requests[0].body
    assert ga4_problems(body, NOW) == []
    data = json.loads(body)
    assert data["client_id"] == CLIENT
    first = data["events"][0]
    assert first["timestamp_micros"] == event(1).time_us  # when it happened, not when sent
    assert first["params"]["session_id"] == event(1).session_id
    assert first["params"]["internal"] == "false"  # GA4 params are strings or numbers
    assert "frames" not in json.dumps(data) and "run_simulation" not in json.dumps(data)  # never the frames


def test_preview_is_exactly_the_one_event_body(ga4, sink):
    text = ga4.preview(event(1), NOW)
    ga4.export([event(1)], NOW)
    assert text.encode() == sink.requests[0].body
    assert SECRET not in text


def test_batches_stay_within_25_events_and_130000_bytes_GA_L1_L9(sink, closing):
    ga4 = closing(Ga4Exporter(sink.url, "G-TEST12345", SECRET))
    assert ga4.max_events == 25
    # Long non-ASCII values make the body bigger than the stored-size bound suggests.
    big = [event(n, params={"status": "error", "error_detail": "é" * 100, "run_id": "r"}) for n in range(1, 26)]
    ga4.max_body = 5_000  # a small limit forces the split path
    outcome = ga4.export(big, NOW)
    assert outcome.verdict is SENT and not outcome.rejected
    assert len(sink.requests) > 1
    received = [e for r in sink.requests for e in json.loads(r.body)["events"]]
    assert len(received) == 25
    assert all(len(r.body) < 5_000 for r in sink.requests)


def test_one_request_per_client_GA_B1(ga4, sink):
    ga4.export([event(1), event(2, client="f" * 32), event(3)], NOW)
    clients = sorted(json.loads(r.body)["client_id"] for r in sink.requests)
    assert clients == [CLIENT, "f" * 32]


@pytest.mark.parametrize("bad, rule", [
    (dict(name="session_start"), "GA-R1"),
    (dict(name="firebase_thing"), "GA-R3"),
    (dict(name="bad-name"), "GA-L4"),
    (dict(params={"google_x": "1"}), "GA-R4"),
    (dict(params={"note": "x" * 101}), "GA-L6"),
    (dict(params={f"p{i}": i for i in range(30)}), "GA-L2"),
    (dict(age_s=73 * 3600), "GA-TS3"),
])
def test_events_breaking_a_rule_are_rejected_one_by_one(ga4, sink, bad, rule):
    outcome = ga4.export([event(1), event(2, **bad)], NOW)
    assert outcome.verdict is SENT
    assert list(outcome.rejected) == [event(2).event_id]
    assert rule in outcome.rejected[event(2).event_id]
    assert len(json.loads(sink.requests[0].body)["events"]) == 1


def test_future_timestamps_are_clamped_to_send_time_GA_TS2(ga4, sink):
    ga4.export([event(1, age_s=-3600)], NOW)
    assert ga4_problems(sink.requests[0].body, NOW) == []


def test_ga4_answers_2xx_whatever_it_gets_GA_T4(ga4, sink):
    sink.script(Reply(204, body=b""))
    assert ga4.export(events(2), NOW).verdict is SENT


def test_server_errors_are_retried(ga4, sink):
    sink.script(Reply(503, headers={"Retry-After": "30"}))
    outcome = ga4.export(events(2), NOW)
    assert outcome.verdict is RETRY and outcome.retry_after == 30.0


def test_max_age_is_72_hours_GA_TS3(ga4):
    assert ga4.max_age_s == 72 * 3600


def test_validate_ga4_reports_the_debug_servers_messages_GA_T3_V1(sink):
    sink.script(Reply(200, body=json.dumps({"validationMessages": [
        {"fieldPath": "events", "description": "Event at index 0 has an invalid name.", "validationCode": "NAME_INVALID"},
    ]}).encode()))
    messages = validate_ga4(sink.url, "G-TEST12345", SECRET, [event(1)], NOW)
    assert messages == ["events: Event at index 0 has an invalid name. (NAME_INVALID)"]
    assert sink.requests[0].path == "/debug/mp/collect"


def test_validate_ga4_clean_payload_has_no_messages(sink):
    sink.script(Reply(200, body=b'{"validationMessages": []}'))
    assert validate_ga4(sink.url, "G-TEST12345", SECRET, [event(1)], NOW) == []


def test_validate_ga4_names_an_unreachable_server_without_the_secret():
    from .sink import free_port

    messages = validate_ga4(f"http://127.0.0.1:{free_port()}", "G-TEST12345", SECRET, [event(1)], NOW)
    assert len(messages) == 1 and "unreachable" in messages[0]
    assert SECRET not in messages[0]


def test_after_one_request_must_be_retried_the_rest_of_the_batch_waits(ga4, sink):
    sink.script(Reply(503))
    outcome = ga4.export([event(1), event(2, client="f" * 32)], NOW)
    assert outcome.verdict is RETRY and len(sink.requests) == 1


@pytest.mark.parametrize("mutate, rule", [
    (lambda b: b["events"].append(b["events"][0]) or b["events"].extend(b["events"][0:1] * 30), "GA-L1"),
    (lambda b: b["events"][0].update(name="first_visit"), "GA-R1"),
    (lambda b: b["events"][0]["params"].pop("session_id"), "GA-P1"),
    (lambda b: b["events"][0].update(timestamp_micros=1767614400), "GA-TS1"),
    (lambda b: b["events"][0].update(timestamp_micros=int((NOW + 3600) * 1e6)), "GA-TS2"),
    (lambda b: b["events"][0]["params"].update(ga_thing=1), "GA-R4"),
])
def test_the_validator_itself_catches_each_rule(mutate, rule):
    body = json.loads(Ga4Exporter("https://www.google-analytics.com", "G-X1", "s").encode([event(1)], NOW))
    mutate(body)
    assert any(rule in p for p in ga4_problems(json.dumps(body).encode(), NOW))
