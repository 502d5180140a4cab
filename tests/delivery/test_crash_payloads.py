"""An app_crash as each destination receives it: GA4 within its limits, Sentry and OTLP as exceptions."""

from __future__ import annotations

import json

from tit_app import telemetry
from tit_app.ops.progress import Reporter
from tit_app.telemetry.destinations.ga4 import Ga4Exporter
from tit_app.telemetry.destinations.otlp import OtlpExporter
from tit_app.telemetry.destinations.sentry import event_payload
from tit_app.telemetry.testing import isolated_telemetry

from .validators import attributes, ga4_problems, otlp_problems


def recorded_crash(home):
    def fail(percent):
        raise OSError("cannot write /home/alice/out/result.nii on alice-laptop.example.org")

    try:
        Reporter(fail).start()
    except OSError as exc:
        with isolated_telemetry(home, consent=True, level="errors"):
            return telemetry.report_crash(exc, "gui").event
    raise AssertionError("did not raise")


def test_ga4_gets_an_event_within_its_limits(isolated_env, closing):
    event = recorded_crash(isolated_env)
    now = event.time_us / 1e6 + 1
    body = closing(Ga4Exporter("http://127.0.0.1:9", "G-TEST12345", "secret-value")).encode([event], now)
    assert ga4_problems(body, now) == []
    (sent,) = json.loads(body)["events"]
    assert sent["name"] == "app_crash" and sent["params"]["where"] == "gui"


def test_sentry_and_otlp_get_an_exception_with_in_app_frames_and_no_path_or_host(isolated_env, closing):
    event = recorded_crash(isolated_env)
    payload = event_payload(event)
    (exception,) = payload["exception"]["values"]
    assert exception["type"] == "OSError" and exception["mechanism"]["handled"] is False
    assert [(f["module"], f["function"], f["in_app"]) for f in exception["stacktrace"]["frames"]] == [
        ("tit_app.ops.progress", "start", True), ("tit_app.ops.progress", "_emit", True)]
    assert payload["fingerprint"] == [event.params["error_fingerprint"]] and payload["level"] == "error"
    body = closing(OtlpExporter("http://127.0.0.1:9/v1/logs")).encode([event], event.time_us / 1e6)
    data = json.loads(body)
    assert otlp_problems(data) == []
    (record,) = data["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    found = attributes(record["attributes"])
    assert record["severityNumber"] == 17 and found["exception.type"] == "OSError"
    assert found["exception.message"] == event.params["error_detail"]
    for text in (json.dumps(payload), body.decode()):
        assert "alice" not in text and "/home" not in text and "example.org" not in text
