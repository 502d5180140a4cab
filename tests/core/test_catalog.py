"""The event catalog: GA4 naming rules at load time, strict mode, levels, plugins."""

from __future__ import annotations

import pytest

from tit_app import telemetry
from tit_app.telemetry.catalog import Catalog, CatalogError, InvalidEvent, default_catalog


def one_event(name="my_event", params=None, level="usage", **extra):
    return {"events": {name: {"description": "d", "level": level, "params": params or {}, **extra}}}


def test_packaged_catalog_has_the_initial_events():
    names = set(default_catalog().events)
    assert {"first_run", "app_launch", "app_close", "heartbeat", "sim_ti", "sim_mti", "flex_search",
            "ex_search", "telemetry_health"} <= names
    assert set(default_catalog().system_params) == {
        "tit_version", "os_name", "os_version", "arch", "interface", "python_version", "internal"}


@pytest.mark.parametrize(
    "name,rule",
    [
        ("first_open", "GA-R1"), ("error", "GA-R1"), ("session_start", "GA-R1"),
        ("firebase_thing", "GA-R3"), ("ga_x", "GA-R3"), ("google_x", "GA-R3"),
        ("1abc", "GA-L4"), ("has-dash", "GA-L4"), ("has space", "GA-L4"), ("a" * 41, "GA-L4"), ("é_vent", "GA-L4"),
    ],
)
def test_bad_event_names_fail_at_load(name, rule):
    with pytest.raises(CatalogError, match=rule):
        Catalog().add(one_event(name))


@pytest.mark.parametrize("param,rule", [("ga_p", "GA-R4"), ("firebase_p", "GA-R4"), ("1p", "GA-L5"), ("p" * 41, "GA-L5")])
def test_bad_param_names_fail_at_load(param, rule):
    with pytest.raises(CatalogError, match=rule):
        Catalog().add(one_event(params={param: {"type": "int", "description": "x"}}))


@pytest.mark.parametrize(
    "spec,message",
    [
        ({"type": "list", "description": "x"}, "type must be"),
        ({"type": "int"}, "description is required"),
        ({"type": "str", "max_length": 101, "description": "x"}, "GA-L6"),
        ({"type": "enum", "description": "x"}, "enum needs"),
    ],
)
def test_malformed_params_name_the_field(spec, message):
    with pytest.raises(CatalogError, match=message) as info:
        Catalog().add(one_event(params={"p": spec}))
    assert "my_event.p" in str(info.value)


def test_too_many_params_for_ga4():
    params = {f"p{i}": {"type": "int", "description": "x"} for i in range(24)}
    with pytest.raises(CatalogError, match="GA-L2"):
        Catalog().add(one_event(params=params))


def test_level_must_be_known():
    with pytest.raises(CatalogError, match="level"):
        Catalog().add(one_event(level="verbose"))


def test_validate_coerces_and_rejects():
    cat = default_catalog()
    params, level = cat.validate("sim_ti", {"status": "success", "duration_s": 2, "grid_size": 64})
    assert params == {"status": "success", "duration_s": 2.0, "grid_size": 64} and level == "usage"
    assert cat.validate("sim_ti", {"status": "error"})[1] == "errors"  # error_status makes it error-level
    for bad in ({"status": "exploded"}, {"grid_size": "64"}, {"grid_size": True}, {"duration_s": float("nan")},
                {"undeclared": 1}):
        with pytest.raises(InvalidEvent):
            cat.validate("sim_ti", bad)
    with pytest.raises(InvalidEvent):
        cat.validate("not_an_event", {})


def test_long_strings_are_cut_to_their_limit():
    params, _ = default_catalog().validate("sim_ti", {"error_detail": "x" * 300})
    assert len(params["error_detail"]) == 100


def test_strict_mode_raises_at_the_call_site(consented):
    with pytest.raises(ValueError, match="not in the catalog"):
        telemetry.track_event("no_such_event")
    with pytest.raises(ValueError, match="no parameter"):
        telemetry.track_event("app_launch", {"secret_param": 1})


def test_normal_mode_drops_and_counts(tmp_path, monkeypatch):
    from tit_app.telemetry.testing import isolated_telemetry

    monkeypatch.delenv("TIT_TELEMETRY_STRICT")
    with isolated_telemetry(tmp_path, consent=True):
        telemetry.track_event("no_such_event")
        telemetry.track_event("app_launch", {"undeclared": 1})
        telemetry.track_event("heartbeat", {"uptime_h": "soon"})
        telemetry.track_event("app_launch")
        names = [p.event.name for p in telemetry.pending()]
        assert names.count("app_launch") == 1 and "no_such_event" not in names
        assert telemetry.status().dropped == {"invalid": 3}


def test_register_events_from_mapping_and_toml(consented, tmp_path):
    added = telemetry.register_events(one_event("plugin_used", {"n": {"type": "int", "description": "x"}}))
    assert added == ["plugin_used"]
    toml = tmp_path / "more.toml"
    toml.write_text('[events.plugin_closed]\ndescription = "Closed."\nlevel = "usage"\n')
    assert telemetry.register_events(toml) == ["plugin_closed"]
    assert not telemetry.is_enabled()  # new events that can leave: paused until the user agrees again
    telemetry.set_enabled(True)
    telemetry.track_event("plugin_used", {"n": 3})
    telemetry.track_event("plugin_closed")
    assert {"plugin_used", "plugin_closed"} <= {p.event.name for p in telemetry.pending()}


def test_register_events_bad_file_is_a_clear_error(consented, tmp_path):
    with pytest.raises(CatalogError, match="cannot read catalog"):
        telemetry.register_events(tmp_path / "missing.toml")


def test_errors_level_records_only_error_events(tmp_path):
    from tit_app.telemetry.testing import isolated_telemetry

    with isolated_telemetry(tmp_path, consent=True, level="errors"):
        telemetry.track_event("app_launch")
        telemetry.track_event("sim_ti", {"status": "start"})
        telemetry.track_event("sim_ti", {"status": "error", "error_type": "ValueError"})
        events = [p.event for p in telemetry.pending()]
        assert [(e.name, e.params["status"]) for e in events] == [("sim_ti", "error")]
        assert events[0].level == "errors"


def test_system_params_are_exactly_the_documented_ones(consented):
    telemetry.track_event("app_launch")
    event = next(p.event for p in telemetry.pending() if p.event.name == "app_launch")
    assert set(event.system) == set(default_catalog().system_params)
    for name, value in event.system.items():
        default_catalog().system_params[name].coerce(value)  # every value fits its declared type
    assert event.system["interface"] == "cli" and event.system["internal"] is True  # tests run in a checkout
