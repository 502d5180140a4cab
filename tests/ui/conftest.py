"""Fixtures for the desktop shell: real widgets offscreen, a real store, a real local HTTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["TIT_TELEMETRY_STRICT"] = "1"  # undeclared events fail loudly

from PyQt5.QtCore import QTimer  # noqa: E402
from PyQt5.QtWidgets import QApplication  # noqa: E402

from tit_app import telemetry  # noqa: E402
from tit_app.telemetry.testing import isolated_telemetry  # noqa: E402
from tit_app.ui import consent_dialog  # noqa: E402
from tit_app.ui.qt_app import configure_application  # noqa: E402
from tit_app.ui.consent_dialog import ConsentDialog  # noqa: E402
from tit_app.ui.delivery.send_worker import Intervals  # noqa: E402
from tit_app.ui.delivery.service import TelemetryService  # noqa: E402


def fast_intervals(send_ms: int = 3_600_000):
    """Persist quickly; never send on a timer unless a test asks (it uses Send now)."""
    return Intervals(persist_ms=50, send_ms=send_ms, first_send_ms=send_ms)


def set_slice_size(panel, size: int) -> None:
    """Points per side of an operation panel's slice (1024 keeps a run busy for seconds)."""
    next(f for f in panel.form.fields if f.label == "Slice").size.setValue(size)


def answer_when_shown(button_name: str, seen: list | None = None) -> None:
    """Click a button of the modal dialog as soon as it is on screen (exec_ blocks the test).

    `seen` gets (window title, text) of the dialog that was answered.
    """

    def click() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, ConsentDialog) and w.isVisible()),
                      None)
        if dialog is None:
            QTimer.singleShot(10, click)
            return
        if seen is not None:
            seen.append((dialog.windowTitle(), dialog.text()))
        getattr(dialog, button_name).click()

    QTimer.singleShot(0, click)


def write_policy(home: Path, ceiling: str) -> None:
    """The administrator's policy.toml; isolated_telemetry points TIT_POLICY_FILE at <home>/policy.toml."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.toml").write_text(f'telemetry = "{ceiling}"\n', encoding="utf-8")


def write_destinations(home: Path, url: str, recipient: str) -> None:
    """A JSON destination run by `recipient`, as `tit-app telemetry destination add` writes it."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    entry = {"enabled": True, "url": url, "recipient": recipient}
    (config / "destinations.json").write_text(json.dumps({"version": 1, "destinations": {"json": entry}}),
                                              encoding="utf-8")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`tit-app telemetry ARGS` in another process, with this test's TIT_HOME and TIT_POLICY_FILE."""
    return subprocess.run([sys.executable, "-m", "tit_app", "telemetry", *args], env=dict(os.environ),
                          capture_output=True, text=True, timeout=60, check=True)


# What a plug-in might register: one more usage event, which widens what can leave.
PLUGIN_EVENTS = {"events": {"plugin_used": {
    "description": "A plug-in ran.",
    "level": "usage",
    "params": {"n_items": {"type": "int", "description": "How many items it handled."}},
}}}


@pytest.fixture(autouse=True, scope="session")
def _app_style(qapp):
    configure_application(qapp)  # the real app's look and GIL switch interval
    consent_dialog.register()  # as the desktop shell does at start-up


@pytest.fixture
def telemetry_home(tmp_path) -> Path:
    """The home `telemetry_env` uses (write a policy or destinations there before entering it)."""
    return tmp_path / "home"


@pytest.fixture
def telemetry_env(telemetry_home):
    """Call `telemetry_env(consent=True, env={...})` to enter an isolated home; it is left at teardown.

    `review_delay_s` is the wait after Enable before anything leaves (the app's is 60 s; 0 here).
    """
    with ExitStack() as stack:

        def start(consent=None, env=None, level="usage", review_delay_s=0.0):
            return stack.enter_context(isolated_telemetry(telemetry_home, consent=consent, level=level, env=env,
                                                          review_delay_s=review_delay_s))

        yield start


@pytest.fixture
def service_factory(qtbot, telemetry_env):
    """Start TelemetryServices (SendWorker threads); each is shut down cleanly at teardown.

    Depends on telemetry_env so the services stop before the isolated home goes away.
    """
    started = []

    def start(intervals=None):
        service = TelemetryService(intervals or fast_intervals())
        with qtbot.waitSignal(service.pending_changed, timeout=5000):
            service.start()
        started.append(service)
        return service

    yield start
    for service in started:
        service.shutdown(budget_s=0.5)
        assert not service.is_running()


class Collector:
    """What the local HTTP server received."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.requests_started = 0
        self.delay_s = 0.0
        self.lock = threading.Lock()

    def event_names(self) -> list[str]:
        with self.lock:
            return [e["name"] for body in self.bodies for e in body.get("events", [])]


def _handler(collector: Collector):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with collector.lock:
                collector.requests_started += 1
            if collector.delay_s:
                time.sleep(collector.delay_s)
            with collector.lock:
                collector.bodies.append(json.loads(body or b"{}"))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args) -> None:  # keep the test output clean
            pass

    return Handler


@pytest.fixture
def http_collector():
    """A ThreadingHTTPServer on 127.0.0.1:<free port>; yields (collector, endpoint URL)."""
    collector = Collector()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(collector))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="test-collector", daemon=True)
    thread.start()
    try:
        yield collector, f"http://127.0.0.1:{server.server_address[1]}/events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def wait_for_tasks(qtbot) -> None:
    """Wait until the telemetry tasks the GUI started (delete, opt-out, answers) ran and reported back."""
    from tit_app.ui.delivery.tasks import tasks

    qtbot.waitUntil(lambda: not tasks().busy(), timeout=5000)


def answer_message_box(answer) -> None:
    """When a modal message box shows, `answer(box)` (exec_ blocks the test): press a key, click a button."""
    from PyQt5.QtWidgets import QMessageBox

    def attempt() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(10, attempt)
            return
        answer(box)

    QTimer.singleShot(0, attempt)
