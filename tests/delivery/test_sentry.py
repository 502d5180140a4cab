"""Sentry/GlitchTip envelope exporter against a real loopback server (docs/protocols.md §3)."""

from __future__ import annotations

import email.utils
import json

import pytest

from tit_app.telemetry.destinations.sentry import SentryExporter
from tit_app.telemetry.destinations.sentry import parse_dsn
from tit_app.telemetry.destinations.sentry import RateLimits, parse_header
from tit_app.telemetry.outcome import DROP, RETRY, SENT
from tit_app.telemetry.transport import ConfigError

from .factory import NOW, error_event, event
from .golden import golden_request
from .sink import Reply
from .validators import parse_envelope

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def sentry(sink, closing):
    dsn = f"http://{KEY}@127.0.0.1:{sink.port}/7"
    return closing(SentryExporter(parse_dsn(dsn, "TIT_SENTRY_DSN")))


def health_event(n=5):
    return event(n, name="telemetry_health", level="errors", params={"rejected": 3, "too_old": 1})


def sent_payload(sink) -> dict:
    """The event payload of the first envelope the sink received."""
    return json.loads(parse_envelope(sink.requests[0].body)[1][0][1])


def test_golden_envelope_is_what_the_server_receives(sentry, sink):
    request = golden_request(sentry, sink, [error_event(1)], "sentry_sim_ti_error.envelope")
    assert request.path == "/api/7/envelope/"  # SE-D2, trailing slash
    assert request.headers["content-type"] == "application/x-sentry-envelope"
    assert request.headers["x-sentry-auth"].startswith("Sentry sentry_version=7, sentry_client=tit-app/")
    assert request.headers["x-sentry-auth"].endswith(f"sentry_key={KEY}")  # SE-A1, no secret


def test_envelope_parses_per_SE_E1_E5(sentry, sink):
    sentry.export([error_event(1)], NOW)
    header, items = parse_envelope(sink.requests[0].body)
    assert header["event_id"] == error_event(1).event_id
    assert header["sent_at"] == "2026-01-05T12:00:00.000000Z"  # send time, not stored (SE-E3)
    assert header["sdk"]["name"] == "tit-app"
    (item_header, payload) = items[0]
    assert len(items) == 1 and item_header["type"] == "event"  # SE-E5


def test_event_payload_SE_P1_P9(sentry, sink):
    sentry.export([error_event(1)], NOW)
    payload = sent_payload(sink)
    assert payload["event_id"] == error_event(1).event_id and len(payload["event_id"]) == 32
    assert payload["platform"] == "python" and payload["level"] == "error"
    assert payload["release"] == "tit-app@0.1.0" and payload["environment"] == "production"
    assert all(isinstance(v, str) and len(v) <= 200 for v in payload["tags"].values())
    assert payload["tags"]["event"] == "sim_ti" and payload["tags"]["status"] == "error"
    assert "device" not in payload["contexts"] and "server_name" not in payload
    (exception,) = payload["exception"]["values"]
    assert exception["type"] == "ValueError" and exception["value"] == "grid size must be positive"
    assert exception["mechanism"] == {"type": "generic", "handled": False}
    frames = exception["stacktrace"]["frames"]
    assert [f["function"] for f in frames] == ["run_simulation", "solve"]  # caller -> callee
    assert all(set(f) == {"module", "function", "lineno", "in_app"} for f in frames)  # no paths, no vars


def test_no_frames_means_no_stacktrace(sentry, sink):
    bare = event(3, level="errors", params={"status": "error", "error_type": "OSError"})
    sentry.export([bare], NOW)
    payload = sent_payload(sink)
    assert "stacktrace" not in payload["exception"]["values"][0]


def test_internal_runs_are_development(sentry, sink):
    internal = event(4, level="errors", params={"error_type": "E"}, system={**error_event().system, "internal": True})
    sentry.export([internal], NOW)
    assert sent_payload(sink)["environment"] == "development"


def test_non_exception_events_become_messages(sentry, sink):
    sentry.export([health_event()], NOW)
    payload = sent_payload(sink)
    assert "exception" not in payload
    assert payload["message"]["formatted"] == "telemetry_health: rejected=3, too_old=1"


def test_only_error_level_events_one_per_envelope(sentry, sink):
    assert sentry.levels == frozenset({"errors"}) and sentry.max_events == 1
    sentry.export([error_event(1), error_event(2)], NOW)  # a larger batch still goes one by one
    assert len(sink.requests) == 2


@pytest.mark.parametrize("dsn, url", [
    (f"https://{KEY}@glitchtip.example.com/7", "https://glitchtip.example.com/api/7/envelope/"),
    (f"https://{KEY}:secret@sentry.example.com:8443/base/path/42", "https://sentry.example.com:8443/base/path/api/42/envelope/"),
    (f"http://{KEY[:8]}-{KEY[8:12]}-{KEY[12:16]}-{KEY[16:20]}-{KEY[20:]}@localhost:9000/3", "http://localhost:9000/api/3/envelope/"),
])
def test_envelope_url_from_the_dsn_SE_D1_D2(dsn, url):
    assert parse_dsn(dsn, "TIT_SENTRY_DSN").envelope_url == url


