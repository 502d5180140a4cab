"""`tit-app telemetry test-crash` and the command line's exit code 70, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .validators import parse_envelope

TIMEOUT_S = 90
DSN_KEY = "0123456789abcdef0123456789abcdef"


def tit_app(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tit_app", "telemetry", *args], env=env, capture_output=True,
                          text=True, timeout=TIMEOUT_S)


def sentry_env(sink) -> dict:
    return dict(os.environ, TIT_SENTRY_DSN=f"http://{DSN_KEY}@127.0.0.1:{sink.port}/7")


def test_test_crash_reaches_the_error_destination_once(sink):
    env = sentry_env(sink)
    assert tit_app(env, "enable", "--level", "errors").returncode == 0
    result = tit_app(env, "test-crash")
    assert result.returncode == 0, result.stderr
    payloads = [json.loads(payload) for request in sink.requests for _item, payload in parse_envelope(request.body)[1]]
    assert len(payloads) == 1
    assert payloads[0]["tags"]["event"] == "app_crash"
    assert payloads[0]["exception"]["values"][0]["type"] == "TestCrashError"
    assert "sentry: sent" in result.stdout and payloads[0]["event_id"] in result.stdout


def test_test_crash_with_sharing_off_says_nothing_was_recorded(sink):
    result = tit_app(sentry_env(sink), "test-crash")
    assert result.returncode == 0, result.stderr
    assert "No report was recorded: error reporting is off" in result.stdout
    assert sink.requests == []


def test_an_uncaught_error_in_a_command_exits_70_with_a_short_message(sink):
    env = sentry_env(sink)
    assert tit_app(env, "enable", "--level", "errors").returncode == 0
    result = tit_app(env, "test-crash", "--in-child")
    assert result.returncode == 70
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("tit-app: internal error: TestCrashError: ") and "Traceback" not in result.stderr
    assert "a scrubbed error report (id " in lines[1] and len(lines) == 2
