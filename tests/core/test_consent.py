"""The consent decision: env × policy × stored choice × default, with the reasons users see."""

from __future__ import annotations

import itertools

import pytest

from tit_app import telemetry
from tit_app.telemetry.consent import decide
from tit_app.telemetry.consent import NO_POLICY, Policy, load_policy

KILL = [None, "DO_NOT_TRACK", "TIT_NO_TELEMETRY"]
POLICIES = [NO_POLICY, Policy("off"), Policy("errors"), Policy("usage")]
STORED = [(False, False), (True, False), (True, True)]  # (asked, enabled)
LEVELS = ["usage", "errors"]


@pytest.mark.parametrize("kill,policy,stored,level", list(itertools.product(KILL, POLICIES, STORED, LEVELS)))
def test_precedence_matrix(kill, policy, stored, level):
    asked, enabled = stored
    d = decide(kill, policy, enabled, level, asked)
    if kill:
        assert (d.enabled, d.decided_by) == (False, "environment")
        assert d.reason == f"Off: {kill} is set in the environment."
    elif policy.ceiling == "off":
        assert (d.enabled, d.decided_by) == (False, "policy")
        assert "administrator" in d.reason
    elif not asked:
        assert (d.enabled, d.decided_by) == (False, "default")
        assert "not been asked" in d.reason
    elif not enabled:
        assert (d.enabled, d.decided_by) == (False, "user")
        assert d.reason == "Off: you chose not to share usage data."
    elif policy.ceiling == "errors" and level == "usage":
        assert (d.enabled, d.level, d.decided_by) == (True, "errors", "policy")
        assert "administrator" in d.reason
    else:
        assert (d.enabled, d.level, d.decided_by) == (True, level, "user")
    # A policy caps, it never traps: only a kill switch or a policy of "off" takes the choice away.
    assert d.user_can_change == (not kill and policy.ceiling != "off")


@pytest.mark.parametrize("value", ["1", "true", "YES", " on ", "anything"])
def test_kill_switch_values_that_switch_off(consented, monkeypatch, value):
    monkeypatch.setenv("DO_NOT_TRACK", value)
    assert telemetry.is_enabled() is False
    assert telemetry.status().reason == "Off: DO_NOT_TRACK is set in the environment."


@pytest.mark.parametrize("value", ["", "0", "false", "No", " OFF "])
def test_kill_switch_values_that_do_not(consented, monkeypatch, value):
    monkeypatch.setenv("TIT_NO_TELEMETRY", value)
    assert telemetry.is_enabled() is True


def test_kill_switch_is_reread_on_every_call(consented, monkeypatch):
    monkeypatch.setenv("TIT_NO_TELEMETRY", "1")
    telemetry.track_event("app_launch")
    monkeypatch.delenv("TIT_NO_TELEMETRY")
    telemetry.track_event("heartbeat", {"uptime_h": 1.0})
    names = [p.event.name for p in telemetry.pending()]
    assert "heartbeat" in names and "app_launch" not in names


def test_default_is_off_until_asked(telemetry_home):
    assert telemetry.is_enabled() is False
    telemetry.track_event("app_launch")
    assert telemetry.pending() == []


def test_policy_file_caps_level(tmp_path, consented):
    (tmp_path / "policy.toml").write_text('telemetry = "errors"\n')
    consented.invalidate()
    status = telemetry.status()
    assert (status.enabled, status.level, status.decided_by) == (True, "errors", "policy")
    telemetry.track_event("app_launch")  # usage-level: not recorded under an errors cap
    telemetry.track_event("telemetry_health", {"invalid": 1})
    assert [p.event.name for p in telemetry.pending() if p.event.name != "first_run"] == ["telemetry_health"]


def test_policy_off_beats_user_yes(tmp_path, consented):
    (tmp_path / "policy.toml").write_text('telemetry = "off"\n')
    consented.invalidate()
    assert telemetry.status().reason == "Off: turned off by your administrator's policy."


@pytest.mark.parametrize("content", ['telemetry = "maybe"\n', "telemetry = [\n", 'telemetry = 3\n', b"\xff\xfe"])
def test_unreadable_policy_fails_closed(tmp_path, content):
    path = tmp_path / "policy.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    policy = load_policy(path)
    assert policy.ceiling == "off" and policy.problem


def test_policy_without_telemetry_key_is_no_policy(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[other]\nx = 1\n")
    assert load_policy(path) == NO_POLICY
