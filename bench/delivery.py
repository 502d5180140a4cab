"""Delivery speed and the exit budget, against a loopback sink.

    .venv/bin/python bench/delivery.py [--events 5000]

Measures, with a real Store (SQLite in a temp folder) and the real exporters:
  1. time to deliver N queued events (target <= 0.5 s), per destination kind;
  2. time to exit: a real app process with 500 events queued for a JSON endpoint exits
     (atexit persists and spends at most 0.4 s sending) with a sink that answers after
     200 ms, with the sink down (connection refused) and with a sink that accepts
     connections but never answers (target <= 0.5 s, and every event either arrived or
     is still queued);
  3. idle exit: a process with nothing to send (the user has not been asked; agreed less
     than a minute ago, so nothing may leave yet; or all it tracked has been delivered)
     ends <= 0.15 s after its last line (the whole process's time is shown too);
  4. the share of events that arrive after a run with the sink down followed by a
     restart with the sink up (target 100 %);
  5. the peak memory (RSS) of a Qt-free process that tracks 5,000 events and stores them,
     or delivers them (target <= 40 MB).
Only 127.0.0.1 is contacted; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
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
                self._reply(json.dumps({"ids": len(sink.ids), "requests": sink.requests,
                                        "id_list": sorted(sink.ids) if self.path == "/ids" else []}).encode())

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

    def _count(self, path: str = "/") -> dict:
        from urllib.request import urlopen

        with urlopen(self.url + path, timeout=5) as answer:  # only ever 127.0.0.1
            return json.loads(answer.read())

    def arrived(self) -> int:
        return self._count()["ids"]

    def arrived_ids(self) -> set[str]:
        return set(self._count("/ids")["id_list"])

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


AGREE = """
import sys
from tit_app import telemetry
telemetry.set_enabled(True)
settings = telemetry.load_config()
settings.receipt["at"] -= float(sys.argv[1])  # agreed that many seconds ago: after 60 the review wait is over
telemetry.save_config(settings)
"""

EXITING_APP = """
import sys, time
from tit_app import telemetry
for n in range(int(sys.argv[1])):
    telemetry.track_event("sim_ti", {"status": "success", "duration_s": 1.25, "grid_size": 64})
print(time.time(), flush=True)
"""

# Everything it tracks is delivered before it ends; its exit has nothing left to send.
DELIVERED_APP = """
import sys, time
from tit_app import telemetry
telemetry.track_event("app_launch")
telemetry.flush(5.0)
print(time.time(), flush=True)
"""

MEMORY_APP = """
import sys
from tit_app import telemetry
for n in range(int(sys.argv[1])):
    telemetry.track_event("sim_ti", {"status": "success", "duration_s": 1.25, "grid_size": n, "run_id": "r1"})
if sys.argv[2] == "deliver":
    telemetry.flush(30.0)
else:
    telemetry.persist()
with open("/proc/self/status") as status:  # VmHWM: this process's peak RSS (ru_maxrss survives exec)
    print(next(line.split()[1] for line in status if line.startswith("VmHWM")), flush=True)
"""


def app_env(folder: Path, url: str) -> dict:
    env = {**os.environ, "TIT_HOME": str(folder), "TIT_JSON_ENDPOINT": url + "/ingest", "TIT_POLICY_FILE": str(folder / "none")}
    for name in ("DO_NOT_TRACK", "TIT_NO_TELEMETRY", "TIT_TELEMETRY_STRICT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        env.pop(name, None)
    return env


def agree(folder: Path, url: str, seconds_ago: float = 120) -> None:
    subprocess.run([sys.executable, "-c", AGREE, str(seconds_ago)], env=app_env(folder, url), check=True)


def run_app(script: str, url: str, folder: Path, *args: str) -> tuple[float, float, float]:
    """Run an app process; (its start, its last line's time, its end), all wall-clock seconds."""
    started = time.time()
    app = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True,
                           env=app_env(folder, url))
    last_line_at = float(app.stdout.readline())
    app.wait(timeout=60)
    ended = time.time()
    app.stdout.close()
    return started, last_line_at, ended


def queued_ids(folder: Path) -> set[str]:
    store = Store(folder / "data" / "events.db")  # TIT_HOME's layout (tit_app.paths)
    try:
        return {p.event.event_id for p in store.pending()}
    finally:
        store.close()