def test_secret_key_goes_in_the_auth_header_only_if_present_SE_A1():
    assert parse_dsn(f"https://{KEY}:s3@h.example.com/1", "X").auth_header("c/1").endswith("sentry_secret=s3")


@pytest.mark.parametrize("dsn, words", [
    ("https://notauuid@glitchtip.example.com/7", "UUID"),
    ("https://glitchtip.example.com/7", "no public key"),
    (f"https://{KEY}@glitchtip.example.com/", "no project"),
    (f"http://{KEY}@glitchtip.example.com/7", "https"),
])
def test_bad_dsns_are_config_errors_naming_the_setting_SE_D3(dsn, words):
    with pytest.raises(ConfigError) as caught:
        parse_dsn(dsn, "TIT_SENTRY_DSN")
    assert str(caught.value).startswith("TIT_SENTRY_DSN:") and words in str(caught.value)
    assert KEY not in str(caught.value)


# -- rate limits ------------------------------------------------------------------------


def test_rate_limit_header_parsing_SE_R2():
    limits = parse_header("60:transaction:key, 2700:default;error;security:organization, 10::org, 5:unknown:x, bad")
    assert limits == [(60.0, ["transaction"]), (2700.0, ["default", "error", "security"]), (10.0, [""])]


def test_keeps_the_longest_limit_per_category_SE_R3():
    limits = RateLimits()
    limits.update(200, {"X-Sentry-Rate-Limits": "100:error:org"}, NOW)
    limits.update(200, {"X-Sentry-Rate-Limits": "10:error:org"}, NOW)
    assert limits.applies("error", NOW, NOW + 50)
    assert not limits.applies("default", NOW + 50, NOW + 50)


def test_429_with_retry_after_drops_and_holds_SE_R3_R5(sentry, sink):
    sink.script(Reply(429, headers={"Retry-After": "120"}))
    outcome = sentry.export([error_event(1)], NOW)
    assert outcome.verdict is DROP and outcome.cause == "rate_limited"
    assert outcome.retry_after == pytest.approx(120.0)
    # During the limit, events are dropped without a request (SE-R5).
    again = sentry.export([error_event(2)], NOW + 10)
    assert again.verdict is DROP and again.cause == "rate_limited"
    assert len(sink.requests) == 1


def test_429_with_an_http_date_retry_after(sentry, sink):
    import time

    sink.script(Reply(429, headers={"Retry-After": email.utils.formatdate(time.time() + 300, usegmt=True)}))
    outcome = sentry.export([error_event(1)], time.time())
    assert outcome.cause == "rate_limited" and 200 < outcome.retry_after <= 301


def test_429_without_headers_backs_off_60_seconds_SE_R3(sentry, sink):
    sink.script(Reply(429))
    assert sentry.export([error_event(1)], NOW).retry_after == pytest.approx(60.0)


def test_rate_limit_header_on_a_200_is_honoured_per_category_SE_R3(sentry, sink):
    sink.script(Reply(200, headers={"X-Sentry-Rate-Limits": "300:default:organization"}))
    assert sentry.export([error_event(1)], NOW).verdict is SENT
    # Message events ("default") are limited now; errors still go, so there is no hold.
    limited = sentry.export([health_event(2)], NOW + 1)
    assert limited.verdict is DROP and limited.cause == "rate_limited" and limited.retry_after is None
    assert sentry.export([error_event(3)], NOW + 1).verdict is SENT
    assert len(sink.requests) == 2


def test_an_event_from_inside_an_ended_limit_is_still_dropped_SE_R5(sentry, sink):
    sink.script(Reply(429, headers={"Retry-After": "60"}))
    sentry.export([error_event(1)], NOW)
    during = event(2, level="errors", params={"error_type": "E"}, age_s=-30)  # happened 30 s into the limit
    after = event(3, level="errors", params={"error_type": "E"}, age_s=-90)
    assert sentry.export([during], NOW + 120).cause == "rate_limited"
    assert sentry.export([after], NOW + 120).verdict is SENT


def test_server_errors_are_retried(sentry, sink):
    sink.script(Reply(503, headers={"Retry-After": "5"}))
    outcome = sentry.export([error_event(1)], NOW)
    assert outcome.verdict is RETRY and outcome.retry_after == 5.0


def test_item_length_counts_bytes_not_characters_SE_E4(sentry, sink):
    accented = event(6, level="errors", params={"error_type": "ValueError", "error_detail": "électrode « F7 » absente"})
    sentry.export([accented], NOW)
    header, items = parse_envelope(sink.requests[0].body)
    (item_header, payload) = items[0]
    assert item_header["length"] == len(payload) > len(payload.decode())
    assert json.loads(payload)["exception"]["values"][0]["value"] == "électrode « F7 » absente"
