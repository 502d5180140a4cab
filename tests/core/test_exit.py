"""Exiting with nothing to send loads no destination and no HTTP library; exiting after
bursts (persisted in slices by the driver thread, the rest at exit) loses nothing.

Each case is a real Python process: it tracks, its headless driver thread starts, and it
exits through the real `atexit` hook. A hook registered before tit_app is imported runs
after tit_app's own (`atexit` runs last-in, first-out) and reports what the exit loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tit_app import telemetry
from tit_app.telemetry.testing import isolated_telemetry

# Building the destinations looks up their secrets (keyring) and checks their URLs (urllib3); sending imports requests.
HEAVY = ("requests", "urllib3", "keyring")

APP = """
import atexit, json, sys

def report():  # registered first, so it runs after tit_app's exit hook
    print(json.dumps({"loaded": [m for m in %r if m in sys.modules]}))

atexit.register(report)
from tit_app import telemetry
for name in sys.argv[1:]:
    telemetry.track_event(name, {"status": "success"} if name == "sim_ti" else None)
""" % (HEAVY,)


# A destination is configured (nobody listens there): only an exit that sends would load it.
DESTINATION = {"TIT_JSON_ENDPOINT": "http://127.0.0.1:9/ingest"}


def exit_report(home, *events: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIT_", "OTEL_")) and k != "DO_NOT_TRACK"}
    env.update(TIT_HOME=str(home), TIT_POLICY_FILE=str(home / "policy.toml"), **DESTINATION)
    done = subprocess.run([sys.executable, "-c", APP, *events], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def agree(home, level: str = "usage") -> None:
    """The user agreed earlier; the queue is empty now (what that left was delivered)."""
    with isolated_telemetry(home, consent=True, level=level, env=DESTINATION):
        telemetry.purge()


def test_exit_before_the_user_was_asked_loads_nothing_for_sending(tmp_path):
    report = exit_report(tmp_path, "sim_ti", "heartbeat")
    assert report["loaded"] == []


def test_exit_with_nothing_kept_loads_no_destination_and_no_http_library(tmp_path):
    agree(tmp_path, level="errors")
    report = exit_report(tmp_path, "sim_ti", "no_such_event")  # usage at "errors": not kept; unknown: counted
    assert report["loaded"] == []
    with isolated_telemetry(tmp_path, env=DESTINATION):
        assert telemetry.pending_count() == 0
        assert telemetry.status().dropped == {"invalid": 1}


def test_exit_during_the_review_wait_stores_the_event_and_loads_nothing_for_sending(tmp_path):
    agree(tmp_path)  # just now: for the next minute nothing may leave
    report = exit_report(tmp_path, "app_launch")
    assert report["loaded"] == []
    with isolated_telemetry(tmp_path, env=DESTINATION):
        assert [p.event.name for p in telemetry.pending()] == ["app_launch"]


BURSTS = """
import sys, time
from tit_app import telemetry
for burst in range(8):
    for n in range(250):
        telemetry.track_event("heartbeat", {"uptime_h": float(burst * 250 + n)})
    time.sleep(0.05)  # the driver thread persists in slices meanwhile
"""


def test_bursts_persisted_in_slices_by_the_driver_and_at_exit_are_all_stored_in_order(tmp_path):
    agree(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIT_", "OTEL_")) and k != "DO_NOT_TRACK"}
    env.update(TIT_HOME=str(tmp_path), TIT_POLICY_FILE=str(tmp_path / "policy.toml"), **DESTINATION)
    done = subprocess.run([sys.executable, "-c", BURSTS], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with isolated_telemetry(tmp_path, env=DESTINATION):
        stored = [p.event.params["uptime_h"] for p in reversed(telemetry.pending())]
    assert stored == [float(n) for n in range(2000)]
