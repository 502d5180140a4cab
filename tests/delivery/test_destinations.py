"""Resolving destinations: defaults < the user's destinations.json < the environment."""

from __future__ import annotations

import json
import stat

import pytest

from tit_app.telemetry.destinations import editing as destinations_edit
from tit_app.telemetry.destinations import registry, secrets
from tit_app.telemetry.destinations import settings as destinations
from tit_app.telemetry.transport import ConfigError

from .factory import NOW, event

SECRETS = registry.secrets()
KEY = "fedcba9876543210fedcba9876543210"


def by_name(items):
    return {item.name if hasattr(item, "name") else item["name"]: item for item in items}


def loaded():
    exporters, problems = destinations.load_exporters()
    for exporter in exporters:
        exporter.close()
    return by_name(exporters), [p.message for p in problems]


def test_packaged_defaults_are_all_off():
    exporters, problems = loaded()
    assert exporters == {} and problems == []
    described = by_name(destinations_edit.describe_destinations())
    assert set(described) == {"ga4", "otlp", "sentry", "json"}
    assert all(not d["enabled"] and d["source"] == "default" for d in described.values())


def test_user_file_enables_and_environment_overrides(monkeypatch):
    destinations_edit.add_destination("otlp", "https://collector.example.com", compression="gzip")
    exporters, _ = loaded()
    assert exporters["otlp"].url == "https://collector.example.com/v1/logs"
    assert by_name(destinations_edit.describe_destinations())["otlp"]["source"] == "user"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318/")
    exporters, _ = loaded()
    assert exporters["otlp"].url == "http://localhost:4318/v1/logs"  # one slash (docs/protocols.md §2.6)
    assert exporters["otlp"].compression == "gzip"  # not overridden: kept from the user's file
    assert by_name(destinations_edit.describe_destinations())["otlp"]["source"] == "environment"


def test_logs_endpoint_is_used_as_is(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://127.0.0.1:9999/custom/logs")
    assert loaded()[0]["otlp"].url == "http://127.0.0.1:9999/custom/logs"


def test_otel_sdk_disabled_turns_off_otlp_only(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    monkeypatch.setenv("TIT_JSON_ENDPOINT", "http://localhost:8000/ingest")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "TRUE")
    exporters, _ = loaded()
    assert set(exporters) == {"json"}


def test_otel_sdk_disabled_other_values_do_not_disable(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "1")
    exporters, problems = loaded()
    assert "otlp" in exporters and any(p.startswith("OTEL_SDK_DISABLED:") for p in problems)


def test_otlp_environment_settings(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "api-key=abc%3D%3D,x-team = lab ")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "2500")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "lab-tit")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=lab%20one")
    otlp = loaded()[0]["otlp"]
    assert otlp.request_headers()["api-key"] == "abc==" and otlp.request_headers()["x-team"] == "lab"
    assert otlp.compression == "gzip"
    assert otlp.timeout == (2.5, 2.5)  # milliseconds, as the specification says
    assert otlp.service_name == "lab-tit"
    assert otlp.resource_extra == {"deployment.environment.name": "lab one"}


def test_bad_resource_attributes_are_discarded_whole(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "a=1,broken")
    exporters, problems = loaded()
    assert exporters["otlp"].resource_extra == {}
    assert any(p.startswith("OTEL_RESOURCE_ATTRIBUTES:") for p in problems)


def test_malformed_otlp_headers_name_the_variable_not_the_value(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "Authorization Bearer-secret-token")
    exporters, problems = loaded()
    assert "otlp" not in exporters
    assert problems == ["OTEL_EXPORTER_OTLP_HEADERS: entry 1 is not of the form key=value"]


@pytest.mark.parametrize("variable, value, other", [
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.example.com:4318", {}),
    ("TIT_JSON_ENDPOINT", "http://ingest.example.com/events", {}),
    ("TIT_GA4_ENDPOINT", "http://www.google-analytics.com", {"TIT_GA4_MEASUREMENT_ID": "G-TEST1", "TIT_GA4_API_SECRET": "s" * 20}),
])
def test_plain_http_outside_this_machine_is_refused_naming_the_setting(monkeypatch, variable, value, other):
    for name, setting in {variable: value, **other}.items():
        monkeypatch.setenv(name, setting)
    exporters, problems = loaded()
    assert exporters == {}
    assert len(problems) == 1 and problems[0].startswith(f"{variable}: plain http://")


def test_sentry_dsn_key_must_be_a_uuid(monkeypatch):
    monkeypatch.setenv("TIT_SENTRY_DSN", "https://not-a-key@glitchtip.example.com/7")
    exporters, problems = loaded()
    assert exporters == {}
    assert problems == ["TIT_SENTRY_DSN: the public key must be a UUID (32 hex characters) (SE-D3)"]


