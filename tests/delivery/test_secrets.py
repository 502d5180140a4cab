"""Secrets: environment first, then a real keyring backend; never in our files or output."""

from __future__ import annotations

import json

import pytest

from tit_app import telemetry
from tit_app.telemetry.destinations import editing as destinations_edit
from tit_app.telemetry.destinations import registry, secrets
from tit_app.telemetry.destinations import settings as destinations
from tit_app.telemetry.destinations.secrets import SecretStoreError, mask

from .factory import NOW, error_event, event
from .sink import Reply

GA4_SECRET = "Zq8wGa4ApiSecretValue-123456"
SECRETS = registry.secrets()
KEY = "fedcba9876543210fedcba9876543210"
DSN = f"https://{KEY}@glitchtip.example.com/7"
TOKEN = "json-bearer-token-abcdef-987654"
OTLP_TOKEN = "otlp-header-token-5555-abcdef"


def test_keyring_round_trip_with_the_plaintext_backend(file_keyring):
    secrets.set_secret(SECRETS["ga4_api_secret"], GA4_SECRET)
    assert secrets.get_secret(SECRETS["ga4_api_secret"]) == GA4_SECRET
    assert file_keyring.get_password("tit-app", "ga4_api_secret") == GA4_SECRET
    assert secrets.source(SECRETS["ga4_api_secret"]) == "keyring"


def test_environment_wins_over_the_keyring(monkeypatch):
    secrets.set_secret(SECRETS["json_token"], "from-keyring-123456789")
    monkeypatch.setenv("TIT_JSON_TOKEN", TOKEN)
    assert secrets.get_secret(SECRETS["json_token"]) == TOKEN and secrets.source(SECRETS["json_token"]) == "environment"


def test_empty_environment_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("TIT_JSON_TOKEN", "  ")
    assert secrets.get_secret(SECRETS["json_token"]) is None


def test_logs_specific_otlp_headers_win(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "a=1")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "a=2")
    assert secrets.get_secret(SECRETS["otlp_headers"]) == "a=2"


def test_without_a_keyring_set_secret_names_the_environment_variable(fail_keyring):
    with pytest.raises(SecretStoreError) as caught:
        secrets.set_secret(SECRETS["ga4_api_secret"], GA4_SECRET)
    assert "TIT_GA4_API_SECRET" in str(caught.value) and GA4_SECRET not in str(caught.value)


def test_without_a_keyring_get_secret_is_none_with_a_hint(fail_keyring):
    assert secrets.get_secret(SECRETS["sentry_dsn"]) is None
    assert "TIT_SENTRY_DSN" in secrets.last_hint


def test_unknown_secret_names_are_refused():
    with pytest.raises(ValueError, match="known:"):
        telemetry.set_secret("password", "x")


def test_delete_secret(file_keyring):
    secrets.set_secret(SECRETS["json_token"], TOKEN)
    assert secrets.delete_secret(SECRETS["json_token"]) is True
    assert secrets.get_secret(SECRETS["json_token"]) is None
    assert secrets.delete_secret(SECRETS["json_token"]) is False


@pytest.mark.parametrize("value, shown", [(GA4_SECRET, "Zq8w…(28 chars)"), ("short", "…(5 chars)"), (None, "(not set)")])
def test_mask_shows_at_most_four_characters(value, shown):
    assert mask(value) == shown


