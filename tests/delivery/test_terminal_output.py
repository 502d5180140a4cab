"""Terminal output (issue 11): text from a server or a file is printed with its control
characters escaped, so an escape sequence or a bell cannot act on the user's terminal."""

from __future__ import annotations

import json

import pytest

from tit_app.cli import main

from .sink import Reply

HOSTILE = b"\x1b[2J\x07 busy \x1b]0;owned\x07 \xc2\x9b31m \xe2\x80\xae"  # ESC, BEL, C1 CSI, a bidi override
CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


@pytest.fixture
def tele(isolated_env, sink):
    from tit_app.telemetry.testing import isolated_telemetry

    with isolated_telemetry(isolated_env, consent=True, env={"TIT_JSON_ENDPOINT": sink.url + "/ingest"}) as engine:
        yield engine


def output(capsys, *argv: str) -> str:
    main(["telemetry", *argv])
    out, err = capsys.readouterr()
    return out + err


def controls_in(text: str) -> int:
    return sum(text.count(c) for c in CONTROLS)


@pytest.mark.parametrize("argv", [("status",), ("status", "--json"), ("show",), ("show", "--json"),
                                  ("destination", "list"), ("destination", "list", "--json"), ("export", "-")])
def test_a_servers_reply_reaches_the_terminal_escaped(tele, sink, capsys, argv):
    """A 503 whose body holds ESC/BEL/CSI/bidi bytes: 0 of them printed (before: status 2 ESC + 2 BEL, show 4 + 4)."""
    from tit_app import telemetry

    sink.default = Reply(503, body=HOSTILE)
    telemetry.track_event("app_launch", _blocking=True)
    output(capsys, "flush", "--timeout", "2")
    text = output(capsys, *argv)
    assert controls_in(text) == 0
    if argv[-1] == "--json" or argv == ("export", "-"):
        assert "\\u001b" in text or "\\x1b" in text  # still there, as an escape a reader can see
        json.loads(text)
    else:
        assert "\\x1b" in text


def test_a_settings_file_reaches_the_terminal_escaped(tele, capsys, isolated_env):
    """A hand-edited destinations.json with control characters in a URL and a recipient: 0 printed."""
    from tit_app.telemetry.destinations.settings import user_file

    user_file().parent.mkdir(parents=True, exist_ok=True)
    user_file().write_text(json.dumps({"version": 1, "destinations": {"otlp": {
        "enabled": True, "endpoint": "http://127.0.0.1:9\x1b[2J", "recipient": "Lab\x07\x1b]0;x\x07"}}}))
    for argv in (("status",), ("destination", "list"), ("notice",)):
        assert controls_in(output(capsys, *argv)) == 0
