"""Delivery speed and the exit budget, against a loopback sink.

    .venv/bin/python bench/delivery.py [--events 5000]

Measures, with a real Store (SQLite in a temp folder) and the real exporters:
  1. time to deliver N queued events (target <= 0.5 s), per destination kind;
  2. time to exit: a real app process with events queued for a JSON endpoint exits
     (atexit persists and spends at most 0.4 s sending) with a sink that answers after
     200 ms, with the sink down (connection refused) and with a sink that accepts
     connections but never answers (target <= 0.5 s; docs/architecture.md allows about a second);
  3. the share of events that arrive after a run with the sink down followed by a
     restart with the sink up (target 100 %).
Only 127.0.0.1 is contacted; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tit_app.telemetry.backoff import Backoff  # noqa: E402
from tit_app.telemetry.model import StoredEvent  # noqa: E402
from tit_app.telemetry.sender import flush  # noqa: E402
from tit_app.telemetry.store import Store  # noqa: E402

EXIT_BUDGET_S = 0.4  # as in tit_app.telemetry.headless


class SinkServer:
    """Runs in its own process (`--serve`), so its threads never compete with the sender for the GIL.

    Counts the distinct events it receives; `latency` delays every answer; GET / returns the count.
    """

    def __init__(self, latency: float, answer: bool) -> None:
        self.latency, self.answer, self.ids, self.requests = latency, answer, set(), 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 5
            disable_nagle_algorithm = True  # like real servers; otherwise delayed ACKs add 40 ms a request

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._reply(json.dumps({"ids": len(sink.ids), "requests": sink.requests}).encode())

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.record(body)
                time.sleep(sink.latency if sink.answer else 3.0)  # a hanging sink still ends, later
                self._reply(b"{}")

            def _reply(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)

    def record(self, body: bytes) -> None:
        self.requests += 1
        text = body.decode("utf-8", "replace")
        # GA4 bodies carry no event id: count each event by its session, seq and time instead.
        for part in text.split('"timestamp_micros":')[1:]:
            self.ids.add(part.split("}", 1)[0])
        for marker in ('"event_id":"', '"log.record.uid","value":{"stringValue":"'):
            for part in text.split(marker)[1:]:
                self.ids.add(part[:32])


def serve(latency: float, answer: bool) -> int:
    server = SinkServer(latency, answer).server
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    # Stop when the parent closes our stdin, or after 5 minutes at the latest.
    threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
    deadline = threading.Timer(300, server.shutdown)
    deadline.daemon = True
    deadline.start()
    server.serve_forever(poll_interval=0.05)
    return 0


class Sink:
    """A loopback sink in a child process."""

    def __init__(self, latency: float = 0.0, answer: bool = True) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(latency), "1" if answer else "0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.url = self.process.stdout.readline().strip()

    def arrived(self) -> int:
        import requests

        return requests.get(self.url, timeout=5).json()["ids"]

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def down_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def make_events(count: int, now: float) -> list[StoredEvent]:
    system = {"tit_version": "0.1.0", "os_name": "linux", "os_version": "6.1", "arch": "x86_64",
              "interface": "cli", "python_version": "3.11", "internal": True}
    return [
        StoredEvent(f"{n:032x}", "sim_ti", "usage", int((now - 60 + n * 1e-3) * 1e6), "ab" * 16, "1767610800", n,
                    {"status": "success", "run_id": f"r{n % 97}", "duration_s": 1.25, "grid_size": 64}, dict(system))
        for n in range(count)
    ]


def exporter(kind: str, url: str):
    if kind == "otlp":
        from tit_app.telemetry.destinations.otlp import OtlpExporter

        return OtlpExporter(url + "/v1/logs")
    if kind == "ga4":
        from tit_app.telemetry.destinations.ga4 import Ga4Exporter

        return Ga4Exporter(url, "G-BENCH00000", "bench-secret-0000")
    from tit_app.telemetry.destinations.jsonapi import JsonExporter

    return JsonExporter(url + "/ingest")


def filled_store(folder: Path, count: int, now: float) -> Store:
    store = Store(folder / "events.db")
    store.add(make_events(count, now), now=now)
    return store


def deliver(kind: str, count: int, folder: Path) -> tuple[float, int]:
    sink, now = Sink(), time.time()
    store = filled_store(folder / f"deliver-{kind}", count, now)
    sender = exporter(kind, sink.url)
    started = time.perf_counter()
    flush(store, [sender], Backoff(), 30.0)
    elapsed = time.perf_counter() - started
    sender.close()
    store.close()
    arrived = sink.arrived()
    sink.stop()
    return elapsed, arrived


EXITING_APP = """
import os, sys, time
from tit_app import telemetry
telemetry.set_enabled(True)
settings = telemetry.load_config()
settings.receipt["at"] -= 120  # a user who agreed two minutes ago: the review wait is over
telemetry.save_config(settings)
for n in range(int(sys.argv[1])):
    telemetry.track_event("sim_ti", {"status": "success", "duration_s": 1.25, "grid_size": 64})
