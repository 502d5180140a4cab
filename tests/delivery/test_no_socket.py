"""docs/architecture.md ("Invariants") and docs/protocols.md DNT-1: with telemetry off or a kill switch set, no socket connection
is even attempted, whatever is tracked, flushed or shut down.

`sys.addaudithook` hooks cannot be removed, so each case runs in its own interpreter. Every
destination kind is configured and points at a live loopback sink, so a connection would
succeed if one were tried; the positive control proves the hook sees connections.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

APP = textwrap.dedent(
    """
    import json, sys
    attempts = []

    def watch(event, args):
        if event in ("socket.connect", "socket.getaddrinfo"):
            attempts.append(event)

    sys.addaudithook(watch)

    from tit_app import telemetry
    if sys.argv[1] == "consent":
        telemetry.set_enabled(True)
    elif sys.argv[1] == "refused":
        telemetry.set_enabled(False)
    for _ in range(50):
        telemetry.track_event("app_launch")
    try:
        with telemetry.track_operation("sim_ti", grid_size=8):
            raise ValueError("boom")
    except ValueError:
        pass
    telemetry.track_event("heartbeat", {"uptime_h": 1.0}, _blocking=True)
    telemetry.flush(timeout=1.0)
    telemetry.send(force=True)
    telemetry.shutdown(0.5)
    print(json.dumps(attempts))
    """
)


def run_app(case: str, env: dict[str, str], home) -> list[str]:
    out = subprocess.run([sys.executable, "-c", APP, case], env=env, capture_output=True, text=True, timeout=60,
                         cwd=home)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def app_env(isolated_env, sink):
    url = sink.url
    env = {k: v for k, v in os.environ.items() if k != "TIT_TELEMETRY_STRICT"}
    env.update({
        "TIT_JSON_ENDPOINT": f"{url}/ingest",
        "OTEL_EXPORTER_OTLP_ENDPOINT": url,
        "TIT_GA4_MEASUREMENT_ID": "G-TEST000000",
        "TIT_GA4_API_SECRET": "test-secret-0000",
        "TIT_GA4_ENDPOINT": url,
        "TIT_SENTRY_DSN": f"{url.replace('://', '://0123456789abcdef0123456789abcdef@')}/7",
    })
    return env


@pytest.mark.parametrize("variable", ["DO_NOT_TRACK", "TIT_NO_TELEMETRY"])
def test_kill_switch_opens_no_socket_even_with_consent(app_env, isolated_env, sink, variable):
    assert run_app("consent", {**app_env, variable: "1"}, isolated_env.parent) == []
    assert sink.requests == []


@pytest.mark.parametrize("case", ["never-asked", "refused"])
def test_telemetry_off_opens_no_socket(app_env, isolated_env, sink, case):
    assert run_app(case, app_env, isolated_env.parent) == []
    assert sink.requests == []


def test_control_the_hook_sees_connections_when_telemetry_is_on(app_env, isolated_env, sink):
    assert "socket.connect" in run_app("consent", app_env, isolated_env.parent)
    assert sink.requests  # and the events really arrived
