"""Crashes of real processes reach real loopback receivers: Sentry/GlitchTip and OTLP.

Each child is a separate interpreter that installs the crash handler as a library user
would, then raises at top level, raises in a thread, or dies of a segfault (whose trace
becomes a report at the next start). `tit-app telemetry flush` then sends the queue. Each
crash leaves exactly one report at each receiver, and no body holds a path, the user's
name or the host's name.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import tit_app

from .sink import Sink
from .validators import attributes, otlp_problems, parse_envelope

TIMEOUT_S = 60
DSN_KEY = "0123456789abcdef0123456789abcdef"
PRELUDE = ("from tit_app import telemetry\n"
           "telemetry.install_crash_handler()\n"
           "from tit_app.commands.crash_check import crash_on_purpose\n")
TOP_LEVEL = PRELUDE + "crash_on_purpose()\n"
IN_THREAD = PRELUDE + ("import threading\n"
                       "worker = threading.Thread(target=crash_on_purpose)\n"
                       "worker.start()\n"
                       "worker.join()\n")
# The segfault happens inside the app's own code (a progress callback), so its frames are app frames.
SEGFAULT = PRELUDE + ("import faulthandler\n"
                      "from tit_app.ops.progress import Reporter\n"
                      "Reporter(lambda percent: faulthandler._sigsegv()).start()\n")
NEXT_START = "from tit_app import telemetry\ntelemetry.install_crash_handler()\n"


@pytest.fixture
def receivers():
    sentry, otlp = Sink().start(), Sink().start()
    env = dict(os.environ, TIT_SENTRY_DSN=f"http://{DSN_KEY}@127.0.0.1:{sentry.port}/7",
               OTEL_EXPORTER_OTLP_ENDPOINT=otlp.url)
    yield sentry, otlp, env
    sentry.stop()
    otlp.stop()


def python(env: dict, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=TIMEOUT_S)


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "tit_app", "telemetry", *args], env=env, capture_output=True,
                            text=True, timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    return result


def identifying_words(home: Path) -> list[str]:
    """Paths, the user's and the host's names: none may appear in anything sent."""
    words = [str(home), str(Path(tit_app.__file__).parent), sys.executable, os.path.expanduser("~"),
             socket.gethostname(), getpass.getuser()]
    return [w for w in words if len(w) >= 3]


def crash_reports(sentry, otlp) -> tuple[list[dict], list[dict]]:
    """(Sentry event payloads, OTLP app_crash records) the receivers got."""
    events = []
    for request in sentry.requests:
        _header, items = parse_envelope(request.body)
        events += [json.loads(payload) for _item, payload in items]
    records = []
    for request in otlp.requests:
        body = json.loads(request.body)
        assert otlp_problems(body) == []
        records += [record for resource in body["resourceLogs"] for scope in resource["scopeLogs"]
                    for record in scope["logRecords"] if record["eventName"] == "tit_app.app_crash"]
    return events, records


CASES = {
    "top level": (TOP_LEVEL, "cli", "TestCrashError", "tit_app.commands.crash_check"),
    "thread": (IN_THREAD, "thread", "TestCrashError", "tit_app.commands.crash_check"),
    "segfault": (SEGFAULT, "native", "SIGSEGV", "tit_app.ops.progress"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_crashing_child_leaves_one_report_at_each_receiver(receivers, isolated_env, case):
    code, where, error_type, module = CASES[case]
    sentry, otlp, env = receivers
    cli(env, "enable", "--level", "errors")
    child = python(env, code)
    assert child.returncode == {"cli": 1, "thread": 0, "native": -11}[where]  # a thread's crash does not end the process
    if where == "native":
        assert python(env, NEXT_START).returncode == 0  # the next start turns the trace into a report
    cli(env, "flush")

    events, records = crash_reports(sentry, otlp)
    assert len(events) == 1 and len(records) == 1
    (exception,) = events[0]["exception"]["values"]
    assert exception["type"] == error_type and events[0]["tags"]["where"] == where
    assert module in [frame["module"] for frame in exception["stacktrace"]["frames"]]
    assert all(frame["in_app"] for frame in exception["stacktrace"]["frames"])
    record = records[0]
    found = attributes(record["attributes"])
    assert record["severityNumber"] == 17 and found["exception.type"] == error_type and found["where"] == where
    assert f"{module}:" in found["exception.stacktrace"]
    bodies = [r.body.decode("utf-8") for r in sentry.requests + otlp.requests]
    for word in identifying_words(isolated_env):
        assert not any(word in body for body in bodies), word


def test_the_native_trace_file_is_gone_after_a_clean_exit_and_after_reporting(receivers, isolated_env):
    _sentry, _otlp, env = receivers
    cli(env, "enable", "--level", "errors")
    assert python(env, NEXT_START).returncode == 0
    data = isolated_env / "data"
    assert not list(data.glob("native-crash-*"))
    assert python(env, SEGFAULT).returncode == -11
    assert len(list(data.glob("native-crash-*"))) == 1
    assert python(env, NEXT_START).returncode == 0
    assert not list(data.glob("native-crash-*"))


def test_nothing_is_created_before_consent(isolated_env):
    assert python(dict(os.environ), TOP_LEVEL).returncode == 1
    assert not (isolated_env / "data").exists()


def test_a_faulthandler_enabled_by_someone_else_is_left_alone(receivers, isolated_env):
    _sentry, _otlp, env = receivers
    cli(env, "enable", "--level", "errors")
    code = NEXT_START + "import os\nprint(sorted(os.listdir(os.path.join(os.environ['TIT_HOME'], 'data'))))\n"
    ours = python(env, code)
    theirs = subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], env=env, capture_output=True, text=True,
                            timeout=TIMEOUT_S)
    assert "native-crash-" in ours.stdout
    assert theirs.returncode == 0 and "native-crash-" not in theirs.stdout