def exit_time(sink_url: str, count: int, folder: Path, arrived=set) -> tuple[float, str]:
    """A real app process tracks `count` events and exits; seconds from its last line to its end,
    and where the events are: arrived at the sink, still queued (both, when the answer came too
    late), or lost. The first_run event of the consent counts too."""
    agree(folder, sink_url)
    _, last_line_at, ended = run_app(EXITING_APP, sink_url, folder, str(count))
    got, queued = arrived(), queued_ids(folder)
    lost = count + 1 - len(got | queued)
    return ended - last_line_at, f"{len(got - queued)} sent, {len(queued)} queued, {lost} lost"


def idle_exit(sink: "Sink", folder: Path, case: str) -> tuple[float, float]:
    """Seconds from interpreter start to the end, and from the last line to the end, of a process
    with nothing to send: not asked yet, agreed just now (the review wait), or all delivered."""
    if case == "all delivered":
        agree(folder, sink.url)
        started, last_line_at, ended = run_app(DELIVERED_APP, sink.url, folder)
    else:
        if case == "review wait":
            agree(folder, sink.url, seconds_ago=0)
        started, last_line_at, ended = run_app(EXITING_APP, sink.url, folder, "1")
    return ended - started, ended - last_line_at


def peak_rss_mb(sink: "Sink", folder: Path, count: int, step: str) -> float:
    """Peak RSS of a process that tracks `count` events and then stores them, or delivers them.

    A returning user's process: the consent was given in an earlier one, which also noted
    that the keyring holds no secret of ours (docs/destinations.md, "Secrets").
    """
    agree(folder, sink.url)
    out = subprocess.run([sys.executable, "-c", MEMORY_APP, str(count), step], env=app_env(folder, sink.url),
                         capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


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
    parser.add_argument("--exit-events", type=int, default=500)
    parser.add_argument("--serve", nargs=2, metavar=("LATENCY", "ANSWER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(float(args.serve[0]), args.serve[1] == "1")
    # Importing the HTTP stack happens once per process, at the first send; it is not part of
    # delivering a queue, so it is paid here, before any timing.
    from tit_app.telemetry import transport

    transport.load_http_stack()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind in ("otlp", "json", "ga4"):
            seconds, got = deliver(kind, args.events, folder)
            rows.append((f"deliver {args.events:,} queued events ({kind})", f"{seconds:.3f} s ({got:,} arrived)", "<= 0.5 s"))
        n = args.exit_events
        slow = Sink(latency=0.2)
        seconds, where = exit_time(slow.url, n, folder / "slow", slow.arrived_ids)
        rows.append((f"exit with {n} events pending, sink answers in 200 ms", f"{seconds:.3f} s ({where})",
                     "<= 0.5 s, 0 lost"))
        slow.stop()
        seconds, where = exit_time(down_url(), n, folder / "down")
        rows.append((f"exit with {n} events pending, sink down (refused)", f"{seconds:.3f} s ({where})",
                     "<= 0.5 s, 0 lost"))
        hanging = Sink(answer=False)
        seconds, where = exit_time(hanging.url, n, folder / "hang", hanging.arrived_ids)
        rows.append((f"exit with {n} events pending, sink hangs", f"{seconds:.3f} s ({where})", "<= 0.5 s, 0 lost"))
        hanging.stop()
        sink = Sink()
        for case in ("not asked yet", "review wait", "all delivered"):
            runs = [idle_exit(sink, folder / f"idle-{case}-{n}", case) for n in range(5)]
            total = statistics.median(r[0] for r in runs)
            tail = statistics.median(r[1] for r in runs)
            rows.append((f"idle exit ({case}), median of 5", f"{tail:.3f} s (whole process {total:.3f} s)",
                         "<= 0.15 s"))
        for step in ("store", "deliver"):
            mb = peak_rss_mb(sink, folder / f"memory-{step}", args.events, step)
            rows.append((f"peak RSS, core only, {args.events:,} events tracked, {step}", f"{mb:.1f} MB", "<= 40 MB"))
        sink.stop()
        share = restart_share(args.events, folder / "restart")
        rows.append(("arrived after a run offline, then a restart online", f"{share:.1%}", "100 %"))
    width = max(len(r[0]) for r in rows)
    print(f"{'scenario':<{width}}  {'result':<26}  target")
    for name, result, target in rows:
        print(f"{name:<{width}}  {result:<26}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
