"""The notice tells the whole truth: every key a destination receives is described.

Real payloads from every destination kind, for every catalog event with every parameter
set (and an error with stack frames, and a deletion request), are taken apart key by key;
each key must be a catalog name or a field the kind declares, and docs/telemetry.md must
describe it. The consent notice must name each event, each detail, the recipients and the
IP caveat.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tit_app import telemetry
from tit_app.telemetry import notice
from tit_app.telemetry.destinations.registry import kinds
from tit_app.telemetry.consent_cache import REVIEW_DELAY_S
from tit_app.telemetry.model import StoredEvent
from tit_app.telemetry.testing import isolated_telemetry

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = {"str": "text", "int": 3, "float": 1.5, "bool": True}
# A plugin's event with a parameter of every type, so every value encoding shows up.
EVERY_TYPE = {"events": {"plugin_ran": {"description": "A plugin ran.", "level": "usage", "params": {
    f"a_{kind}": {"type": kind, "description": f"A {kind}."} for kind in ("str", "int", "float", "bool")}}}}


def plugin_catalog():
    telemetry.register_events(EVERY_TYPE)
    return telemetry.event_catalog()


def every_event(catalog) -> list[StoredEvent]:
    """One event per catalog entry with every parameter set, plus a failure with frames."""
    system = {name: (p.values[0] if p.type == "enum" else SAMPLE[p.type]) for name, p in catalog.system_params.items()}
    events = []
    for spec in catalog.events.values():
        params = {name: (p.values[0] if p.type == "enum" else SAMPLE[p.type]) for name, p in spec.params.items()}
        for level in {spec.level, "errors"}:
            events.append(StoredEvent(event_id="a" * 32, name=spec.name, level=level, time_us=1_767_614_370_000_000,
                                      client_id="b" * 32, session_id="1234567890", seq=1, params=params,
                                      system=system))
    events.append(notice.example_event(error=True))
    events.append(notice.example_deletion_request())
    return events


def keys_of(value) -> set[str]:
    """Every object key, at any depth; OTLP attributes ({"key": k, "value": v}) count k as a key too."""
    found: set[str] = set()
    if isinstance(value, dict):
        found |= set(value)
        if set(value) == {"key", "value"}:
            found.add(value["key"])
        for inner in value.values():
            found |= keys_of(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= keys_of(inner)
    return found


def payload_keys(exporter, event: StoredEvent) -> set[str]:
    body = exporter.encode([event], 1_767_614_400.0).decode("utf-8")
    return set().union(*(keys_of(json.loads(line)) for line in body.splitlines() if line.strip()))


@pytest.mark.parametrize("title,exporter,_fence", notice.example_exporters(), ids=lambda v: getattr(v, "name", ""))
def test_every_key_a_destination_receives_is_described(tmp_path, title, exporter, _fence):
    with isolated_telemetry(tmp_path):
        catalog = plugin_catalog()
        doc = telemetry.catalog_markdown()
    named = {p for spec in catalog.events.values() for p in spec.params} | set(catalog.system_params)
    declared = set(kinds()[exporter.name].fields)
    sent = set()
    for event in every_event(catalog):
        if event.level in exporter.levels:
            sent |= payload_keys(exporter, event)
    assert sent, f"{title}: no payload was built"
    assert sorted(sent - named - declared) == [], f"{title} sends keys the notice does not describe"
    assert [key for key in sent if f"`{key}`" not in doc] == []


def test_every_declared_field_is_really_sent(tmp_path):
    """The other direction: a declared field that is never sent would describe something false."""
    with isolated_telemetry(tmp_path):
        catalog = plugin_catalog()
    for _title, exporter, _fence in notice.example_exporters():
        sent = set().union(*(payload_keys(exporter, e) for e in every_event(catalog) if e.level in exporter.levels))
        assert sorted(set(kinds()[exporter.name].fields) - sent) == [], exporter.name


def test_the_consent_notice_names_every_event_and_detail(tmp_path):
    with isolated_telemetry(tmp_path):
        text = telemetry.consent_notice()
        catalog = telemetry.event_catalog()
    for spec in catalog.events.values():
        assert spec.name in text
        for param in spec.params:
            assert (spec.notice or notice.human(param)) in text
    for param in catalog.system_params:
        assert notice.human(param) in text
    for item in catalog.never_collected:
        assert item in text
    assert "stay on this computer" in text  # no destination is configured by default


def test_the_notice_names_the_recipient_and_the_ip_caveat(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "destinations.json").write_text(json.dumps({"version": 1, "destinations": {
        "json": {"enabled": True, "url": "https://collector.example.org/events", "recipient": "Example Lab"}}}))
    with isolated_telemetry(home):
        text = telemetry.consent_notice()
        plain = telemetry.consent_notice(plain=True)
    assert "Example Lab, through a JSON endpoint at collector.example.org" in text
    assert notice.IP_CAVEAT in text and "stay on this computer" not in text
    assert "**" not in plain and "Example Lab" in plain


def test_timing_promised_by_the_notice_is_the_engines():
    assert REVIEW_DELAY_S == 60 and notice.REVIEW_WORDS == "the first minute"


def test_readme_carries_the_current_notice(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "scripts" / "update_docs.py")
    update_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(update_docs)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    with isolated_telemetry(tmp_path):
        expected = update_docs.readme_with_notice(readme, telemetry.consent_notice())
    assert readme == expected, "README.md's notice is out of date: run `make docs`"
    assert re.search(r"nothing is sent for the first minute", readme)
