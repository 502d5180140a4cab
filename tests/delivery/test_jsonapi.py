"""The plain JSON endpoint exporter against a real loopback server."""

from __future__ import annotations

import json

from tit_app.telemetry.destinations.jsonapi import JsonExporter

from .factory import FRAMES, NOW, error_event, event
from .golden import golden_request


def test_golden_payload_with_a_bearer_token(sink, closing):
    exporter = closing(JsonExporter(sink.url + "/ingest", token="token-1234567890"))
    request = golden_request(exporter, sink, [event(1), error_event(2)], "json_sim_ti.json")
    assert request.path == "/ingest"
    assert request.headers["authorization"] == "Bearer token-1234567890"


def test_frames_only_for_error_events(sink, closing):
    exporter = closing(JsonExporter(sink.url))
    usage_with_frames = event(1, frames=FRAMES)
    exporter.export([usage_with_frames, error_event(2)], NOW)
    usage, error = json.loads(sink.requests[0].body)["events"]
    assert "frames" not in usage and error["frames"] == [dict(f) for f in FRAMES]
    assert error["event_id"] == error_event(2).event_id and error["system"]["os_name"] == "linux"


def test_no_token_no_authorization_header(sink, closing):
    closing(JsonExporter(sink.url)).export([event(1)], NOW)
    assert "authorization" not in sink.requests[0].headers


def test_preview_matches_the_body(sink, closing):
    exporter = closing(JsonExporter(sink.url))
    exporter.export([event(1)], NOW)
    assert exporter.preview(event(1), NOW).encode() == sink.requests[0].body


def test_an_exporter_bug_becomes_a_retry_not_an_exception(sink):
    """docs/architecture.md ("Invariants"): exporters report outcomes and never raise, even on their own bugs."""
    from tit_app.telemetry.outcome import RETRY

    class BuggyExporter(JsonExporter):
        def encode(self, events, now):
            raise KeyError("a bug in encoding")

    exporter = BuggyExporter(sink.url + "/ingest")
    try:
        outcome = exporter.export([event(1)], NOW)
    finally:
        exporter.close()
    assert outcome.verdict is RETRY and "KeyError" in outcome.reason
    assert sink.requests == []
