"""A real HTTP server on 127.0.0.1 that records requests and answers from a script.

Each reply can set a status, headers and body, sleep first (bounded), cut the
connection mid-response, send garbage, or trickle: send its bytes one at a time at a
given rate (the body only, or the status line and headers too), the way a hostile or
broken server holds a client that only has per-read timeouts. Unscripted requests get
the default reply.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_DELAY_S = 2.0


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"
    delay: float = 0.0
    reset: bool = False  # send the start of a response, then reset the connection
    trickle: float = 0.0  # bytes per second; 0 sends at once
    trickle_headers: bool = False  # trickle the status line and headers as well, not only the body


@dataclass(frozen=True)
class Recorded:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw: bytes  # as received (maybe gzip)

    @property
    def body(self) -> bytes:
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.raw)
        return self.raw


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real collectors do
    timeout = 5  # idle keep-alive connections end on their own
    disable_nagle_algorithm = True  # otherwise delayed ACKs add 40 ms to every request

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        sink: Sink = self.server.sink  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path)
        sink._record(Recorded(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}, raw))
        reply = sink._next_reply()
        if sink.max_body is not None and len(raw) > sink.max_body:
            reply = Reply(413, body=b"request entity too large")  # a server's size limit, as nginx sets one
        if reply.delay:
            time.sleep(min(reply.delay, MAX_DELAY_S))
        if reply.reset:
            self._reset()
            return
        if reply.trickle:
            self._trickle(reply, sink)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _trickle(self, reply: Reply, sink: "Sink") -> None:
        head = f"HTTP/1.1 {reply.status} Trickling\r\nContent-Length: {len(reply.body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items()) + "\r\n"
        if not reply.trickle_headers:
            self.wfile.write(head.encode("latin-1"))
            self.wfile.flush()
        slow = (head.encode("latin-1") if reply.trickle_headers else b"") + reply.body
        gap = 1.0 / reply.trickle
        for index in range(len(slow)):
            # Ends when the client hangs up (the write fails) or the sink stops: no thread outlives a test.
            if sink.stopped.wait(gap):
                break
            try:
                self.wfile.write(slow[index:index + 1])
                self.wfile.flush()
            except OSError:
                break
        self.close_connection = True

    def _reset(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"partial")
        self.wfile.flush()
        # SO_LINGER with a zero timeout turns close() into a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (timeout tests) is expected, not an error


class Sink:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self.default = Reply()
        self.max_body: int | None = None  # bodies larger than this are answered 413
        self.requests: list[Recorded] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stopped = threading.Event()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> "Sink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def _record(self, item: Recorded) -> None:
        with self._lock:
            self.requests.append(item)


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
