"""Desktop app start-up and quit, as a returning user sees them.

    .venv/bin/python bench/startup.py [--runs 5]

  1. launch -> main window mapped: from starting `python -m tit_app` to the first paint
     of the main window (target: median <= 0.6 s);
  2. Quit -> process gone, telemetry on, a loopback receiver configured (one that answers
     at once, and one that takes 2 s): from the Quit action (what Ctrl+Q and File > Quit
     trigger) to the end of the process (target <= 0.3 s);
  3. which heavy modules are loaded when the window shows (the HTTP stack should not be;
     numpy still is, for the first page's form, which `tit_app.ops` builds), and what
     importing the first window's modules costs (`python -X importtime`).

The returning user has agreed to share usage data before (no consent dialog) and has run
the app once (the warm-up launch, not counted). Runs on the X server in DISPLAY; without
one, on a private Xvfb with openbox when both are installed, else offscreen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_TARGET_S = 0.6
QUIT_TARGET_S = 0.3
SETTLE_S = 1.0  # the window has been up a moment before the user quits
SLOW_RECEIVER_S = 2.0
HEAVY = ("numpy", "requests", "urllib3", "tit_app.ops")

# Runs the real entry point; notes the first paint of the main window, then quits as the user would.
PROBE = """
import sys, time
from PyQt5.QtCore import QEvent, QObject, QTimer
from PyQt5.QtWidgets import QApplication

class FirstPaint(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if not self.seen and event.type() == QEvent.Paint and obj.isWidgetType() \\
                and obj.window().objectName() == "mainWindow":
            self.seen = True
            print("shown", time.time(), ",".join(m for m in %r if m in sys.modules), flush=True)
            QTimer.singleShot(%d, lambda: quit_from(obj.window()))
        return False

def quit_from(window):
    print("quit", time.time(), flush=True)
    window.quit_action.trigger()

probe = FirstPaint()
exec_ = QApplication.exec_
def exec_with_probe(*_):
    QApplication.instance().installEventFilter(probe)
    return exec_()
QApplication.exec_ = exec_with_probe
from tit_app.cli import main
sys.exit(main([]))
""" % (HEAVY, int(SETTLE_S * 1000))

AGREE = """
from tit_app import telemetry
telemetry.set_enabled(True)
settings = telemetry.load_config()
settings.receipt["at"] -= 120  # agreed two minutes ago: the review wait is over
telemetry.save_config(settings)
"""


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay_s = 0.0  # how long the receiver takes to answer

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.delay_s)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # an app that quit before the slow answer came closed its end: expected


class Display:
    """DISPLAY if set; else a private Xvfb with openbox when installed; else Qt's offscreen platform."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}
        if os.environ.get("DISPLAY"):
            self.name = f"X server {os.environ['DISPLAY']}"
        elif shutil.which("Xvfb") and shutil.which("openbox"):
            self._start_xvfb()
        else:
            self.env = {"QT_QPA_PLATFORM": "offscreen"}
            self.name = "offscreen (no X server)"

    def _start_xvfb(self) -> None:
        number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                      and not Path(f"/tmp/.X{n}-lock").exists())
        display = f":{number}"
        self.processes.append(subprocess.Popen(["Xvfb", display, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.env = {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        self.processes.append(subprocess.Popen(["openbox"], env={**os.environ, **self.env},
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5)  # the window manager has taken the screen
        self.name = f"Xvfb {display} with openbox"

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            process.wait(timeout=10)


def app_env(home: Path, display: Display, url: str) -> dict[str, str]:
    runtime = home / "runtime"  # Qt wants a private XDG_RUNTIME_DIR
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, **display.env, "TIT_HOME": str(home), "TIT_POLICY_FILE": str(home / "none"),
           "TIT_JSON_ENDPOINT": url, "XDG_RUNTIME_DIR": str(runtime)}
    for name in ("DO_NOT_TRACK", "TIT_NO_TELEMETRY", "TIT_TELEMETRY_STRICT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        env.pop(name, None)
    return env


def launch_and_quit(env: dict[str, str]) -> tuple[float, float, str]:
    """One launch: (seconds to the main window's first paint, seconds from Quit to the process's end,
    heavy modules loaded when the window was shown)."""
    started = time.time()
    app = subprocess.Popen([sys.executable, "-c", PROBE], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    shown_line = app.stdout.readline().split()
    quit_line = app.stdout.readline().split()
    app.wait(timeout=60)
    ended = time.time()
    app.stdout.close()
    if len(shown_line) < 2 or len(quit_line) < 2:
        raise RuntimeError(f"the app did not show its window (exit code {app.returncode})")
    heavy = shown_line[2] if len(shown_line) > 2 else ""
    return float(shown_line[1]) - started, ended - float(quit_line[1]), heavy


ENTRY = "import tit_app.cli, tit_app.ui.app, tit_app.ui.shell"  # what runs before the first window


def entry_import_ms() -> tuple[float, list[tuple[int, str]]]:
    """`python -X importtime` of what the first window needs: total ms and the six costliest imports
    among the top two levels."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", ENTRY],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    rows = []  # (cumulative us, depth, name); importtime indents each level by two spaces
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2][1:]
            rows.append((int(parts[1]), (len(name) - len(name.lstrip())) // 2, name.strip()))
    total = sum(us for us, depth, _ in rows if depth == 0)
    top = sorted(((us, name) for us, depth, name in rows if depth <= 1), reverse=True)[:6]
    return total / 1000, top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server = ReceiverServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    display = Display()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = app_env(Path(tmp), display, f"http://127.0.0.1:{server.server_address[1]}/ingest")
            subprocess.run([sys.executable, "-c", AGREE], env=env, check=True, cwd=ROOT)
            launch_and_quit(env)  # the first run: compiled files written, window geometry saved
            runs = [launch_and_quit(env) for _ in range(args.runs)]
            Receiver.delay_s = SLOW_RECEIVER_S
            slow_quits = [launch_and_quit(env)[1] for _ in range(args.runs)]
    finally:
        display.stop()
        server.shutdown()
    launch = statistics.median(r[0] for r in runs)
    quit_ = statistics.median(r[1] for r in runs)
    heavy = sorted({m for r in runs for m in r[2].split(",") if m})
    import_ms, top = entry_import_ms()
    print(f"desktop start-up and quit on {display.name}, returning user, {args.runs} runs")
    print(f"launch -> main window shown: median {launch:.3f} s (runs: {', '.join(f'{r[0]:.2f}' for r in runs)}); "
          f"target <= {LAUNCH_TARGET_S} s")
    print(f"  heavy modules loaded when the window showed: {', '.join(heavy) or 'none'}")
    print(f"Quit -> process gone, telemetry on: median {quit_:.3f} s (runs: {', '.join(f'{r[1]:.2f}' for r in runs)}); "
          f"target <= {QUIT_TARGET_S} s")
    print(f"Quit -> process gone, receiver answering in {SLOW_RECEIVER_S:g} s: median {statistics.median(slow_quits):.3f} s "
          f"(runs: {', '.join(f'{q:.2f}' for q in slow_quits)}); target <= {QUIT_TARGET_S} s")
    print(f"{ENTRY} (python -X importtime): {import_ms:.0f} ms; costliest: "
          + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
