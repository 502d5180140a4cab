"""Consent holds everywhere: a change made by another process, a lower level, a policy, a new id.

A running engine (this test process, driven by a thread that tracks, persists and sends
in a loop, as the app's worker does) and a second process (the real `tit-app telemetry`
command) share one TIT_HOME; a real loopback JSON receiver counts what arrives, by id.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager


from tit_app import telemetry
from tit_app.telemetry.testing import isolated_telemetry

CLI_TIMEOUT_S = 60
EMPTY_WITHIN_S = 1.0  # the bound for the running process's queue


def received(sink) -> list[dict]:
    return [event for request in sink.requests for event in json.loads(request.body)["events"]]


def cli(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "tit_app", "telemetry", *args], env=dict(os.environ),
                            capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    return result


@contextmanager
def running_app(sink, tmp_path, level: str = "usage"):
    """An engine that has consent and keeps tracking, persisting and sending every 20 ms."""
    with isolated_telemetry(tmp_path / "home", consent=True, level=level,
                            env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as engine:
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(0.02):
                telemetry.track_event("heartbeat", {"uptime_h": 1.0})
                telemetry.track_event("sim_ti", {"status": "error", "error_type": "ValueError"})
                engine.persist()
                engine.send()

        worker = threading.Thread(target=loop, daemon=True)
        worker.start()
        try:
            yield engine
        finally:
            stop.set()
            worker.join(10)


def wait_for(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_disable_in_another_process_stops_this_one(sink, tmp_path):
    with running_app(sink, tmp_path) as engine:
        assert wait_for(lambda: len(received(sink)) >= 10, 10)
        old_id = engine.consent.config().client_id
        cli("disable")
        seen_at_change = len(received(sink))
        assert wait_for(lambda: telemetry.pending_count() == 0, EMPTY_WITHIN_S)
        time.sleep(0.5)  # let the loop run on: it must send nothing new
        assert telemetry.pending_count() == 0 and not telemetry.is_enabled()
        after = received(sink)[seen_at_change:]
    assert [e for e in after if e["name"] != "deletion_request"] == []  # nothing at all once off
    # The deletion request may arrive before the command has even exited.
    assert [e["client_id"] for e in received(sink) if e["name"] == "deletion_request"] == [old_id]


def test_reset_id_in_another_process_unlinks_what_this_one_sends(sink, tmp_path):
    with running_app(sink, tmp_path) as engine:
        assert wait_for(lambda: len(received(sink)) >= 10, 10)
        old_id = engine.consent.config().client_id
        old_sessions = {e["session_id"] for e in received(sink)}
        cli("reset-id")
        seen_at_change = len(received(sink))
        new_id = json.loads((tmp_path / "home" / "config" / "telemetry.json").read_text())["client_id"]
        assert wait_for(lambda: any(e["client_id"] == new_id for e in received(sink)), 10)
    after = received(sink)[seen_at_change:]
    assert [e for e in after if e["client_id"] == old_id and e["name"] != "deletion_request"] == []
    assert [e["client_id"] for e in received(sink) if e["name"] == "deletion_request"] == [old_id]
    fresh = [e for e in received(sink) if e["client_id"] == new_id]
    assert {e["session_id"] for e in fresh}.isdisjoint(old_sessions)
    assert min(e["seq"] for e in fresh) == 1  # the sequence starts again with the new id


def test_policy_written_while_running_stops_sending(sink, tmp_path):
    with running_app(sink, tmp_path):
        assert wait_for(lambda: len(received(sink)) >= 10, 10)
        policy = tmp_path / "home" / "policy.toml"
        subprocess.run([sys.executable, "-c", f"open({str(policy)!r}, 'w').write('telemetry = \"off\"')"],
                       check=True, timeout=CLI_TIMEOUT_S)
        seen_at_change = len(received(sink))
        assert wait_for(lambda: telemetry.pending_count() == 0, EMPTY_WITHIN_S)
        time.sleep(0.5)
        assert telemetry.decision().decided_by == "policy"
    assert received(sink)[seen_at_change:] == []


def test_policy_lowered_to_errors_while_running_sends_errors_only(sink, tmp_path):
    with running_app(sink, tmp_path):
        assert wait_for(lambda: len(received(sink)) >= 10, 10)
        (tmp_path / "home" / "policy.toml").write_text('telemetry = "errors"\n')
        assert wait_for(lambda: telemetry.decision().level == "errors", EMPTY_WITHIN_S)
        seen_at_change = len(received(sink))
        time.sleep(0.5)
        after = received(sink)[seen_at_change:]
    assert after and {e["level"] for e in after} == {"errors"}


def test_lowering_the_level_deletes_queued_usage_events_unsent(sink, tmp_path):
    with isolated_telemetry(tmp_path / "home", consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as eng:
        for _ in range(3):
            telemetry.track_event("heartbeat", {"uptime_h": 2.0})
        eng.persist()
        assert telemetry.set_enabled(True, "errors")
        telemetry.track_event("sim_ti", {"status": "error", "error_type": "KeyError"})
        eng.send()
        events = received(sink)
        assert sorted(e["name"] for e in events) == ["sim_ti", "telemetry_health"]  # no usage event left
        health = next(e for e in events if e["name"] == "telemetry_health")
        assert health["params"] == {"level_lowered": 4}  # 3 heartbeats and first_run, counted


def test_a_send_round_drops_usage_events_queued_by_a_process_at_the_old_level(sink, tmp_path):
    with isolated_telemetry(tmp_path / "home", consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as eng:
        telemetry.track_event("heartbeat", {"uptime_h": 2.0})
        eng.persist()
        cli("enable", "--level", "errors")
        eng.send()
        assert [e["name"] for e in received(sink)] == []
        assert telemetry.pending_count() == 0


def test_under_an_errors_policy_the_user_can_still_opt_out_and_back_in(tmp_path):
    with isolated_telemetry(tmp_path / "home") as eng:
        (tmp_path / "home").mkdir(exist_ok=True)
        (tmp_path / "home" / "policy.toml").write_text('telemetry = "errors"\n')
        telemetry.set_enabled(True)
        decision = telemetry.decision()
        assert (decision.enabled, decision.level, decision.user_can_change) == (True, "errors", True)
        telemetry.set_enabled(False)
        assert not telemetry.is_enabled() and telemetry.client_id() is None
        telemetry.set_enabled(True, "usage")
        assert telemetry.decision().level == "errors"
        notice = telemetry.consent_notice()
        assert "usage statistics" not in notice and "error reports" in notice
        assert "heartbeat" not in notice and "sim_ti" in notice
        assert eng.consent.receipt().level == "errors"


def test_opt_out_then_in_starts_a_new_id_session_and_sequence(sink, tmp_path):
    with isolated_telemetry(tmp_path / "home", consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as eng:
        telemetry.track_event("heartbeat", {"uptime_h": 1.0})
        eng.send()
        first = received(sink)[-1]
        telemetry.set_enabled(False)
        assert eng.store.history() == []  # the sent history went with the id
        telemetry.set_enabled(True)
        telemetry.track_event("heartbeat", {"uptime_h": 1.0})
        eng.send()
        later = [e for e in received(sink) if e["name"] != "deletion_request"][-1]
    assert later["client_id"] != first["client_id"]
    assert later["session_id"] != first["session_id"] and later["seq"] == 1
    bodies = [json.loads(r.body)["events"] for r in sink.requests]
    for batch in bodies[1:]:
        for event in batch:
            if event["name"] != "deletion_request":
                assert first["client_id"] not in json.dumps(event) and first["session_id"] not in json.dumps(event)


def test_deletion_request_carries_the_old_id_and_nothing_else(sink, tmp_path):
    with isolated_telemetry(tmp_path / "home", consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as eng:
        old_id = telemetry.client_id()
        telemetry.set_enabled(False, via="privacy page")
        assert telemetry.consent_receipt().summary().startswith("no, to notice v2")
        assert [p.event.name for p in telemetry.pending()] == ["deletion_request"]
        eng.send()
        request = received(sink)
    assert len(request) == 1
    assert set(request[0]) == {"event_id", "name", "level", "time_us", "client_id"}
    assert (request[0]["client_id"], request[0]["level"]) == (old_id, "deletion")


def test_deletion_request_waits_for_a_dead_receiver_and_is_retried(sink, tmp_path):
    from .sink import Reply

    sink.script(Reply(status=503))
    with isolated_telemetry(tmp_path / "home", consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as eng:
        telemetry.set_enabled(False)
        eng.send()
        assert [p.event.name for p in telemetry.pending()] == ["deletion_request"]  # kept after the 503
        assert eng.flush(timeout=5)
    first, retry = received(sink)  # the refused request, then the retry of the same event
    assert first == retry and first["name"] == "deletion_request"


def test_reset_id_deletes_pending_events_and_unlinks_the_history(sink, tmp_path):
    with isolated_telemetry(tmp_path / "home", consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as eng:
        telemetry.track_event("heartbeat", {"uptime_h": 1.0})
        eng.send()
        telemetry.track_event("app_launch")
        eng.persist()
        old_id = telemetry.client_id()
        new_id = telemetry.reset_client_id()
        assert new_id != old_id
        assert [p.event.name for p in telemetry.pending()] == ["deletion_request"]
        with sqlite3.connect(eng.store.path) as db:
            bodies = [body for (body,) in db.execute("SELECT body FROM history")]
        assert bodies and all(old_id not in body for body in bodies)


def test_preview_only_records_and_sends_nothing_even_when_asked(sink, tmp_path):
    with isolated_telemetry(tmp_path / "home", consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/events"}) as eng:
        telemetry.set_preview(True)
        telemetry.track_event("heartbeat", {"uptime_h": 1.0})
        eng.send(force=True)
        assert not eng.flush(timeout=1)
        eng.shutdown(budget_s=0.5)
        assert sink.requests == []
        assert {p.event.name for p in telemetry.pending()} == {"first_run", "heartbeat"}
        telemetry.set_preview(False)
        eng.send()
    assert sorted(e["name"] for e in received(sink)) == ["first_run", "heartbeat"]


def test_nothing_leaves_during_the_review_time_after_enable(sink, tmp_path):
    env = {"TIT_JSON_ENDPOINT": sink.url + "/events"}
    with isolated_telemetry(tmp_path / "home", env=env, review_delay_s=60) as eng:
        telemetry.set_enabled(True)
        telemetry.track_event("heartbeat", {"uptime_h": 1.0})
        eng.send()
        eng.shutdown(budget_s=0.5)  # quitting does not cut the review short
        hold = telemetry.sending_hold()
        assert sink.requests == [] and hold.reason == "review" and hold.until - time.time() > 50
        eng.send(force=True)  # "Send now": the user has looked and chosen
    assert sorted(e["name"] for e in received(sink)) == ["first_run", "heartbeat"]


def test_status_before_consent_creates_nothing_and_shows_no_id(tmp_path):
    home = tmp_path / "home"
    env = dict(os.environ, TIT_HOME=str(home), TIT_POLICY_FILE=str(home / "policy.toml"))
    outputs = [subprocess.run([sys.executable, "-m", "tit_app", "telemetry", command], env=env, capture_output=True,
                              text=True, timeout=CLI_TIMEOUT_S) for command in ("status", "status", "show")]
    assert [r.returncode for r in outputs] == [0, 0, 0]
    assert outputs[0].stdout == outputs[1].stdout and "Anonymous id: none yet" in outputs[0].stdout
    assert not home.exists() or list(home.rglob("*")) == []


def test_an_invalid_stored_id_is_replaced_once_and_saved(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    settings = home / "config" / "telemetry.json"
    settings.write_text('{"enabled": true, "consent_shown": true, "client_id": "not-an-id"}')
    env = dict(os.environ, TIT_HOME=str(home), TIT_POLICY_FILE=str(home / "policy.toml"))
    ids = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "tit_app", "telemetry", "status", "--json"], env=env,
                                capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
        ids.append(json.loads(result.stdout)["client_id"])
    saved = json.loads(settings.read_text())["client_id"]
    assert ids[0] == ids[1] == saved and len(saved) == 32


def test_cli_status_shows_the_receipt_and_loss_explanations(tmp_path):
    with isolated_telemetry(tmp_path / "home", consent=True):
        telemetry.track_event("heartbeat", {"uptime_h": 1.0})
        telemetry.persist()
        telemetry.set_enabled(True, "errors")
        result = cli("status")
    assert "Your answer: yes (errors) to notice v2, scope " in result.stdout and "via api" in result.stdout
    assert "level_lowered: 2 (Usage events deleted unsent because sharing was lowered to errors only.)" in result.stdout
