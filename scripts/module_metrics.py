#!/usr/bin/env python3
"""Measure the package's shape: module counts, the telemetry import graph, one GA4 event's path.

    .venv/bin/python scripts/module_metrics.py

- modules: every `.py` file under `tit_app/` (packages' `__init__` included);
- the import graph: every import, also inside functions and through `import_module("...")`
  or `__import__("...")` strings (`tests/core/test_layering.py` reads the same graph);
  "arrows" are edges between telemetry modules, "floors" the longest chain of them once
  cycles are collapsed;
- one GA4 event: the telemetry modules whose code runs while a real event goes from
  `track_event` to a GA4 request answered by a loopback server (traced, not guessed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.import_graph import import_graph  # noqa: E402


def components(graph: dict[str, set[str]]) -> dict[str, str]:
    """module -> a representative of its strongly connected component (its import cycle)."""
    index, low, stack, on_stack, component = {}, {}, [], set(), {}
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component[member] = node
                if member == node:
                    break

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return component


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for module, representative in components(graph).items():
        groups.setdefault(representative, []).append(module)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=len, reverse=True)


def floors(graph: dict[str, set[str]]) -> int:
    """The number of levels of the graph with each cycle collapsed into one node."""
    component = components(graph)
    depth: dict[str, int] = {}

    def level(comp: str) -> int:
        if comp not in depth:
            depth[comp] = 0
            below = {component[n] for m in graph if component[m] == comp for n in graph[m] if component[n] != comp}
            depth[comp] = 1 + max((level(b) for b in below), default=0)
        return depth[comp]

    return max((level(c) for c in set(component.values())), default=0)


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server hook name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def ga4_path() -> list[str]:
    """The tit_app.telemetry modules that run while one event reaches a GA4 receiver."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    home = tempfile.mkdtemp()
    env = {
        "TIT_GA4_MEASUREMENT_ID": "G-TEST123", "TIT_GA4_API_SECRET": "s3cr3t-value",
        "TIT_GA4_ENDPOINT": f"http://127.0.0.1:{server.server_port}",
    }
    from tit_app.telemetry import testing

    seen: set[str] = set()

    def tracer(frame, event, arg):
        name = frame.f_globals.get("__name__", "")
        if name.startswith("tit_app.telemetry"):
            seen.add(name)

    with testing.isolated_telemetry(Path(home), consent=True, env=env) as engine:
        engine.persist()  # warm: consent, catalog and destinations are loaded
        engine.send(force=True)
        seen.clear()
        threading.setprofile(tracer)
        sys.setprofile(tracer)
        try:
            from tit_app import telemetry

            telemetry.track_event("app_launch")
            engine.persist()
            engine.send(force=True)
        finally:
            sys.setprofile(None)
            threading.setprofile(None)
    server.shutdown()
    return sorted(seen - {"tit_app.telemetry.testing"})


def main() -> None:
    graph = import_graph(ROOT / "tit_app")
    telemetry = {m: {n for n in deps if n.startswith("tit_app.telemetry")}
                 for m, deps in graph.items() if m.startswith("tit_app.telemetry")}
    print(f"modules in tit_app: {len(graph)}")
    print(f"modules in tit_app.telemetry: {len(telemetry)}")
    loops = cycles(graph)
    print(f"import cycles in tit_app: {len(loops)}" + (f" (largest: {len(loops[0])} modules)" if loops else ""))
    print(f"telemetry import graph: {floors(telemetry)} floors, {sum(len(v) for v in telemetry.values())} arrows")
    path = ga4_path()
    print(f"modules one GA4 event passes through: {len(path)}")
    for name in path:
        print(f"  {name}")


if __name__ == "__main__":
    os.environ.setdefault("TIT_TELEMETRY_STRICT", "1")
    main()