def test_ga4_needs_its_secret(monkeypatch):
    monkeypatch.setenv("TIT_GA4_MEASUREMENT_ID", "G-TEST12345")
    exporters, problems = loaded()
    assert exporters == {} and problems[0].startswith("TIT_GA4_API_SECRET:")
    monkeypatch.setenv("TIT_GA4_API_SECRET", "secret-value-123456")
    assert "ga4" in loaded()[0]


def test_ga4_measurement_id_format(monkeypatch):
    monkeypatch.setenv("TIT_GA4_MEASUREMENT_ID", "1234567890")
    monkeypatch.setenv("TIT_GA4_API_SECRET", "secret-value-123456")
    assert loaded()[1][0].startswith("TIT_GA4_MEASUREMENT_ID: expected a measurement id like G-")


def test_timeout_unit_warning(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "10")
    exporters, problems = loaded()
    assert exporters["otlp"].timeout == (0.01, 0.01)
    assert problems[0].startswith("OTEL_EXPORTER_OTLP_TIMEOUT:") and "milliseconds" in problems[0]


def test_user_file_is_private_and_holds_no_secret(isolated_env):
    destinations_edit.add_destination("json", "https://ingest.example.com/e", token="json-token-abcdef-123456")
    destinations_edit.add_destination("sentry", f"https://{KEY}@glitchtip.example.com/7")
    path = isolated_env / "config" / "destinations.json"
    text = path.read_text()
    assert "json-token-abcdef-123456" not in text and KEY not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(text)["destinations"]["sentry"] == {"enabled": True, "url": "https://glitchtip.example.com/7"}
    assert secrets.get_secret(SECRETS["json_token"]) == "json-token-abcdef-123456"
    assert set(loaded()[0]) == {"json", "sentry"}


def test_remove_turns_off_and_forgets_the_secret():
    destinations_edit.add_destination("json", "https://ingest.example.com/e", token="json-token-abcdef-123456")
    assert destinations_edit.remove_destination("json") == []
    assert loaded()[0] == {} and secrets.get_secret(SECRETS["json_token"]) is None


def test_remove_says_when_the_environment_keeps_it_on(monkeypatch):
    monkeypatch.setenv("TIT_JSON_ENDPOINT", "https://ingest.example.com/e")
    assert destinations_edit.remove_destination("json") == ["TIT_JSON_ENDPOINT is set in the environment and keeps json enabled"]


@pytest.mark.parametrize("kind, url, options, setting", [
    ("otlp", "http://collector.example.com", {}, "URL"),
    ("ga4", None, {"measurement_id": "123"}, "--measurement-id"),
    ("sentry", "https://abc@glitchtip.example.com/1", {}, "DSN"),
    ("json", "https://x.example.com", {"colour": "red"}, "colour"),
    ("carrier-pigeon", "https://x.example.com", {}, "kind"),
])
def test_add_refuses_bad_values_naming_the_setting(kind, url, options, setting):
    with pytest.raises(ConfigError, match=f"^{setting}:"):
        destinations_edit.add_destination(kind, url, **options)


@pytest.mark.parametrize("content", ["{not json", "[]", '{"destinations": 3}'])
def test_a_damaged_user_file_never_crashes(isolated_env, content):
    (isolated_env / "config").mkdir(parents=True)
    (isolated_env / "config" / "destinations.json").write_text(content)
    exporters, problems = loaded()
    assert exporters == {} and problems[0].startswith("destinations.json:")
    assert len(destinations_edit.describe_destinations()) == 4


def test_debug_mode_replaces_every_destination_with_the_console(monkeypatch, capsys):
    monkeypatch.setenv("TIT_TELEMETRY_DEBUG", "1")
    monkeypatch.setenv("TIT_JSON_ENDPOINT", "https://ingest.example.com/e")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")
    exporters, _ = loaded()
    assert set(exporters) == {"console:json", "console:otlp"}
    assert exporters["console:otlp"].export([event(1)], NOW).verdict.value == "sent"
    printed = capsys.readouterr().err
    assert "otlp would receive 1 event(s)" in printed
    assert exporters["console:otlp"].inner.encode([event(1)], NOW).decode() in printed
    assert exporters["console:otlp"].inner._session is None  # no socket was ever opened


def test_debug_mode_without_destinations_prints_json(monkeypatch, capsys):
    monkeypatch.setenv("TIT_TELEMETRY_DEBUG", "1")
    exporters, _ = loaded()
    assert list(exporters) == ["console"]
    exporters["console"].export([event(1)], NOW)
    assert '"events":[{' in capsys.readouterr().err
