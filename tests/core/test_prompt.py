"""consent_prompt_cli on a real pseudo-terminal: explicit yes only, asked once, never headless."""

from __future__ import annotations

import io
import os
import pty
import select

import pytest

from tit_app import telemetry
from tit_app.telemetry.prompt import consent_prompt_cli


class Terminal:
    """A real pty pair: the prompt reads and writes the slave side, the test types on the master."""

    def __init__(self) -> None:
        self.master, slave = pty.openpty()
        self.stdin = os.fdopen(slave, "r", encoding="utf-8")
        self.stdout = os.fdopen(os.dup(slave), "w", encoding="utf-8")

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def hang_up(self) -> None:
        os.write(self.master, b"\x04")  # Ctrl-D at the start of a line: EOF for readline

    def screen(self) -> str:
        self.stdout.flush()
        chunks = []
        while select.select([self.master], [], [], 0.05)[0]:
            chunks.append(os.read(self.master, 65536))
        return b"".join(chunks).decode(errors="replace")

    def close(self) -> None:
        self.stdin.close()
        self.stdout.close()
        os.close(self.master)


@pytest.fixture
def terminal():
    term = Terminal()
    yield term
    term.close()


@pytest.mark.parametrize("answer,agreed", [("y\n", True), ("YES\n", True), (" yes \n", True), ("\n", False),
                                           ("n\n", False), ("sure\n", False), ("yess\n", False)])
def test_only_y_or_yes_enables(telemetry_home, terminal, answer, agreed):
    terminal.type(answer)
    assert consent_prompt_cli(terminal.stdin, terminal.stdout) is agreed
    assert telemetry.is_enabled() is agreed
    screen = terminal.screen()
    assert "[y/N]" in screen and "tit-app telemetry" in screen  # says how to change it later
    assert telemetry.load_config().consent_shown is True


def test_eof_means_no(telemetry_home, terminal):
    terminal.hang_up()
    assert consent_prompt_cli(terminal.stdin, terminal.stdout) is False
    assert telemetry.is_enabled() is False


def test_asked_only_once(telemetry_home, terminal):
    terminal.type("n\n")
    consent_prompt_cli(terminal.stdin, terminal.stdout)
    terminal.screen()
    assert consent_prompt_cli(terminal.stdin, terminal.stdout) is None
    assert terminal.screen() == ""


def test_not_asked_when_not_interactive(telemetry_home):
    out = io.StringIO()
    assert consent_prompt_cli(io.StringIO("y\n"), out) is None
    assert out.getvalue() == "" and telemetry.is_enabled() is False
    assert telemetry.load_config().consent_shown is False


def test_not_asked_when_a_kill_switch_decides(telemetry_home, terminal, monkeypatch):
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    assert consent_prompt_cli(terminal.stdin, terminal.stdout) is None
    assert terminal.screen() == ""


def test_ctrl_c_means_no(telemetry_home, terminal, monkeypatch):
    class InterruptedInput(io.StringIO):
        def isatty(self):
            return True

        def readline(self, *args):
            raise KeyboardInterrupt

    assert consent_prompt_cli(InterruptedInput(), terminal.stdout) is False
    assert telemetry.is_enabled() is False and telemetry.load_config().consent_shown is True


def test_the_gui_prompt_is_the_one_a_gui_registered():
    from tit_app.telemetry.prompt import consent_prompt_gui, register_gui_prompt

    asked = []
    register_gui_prompt(lambda parent: asked.append(parent) or True)
    try:
        assert consent_prompt_gui("the window") is True and asked == ["the window"]
    finally:
        register_gui_prompt(None)
    with pytest.raises(RuntimeError, match="no consent dialog is registered"):
        consent_prompt_gui()
