"""Exiting with events pending: everything is persisted first, then sent within the budget; nothing is lost.

A real app process tracks events and ends at once; its `atexit` hook persists them and
sends to a real loopback receiver that takes 200 ms to answer. Whatever the receiver did
not acknowledge in time is still queued for the next run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tit_app import telemetry
from tit_app.telemetry.testing import isolated_telemetry

from .sink import Reply

TRACKED = 500

APP = """
import sys
from tit_app import telemetry
for n in range(int(sys.argv[1])):
    telemetry.track_event("sim_ti", {"status": "success", "grid_size": n})
"""


def agreed_two_minutes_ago(home, env: dict) -> None:
    """A returning user: consent given, the review wait over, the queue empty."""
    with isolated_telemetry(home, consent=True, env=env):
        telemetry.purge()
        settings = telemetry.load_config()
        settings.receipt["at"] -= 120
        telemetry.save_config(settings)


def run_and_exit(home, env: dict, count: int) -> None:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("TIT_", "OTEL_")) and k != "DO_NOT_TRACK"}
    child_env.update(TIT_HOME=str(home), TIT_POLICY_FILE=str(home / "policy.toml"), **env,
                     PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")  # never the machine's keyring
    done = subprocess.run([sys.executable, "-c", APP, str(count)], env=child_env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def received_sizes(sink) -> set[int]:
    return {e["params"]["grid_size"] for r in sink.requests for e in json.loads(r.body)["events"]
            if e["name"] == "sim_ti"}


def test_exit_with_pending_events_against_a_slow_receiver_loses_nothing(sink, tmp_path):
    sink.default = Reply(delay=0.2)
    env = {"TIT_JSON_ENDPOINT": sink.url + "/events"}
    home = tmp_path / "app"
    agreed_two_minutes_ago(home, env)
    run_and_exit(home, env, TRACKED)
    with isolated_telemetry(home, env=env):
        queued = {p.event.params["grid_size"] for p in telemetry.pending() if p.event.name == "sim_ti"}
    # Sent and acknowledged, or still queued (a batch whose answer came too late is both: sent again later).
    assert received_sizes(sink) | queued == set(range(TRACKED))


def test_exit_with_the_receiver_down_keeps_everything_queued(tmp_path):
    from .sink import free_port

    env = {"TIT_JSON_ENDPOINT": f"http://127.0.0.1:{free_port()}/events"}
    home = tmp_path / "app"
    agreed_two_minutes_ago(home, env)
    run_and_exit(home, env, TRACKED)
    with isolated_telemetry(home, env=env):
        queued = {p.event.params["grid_size"] for p in telemetry.pending() if p.event.name == "sim_ti"}
    assert queued == set(range(TRACKED))