telemetry.persist()
print(time.time(), flush=True)
"""


def exit_time(url: str, count: int, folder: Path) -> float:
    """A real app process queues `count` events and exits; seconds from its last line to its end."""
    env = {**os.environ, "TIT_HOME": str(folder), "TIT_JSON_ENDPOINT": url + "/ingest", "TIT_POLICY_FILE": str(folder / "none")}
    for name in ("DO_NOT_TRACK", "TIT_NO_TELEMETRY", "TIT_TELEMETRY_STRICT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        env.pop(name, None)
    app = subprocess.Popen([sys.executable, "-c", EXITING_APP, str(count)], stdout=subprocess.PIPE, text=True, env=env)
    last_line_at = float(app.stdout.readline())
    app.wait(timeout=60)
    ended = time.time()
    app.stdout.close()
    return ended - last_line_at


def restart_share(count: int, folder: Path) -> float:
    now = time.time()
    store = filled_store(folder, count, now)
    sender = exporter("otlp", down_url())
    flush(store, [sender], Backoff(), EXIT_BUDGET_S)  # first run: the network is down
    sender.close()
    store.close()
    sink = Sink()
    store = Store(folder / "events.db")  # the next start opens the same file
    sender = exporter("otlp", sink.url)
    flush(store, [sender], Backoff(), 30.0)
    sender.close()
    store.close()
    arrived = sink.arrived()
    sink.stop()
    return arrived / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--serve", nargs=2, metavar=("LATENCY", "ANSWER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(float(args.serve[0]), args.serve[1] == "1")
    # Importing requests (~0.1-0.2 s) happens once per process, at the first send; it is not
    # part of delivering a queue, so it is paid here, before any timing.
    import requests  # noqa: F401
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind in ("otlp", "json", "ga4"):
            seconds, got = deliver(kind, args.events, folder)
            rows.append((f"deliver {args.events:,} queued events ({kind})", f"{seconds:.3f} s ({got:,} arrived)", "<= 0.5 s"))
        slow = Sink(latency=0.2)
        rows.append(("exit with events queued, sink answers in 200 ms",
                     f"{exit_time(slow.url, args.events, folder / 'slow'):.3f} s", "<= 0.5 s"))
        slow.stop()
        rows.append(("exit with events queued, sink down (refused)",
                     f"{exit_time(down_url(), args.events, folder / 'down'):.3f} s", "<= 0.5 s"))
        hanging = Sink(answer=False)
        rows.append(("exit with events queued, sink hangs",
                     f"{exit_time(hanging.url, args.events, folder / 'hang'):.3f} s", "<= 0.5 s"))
        hanging.stop()
        share = restart_share(args.events, folder / "restart")
        rows.append(("arrived after a run offline, then a restart online", f"{share:.1%}", "100 %"))
    width = max(len(r[0]) for r in rows)
    print(f"{'scenario':<{width}}  {'result':<26}  target")
    for name, result, target in rows:
        print(f"{name:<{width}}  {result:<26}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