def test_secrets_never_reach_files_previews_or_descriptions(monkeypatch, store, sink, isolated_env):
    """A full configuration with every secret set: none appears anywhere we write or show."""
    from tit_app.telemetry.backoff import Backoff
    from tit_app.telemetry.sender import send_round

    secrets.set_secret(SECRETS["ga4_api_secret"], GA4_SECRET)
    secrets.set_secret(SECRETS["json_token"], TOKEN)
    monkeypatch.setenv("TIT_SENTRY_DSN", DSN)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", sink.url)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"Authorization=Bearer%20{OTLP_TOKEN}")
    destinations_edit.add_destination("ga4", sink.url, measurement_id="G-TEST12345")
    destinations_edit.add_destination("json", sink.url + "/ingest")
    exporters, problems = destinations.load_exporters()
    assert problems == [] and sorted(e.name for e in exporters) == ["ga4", "json", "otlp", "sentry"]
    try:
        previews = [e.preview(ev, NOW) for e in exporters for ev in (event(1), error_event(2))
                    if ev.level in e.levels]
        sentry = next(e for e in exporters if e.name == "sentry")
        sentry.url = sentry._dsn.envelope_url.replace("https://glitchtip.example.com", sink.url)
        store.add([event(1), error_event(2)], now=NOW)
        # Servers that echo what they received (in request order: ga4, otlp, sentry, json).
        sink.script(*(Reply(500, body=f"bad credentials: {s}".encode()) for s in (GA4_SECRET, OTLP_TOKEN, KEY, TOKEN)))
        send_round(store, exporters, Backoff(), NOW)
    finally:
        for exporter in exporters:
            exporter.close()
    shown = json.dumps(destinations_edit.describe_destinations()) + "".join(previews)
    written = b"".join(p.read_bytes() for p in isolated_env.rglob("*") if p.is_file())
    written += b"".join(p.read_bytes() for p in store.path.parent.glob("events.db*"))
    for secret in (GA4_SECRET, TOKEN, OTLP_TOKEN, KEY):
        assert secret not in shown
        assert secret.encode() not in written
    assert len(sink.requests) == 4  # the requests really went out, with the secrets where they belong
    assert sink.requests[1].headers["authorization"] == f"Bearer {OTLP_TOKEN}"


# -- the record of what the keyring holds (names only; issue 14, memory) ----------------------


def recorded() -> dict:
    return json.loads(secrets.record_path().read_text())["entries"]


def test_set_and_delete_record_which_secrets_the_keyring_holds_never_their_values():
    secrets.set_secret(SECRETS["json_token"], TOKEN)
    assert recorded() == {"json_token": True} and TOKEN not in secrets.record_path().read_text()
    secrets.delete_secret(SECRETS["json_token"])
    assert recorded() == {"json_token": False}


def test_the_keyring_is_not_asked_for_a_secret_recorded_as_absent(file_keyring):
    secrets.delete_secret(SECRETS["ga4_api_secret"])
    file_keyring.set_password("tit-app", "ga4_api_secret", GA4_SECRET)  # put there by another program
    assert secrets.get_secret(SECRETS["ga4_api_secret"]) is None and secrets.source(SECRETS["ga4_api_secret"]) is None
    secrets.set_secret(SECRETS["ga4_api_secret"], GA4_SECRET)  # what the documentation says to do
    assert secrets.get_secret(SECRETS["ga4_api_secret"]) == GA4_SECRET


def test_a_secret_stored_before_the_record_existed_is_found_and_noted(file_keyring, isolated_env):
    """0.1.0 kept no record: a name the record does not know is looked up, and the answer kept."""
    (isolated_env / "config").mkdir(parents=True)
    file_keyring.set_password("tit-app", "sentry_dsn", DSN)
    assert secrets.get_secret(SECRETS["sentry_dsn"]) == DSN
    assert secrets.get_secret(SECRETS["json_token"]) is None
    assert recorded() == {"sentry_dsn": True, "json_token": False}


def test_a_broken_keyring_is_asked_again_next_time(tmp_path, isolated_env):
    import keyring

    from .keyring_backend import BrokenKeyring

    (isolated_env / "config").mkdir(parents=True)
    keyring.set_keyring(BrokenKeyring(tmp_path / "broken.json"))  # file_keyring restores the previous one
    assert secrets.get_secret(SECRETS["json_token"]) is None and "TIT_JSON_TOKEN" in secrets.last_hint
    assert not secrets.record_path().exists()


def test_a_damaged_record_means_asking_the_keyring(file_keyring, isolated_env):
    secrets.set_secret(SECRETS["json_token"], TOKEN)
    secrets.record_path().write_text("{not json")
    assert secrets.get_secret(SECRETS["json_token"]) == TOKEN
