"""The app on a real X server (Xvfb): the window maps, and fits the screen at 1× and at scale 2.

Skipped with the reason when Xvfb is not installed, except under CI=true: CI installs it
(.ci/run), so there a missing Xvfb is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("x_probe.py")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def xvfb():
    """Start Xvfb with a screen of the given size; returns its DISPLAY."""
    if shutil.which("Xvfb") is None:
        reason = "Xvfb is not installed (apt-get install xvfb); the real X server tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run them")
        pytest.skip(reason)
    servers = []

    def start(width: int, height: int) -> str:
        read, write = os.pipe()
        server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
                                   "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        servers.append(server)
        with os.fdopen(read) as announced:
            number = announced.readline().strip()  # Xvfb writes the display number once it accepts clients
        assert number, "Xvfb did not start"
        return f":{number}"

    yield start
    for server in servers:
        server.terminate()
        server.wait(10)


def probe(display: str, home: Path, **env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    environment.update(DISPLAY=display, TIT_HOME=str(home), DO_NOT_TRACK="1", PYTHONPATH=str(REPO), **env)
    done = subprocess.run([sys.executable, str(PROBE)], env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def within(frame: list, room: list) -> bool:
    x, y, width, height = frame
    rx, ry, rwidth, rheight = room
    return rx <= x and ry <= y and x + width <= rx + rwidth and y + height <= ry + rheight


def test_the_window_maps_within_a_1024_by_700_screen(xvfb, tmp_path):
    shown = probe(xvfb(1024, 700), tmp_path / "home")
    assert shown["platform"] == "xcb" and shown["exposed"]
    assert within(shown["frame"], shown["available"]), shown
    # No page scrolls sideways, neither as a whole nor inside, before or after its run (real X fonts).
    assert shown["sideways"] == [], shown["sideways"]


def test_at_scale_2_on_a_1600_by_1000_screen_the_window_stays_on_the_screen(xvfb, tmp_path):
    shown = probe(xvfb(1600, 1000), tmp_path / "home", QT_SCALE_FACTOR="2")
    assert shown["available"][2:] == [800, 500]  # device-independent pixels
    assert shown["exposed"] and within(shown["frame"], shown["available"]), shown
    assert shown["minimum"][0] <= 800 and shown["minimum"][1] <= 500
