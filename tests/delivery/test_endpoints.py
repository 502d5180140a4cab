"""Endpoint settings (issue 11, "Endpoints"): parsed by the parser requests uses, nothing
ambiguous accepted, and secrets never travel in clear text to another machine.

The end-to-end cases run the app in a child interpreter whose audit hook refuses, and
counts, every name look-up or connection that is not to this machine, so a regression
can never reach another host: the refused attempt is the failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tit_app.telemetry.transport import ConfigError, check_url, clear_text_refusal, shown_url

SECRET = "canary-Endpoint-5e1f0c2d9b7a"


@pytest.mark.parametrize("url, says", [
    ("http://198.51.100.9\\@127.0.0.1:4318", "backslash"),
    ("http://198.51.100.9\\\\@127.0.0.1:4318", "backslash"),
    ("http://127.0.0.1:4318\\@198.51.100.9", "backslash"),
    ("http://127.0.0.1 @198.51.100.9:4318", "space"),
    ("http://127.0.0.1\t:4318", "space"),
    ("http://127.0.0.1\x00.example.com:4318", "control"),
    ("http://127.0.0.1\u202e:4318", "control"),
    (f"http://user:{SECRET}@127.0.0.1:4318", "credentials"),
    (f"http://{SECRET}@127.0.0.1:4318", "credentials"),
    (f"https://collector.example.com/v1/logs?token={SECRET}", "credentials"),
    (f"https://collector.example.com/mp?x=1&API_SECRET={SECRET}", "credentials"),
    ("http://127.0.0.1%2F@198.51.100.9:4318", "credentials"),
    ("http://127.0.0.1%2f198.51.100.9:4318", "ambiguous"),
    ("http://127.0.0.1:4318#@198.51.100.9", "fragment"),
    ("http://evil.localhost:4318", "plain http://"),
    ("http://localhost.:4318", "plain http://"),
    ("http://127.1:4318", "plain http://"),
    ("http://[::ffff:198.51.100.9]:4318", "plain http://"),
    ("http://198.51.100.9:4318", "plain http://"),
    ("ftp://127.0.0.1/", "expected an http"),
    ("http://:4318/", "expected an http"),
])
def test_ambiguous_or_unsafe_urls_are_refused_naming_the_setting(url, says):
    with pytest.raises(ConfigError) as caught:
        check_url("OTEL_EXPORTER_OTLP_ENDPOINT", url)
    message = str(caught.value)
    assert message.startswith("OTEL_EXPORTER_OTLP_ENDPOINT: ") and says in message
    assert SECRET not in message and "198.51.100.9" not in message.split("use https:// for")[0]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:4318", "http://127.9.8.7:4318/v1/logs", "http://[::1]:4318", "http://localhost:4318/v1/logs",
    "http://LOCALHOST:4318", "https://collector.example.com", "https://collector.example.com:8443/otlp/v1/logs?tenant=a",
    "  https://collector.example.com/  ",
])
def test_plain_urls_are_accepted(url):
    assert check_url("URL", url) == url.strip()


def test_requests_in_clear_text_to_another_machine_are_refused_before_connecting():
    assert clear_text_refusal("http://198.51.100.9:4318/v1/logs") == "plain http:// to another machine is refused; use https://"
    assert clear_text_refusal("http://198.51.100.9\\@127.0.0.1:4318/") is not None
    assert clear_text_refusal(f"http://127.0.0.1:4318/mp/collect?api_secret={SECRET}") is None  # GA-T5: it is ours
    assert clear_text_refusal("https://www.google-analytics.com/mp/collect?api_secret=x") is None


def test_shown_urls_hold_no_credentials_and_no_control_characters():
    shown = shown_url(f"http://user:{SECRET}@127.0.0.1:9/ingest?tenant=a&token={SECRET}\x1b[2J")
    assert shown == "http://127.0.0.1:9/ingest?tenant=a&token=<hidden>"
    assert shown_url("https://h.example/\x1b]0;x\x07") == "https://h.example/\\x1b]0;x\\x07"


CHILD = textwrap.dedent(
    """
    import json, socket, sys

    refused = []

    def local(host):
        return str(host).strip("[]") in ("127.0.0.1", "::1", "localhost") or str(host).startswith("127.")

    def guard(event, args):
        # Name look-ups and connections to anything but this machine are refused and counted.
        if event == "socket.getaddrinfo" and not local(args[0]):
            refused.append(["getaddrinfo", str(args[0])])
            raise PermissionError("the test refuses to leave this machine")
        if event == "socket.connect" and isinstance(args[1], tuple) and not local(args[1][0]):
            refused.append(["connect", str(args[1][0])])
            raise PermissionError("the test refuses to leave this machine")

    sys.addaudithook(guard)
    if sys.argv[1] == "control":
        for attempt in (lambda: socket.getaddrinfo("collector.example.com", 443),
                        lambda: socket.socket().connect(("198.51.100.9", 9))):
            try:
                attempt()
            except OSError:
                pass
        print(json.dumps({"refused": refused}))
        sys.exit(0)

    from tit_app import telemetry
    from tit_app.telemetry.testing import isolated_telemetry

    env = json.loads(sys.argv[2])
    with isolated_telemetry(sys.argv[1], consent=True, env=env):
        for _ in range(5):
            telemetry.track_event("app_launch", _blocking=True)
        try:
            with telemetry.track_operation("sim_ti", grid_size=8):
                raise ValueError("boom")
        except ValueError:
            pass
        telemetry.flush(timeout=2.0)
        problems = [str(p) for p in telemetry.config_problems()]
        names = [e.name for e in telemetry.exporters()]
    print(json.dumps({"refused": refused, "problems": problems, "exporters": names}))
    """
)


def run_child(*argv: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TIT_TELEMETRY_STRICT"}
    out = subprocess.run([sys.executable, "-c", CHILD, *argv], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def hostile_env(template: str, port: int) -> dict[str, str]:
    """Every kind pointed at `template` (with {port}); each carries a secret that must not leave."""
    base = template.format(port=port)
    dsn_host = base.split("://", 1)[1]
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": base,
        "OTEL_EXPORTER_OTLP_HEADERS": f"Authorization=Bearer%20{SECRET}",
        "TIT_JSON_ENDPOINT": base + "/ingest",
        "TIT_JSON_TOKEN": SECRET,
        "TIT_GA4_MEASUREMENT_ID": "G-TEST000000",
        "TIT_GA4_API_SECRET": SECRET,
        "TIT_GA4_ENDPOINT": base,
        "TIT_SENTRY_DSN": f"http://0123456789abcdef0123456789abcdef@{dsn_host}/7",
    }


def test_control_the_child_hook_refuses_and_counts_other_hosts():
    """The positive control: 1 look-up and 1 connection attempted elsewhere, 2 refused (none made)."""
    assert run_child("control")["refused"] == [["getaddrinfo", "collector.example.com"], ["connect", "198.51.100.9"]]


@pytest.mark.parametrize("template", [
    "http://198.51.100.9\\@127.0.0.1:{port}",  # the bypass: before, 1 connection to 198.51.100.9
    "http://evil.localhost:{port}",  # a *.localhost name that may resolve anywhere
    "http://198.51.100.9:{port}",
])
def test_hostile_endpoints_send_nothing_anywhere(tmp_path, sink, template):
    """4 destinations set up with a hostile URL: 0 refused attempts, 0 requests, 4 problems named."""
    found = run_child(str(tmp_path / "home"), json.dumps(hostile_env(template, sink.port)))
    assert found["refused"] == [] and sink.requests == []
    assert found["exporters"] == []
    named = " ".join(found["problems"])
    for setting in ("OTEL_EXPORTER_OTLP_ENDPOINT", "TIT_JSON_ENDPOINT", "TIT_GA4_ENDPOINT", "TIT_SENTRY_DSN"):
        assert setting in named
    assert SECRET not in named


def test_a_loopback_endpoint_still_delivers_under_the_same_hook(tmp_path, sink):
    """The same child with plain loopback URLs: 0 refused, every destination receives (4 kinds)."""
    found = run_child(str(tmp_path / "home"), json.dumps(hostile_env("http://127.0.0.1:{port}", sink.port)))
    assert found["refused"] == [] and found["problems"] == []
    assert sorted(found["exporters"]) == ["ga4", "json", "otlp", "sentry"]
    assert {r.path for r in sink.requests} >= {"/v1/logs", "/ingest", "/mp/collect", "/api/7/envelope/"}
