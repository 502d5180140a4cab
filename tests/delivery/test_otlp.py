"""OTLP/HTTP logs (JSON) exporter against a real loopback server (docs/protocols.md §2)."""

from __future__ import annotations

import json

import pytest

from tit_app.telemetry.destinations.otlp import OtlpExporter
from tit_app.telemetry.outcome import DROP, RETRY, SENT

from .factory import CLIENT, NOW, error_event, event, events
from .golden import golden_request
from .sink import Reply
from .validators import attributes, otlp_parse, otlp_problems


@pytest.fixture
def otlp(sink, closing):
    return closing(OtlpExporter(sink.url + "/v1/logs"))


def first_resource(sink) -> dict:
    """The resource attributes of the first ResourceLogs the sink received."""
    return attributes(json.loads(sink.requests[0].body)["resourceLogs"][0]["resource"]["attributes"])


def test_golden_payload_is_what_the_collector_receives_OT_T1_T2(otlp, sink):
    request = golden_request(otlp, sink, [event(1), error_event(2)], "otlp_sim_ti.json")
    assert request.path == "/v1/logs"
    assert request.headers["content-type"] == "application/json"


def test_json_follows_the_otlp_json_rules_OT_J1_J4_A1(otlp, sink):
    otlp.export([event(1), error_event(2)], NOW)
    assert otlp_problems(json.loads(sink.requests[0].body)) == []


def test_the_official_protobuf_classes_parse_it(otlp, sink):
    otlp.export([event(1), error_event(2)], NOW)
    request = otlp_parse(json.loads(sink.requests[0].body))
    (resource_logs,) = request.resource_logs
    (scope_logs,) = resource_logs.scope_logs
    assert scope_logs.scope.name == "tit_app.telemetry"
    usage, error = scope_logs.log_records
    assert usage.event_name == "tit_app.sim_ti"
    assert usage.time_unix_nano == event(1).time_us * 1000
    assert (usage.severity_number, error.severity_number) == (9, 17)  # INFO, ERROR (OT-S2)
    assert not usage.trace_id and not usage.span_id  # none unless valid (OT-J3)


def test_records_carry_typed_attributes_and_a_stable_id_OT_C1(otlp, sink):
    otlp.export([event(1)], NOW)
    record = json.loads(sink.requests[0].body)["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
    values = {kv["key"]: kv["value"] for kv in record["attributes"]}
    assert values["grid_size"] == {"intValue": "64"}
    assert values["duration_s"] == {"doubleValue": 1.5}
    assert values["status"] == {"stringValue": "success"}
    assert values["log.record.uid"] == {"stringValue": event(1).event_id}
    assert record["timeUnixNano"] == str(event(1).time_us * 1000)


def test_resource_follows_semantic_conventions(otlp, sink):
    otlp.export([event(1)], NOW)
    resource = first_resource(sink)
    assert resource["service.name"] == "tit-app"
    assert resource["service.instance.id"] == CLIENT
    assert resource["os.type"] == "linux" and resource["host.arch"] == "amd64"
    assert resource["telemetry.sdk.name"] == "tit-app" and resource["telemetry.sdk.language"] == "python"
    assert resource["process.runtime.version"] == "3.11"
    assert "host.name" not in resource  # identifying; never sent


def test_service_name_and_resource_attributes_from_the_environment(sink, closing):
    otlp = closing(OtlpExporter(sink.url + "/v1/logs", service_name="lab-tit",
                                resource_extra={"deployment.environment.name": "lab", "service.name": "ignored",
                                                "service.instance.id": "spoofed"}))
    otlp.export([event(1)], NOW)
    resource = first_resource(sink)
    assert resource["service.name"] == "lab-tit"  # OTEL_SERVICE_NAME wins
    assert resource["deployment.environment.name"] == "lab"
    assert resource["service.instance.id"] == CLIENT


def test_each_client_gets_its_own_resource(otlp, sink):
    otlp.export([event(1), event(2, client="f" * 32)], NOW)
    body = json.loads(sink.requests[0].body)
    ids = [attributes(r["resource"]["attributes"])["service.instance.id"] for r in body["resourceLogs"]]
    assert ids == [CLIENT, "f" * 32]


def test_gzip_and_headers_OT_T3(sink, closing):
    otlp = closing(OtlpExporter(sink.url + "/v1/logs", headers={"Authorization": "Bearer tok"}, compression="gzip"))
    otlp.export([event(1)], NOW)
    request = sink.requests[0]
    assert request.headers["content-encoding"] == "gzip"
    assert request.raw[:2] == b"\x1f\x8b"
    assert request.headers["authorization"] == "Bearer tok"
    assert request.body == otlp.encode([event(1)], NOW)


def test_partial_success_is_counted_not_retried_OT_R2(otlp, sink):
    sink.script(Reply(200, body=b'{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too long"}}'))
    outcome = otlp.export(events(3), NOW)
    assert outcome.verdict is SENT
    assert outcome.rejected_count == 2
    assert "too long" in outcome.reason


def test_partial_success_warning_without_rejections(otlp, sink):
    sink.script(Reply(200, body=b'{"partialSuccess":{"errorMessage":"deprecated field"}}'))
    outcome = otlp.export(events(1), NOW)
    assert outcome.verdict is SENT and outcome.rejected_count == 0


@pytest.mark.parametrize("status, verdict", [(429, RETRY), (502, RETRY), (503, RETRY), (504, RETRY),
                                             (500, DROP), (400, DROP), (413, DROP)])
def test_only_429_502_503_504_are_retried_OT_R3(otlp, sink, status, verdict):
    sink.script(Reply(status, body=b'{"message":"nope"}'))
    outcome = otlp.export(events(1), NOW)
    assert outcome.verdict is verdict
    assert str(status) in outcome.reason


def test_garbage_success_body_is_still_a_success(otlp, sink):
    sink.script(Reply(200, body=b"\x00\xffnot json"))
    assert otlp.export(events(1), NOW).verdict is SENT


@pytest.mark.parametrize("bad, rule", [
    ({"resourceLogs": [{"scope_logs": []}]}, "OT-J1"),
    ({"logRecords": [{"timeUnixNano": 1767614400000000000}]}, "OT-J2"),
    ({"logRecords": [{"severityNumber": "SEVERITY_NUMBER_INFO"}]}, "OT-J4"),
    ({"logRecords": [{"traceId": "5b8efff798038103d269b633813fc60c00"}]}, "OT-J3"),
    ({"attributes": [{"key": "a", "value": {"stringValue": "x", "intValue": "1"}}]}, "OT-A1"),
])
def test_the_checker_itself_catches_each_rule(bad, rule):
    assert any(rule in p for p in otlp_problems(bad))
