"""Caller-side cost of `track_event`, and the import time of `tit_app.telemetry`.

    .venv/bin/python bench/track_overhead.py [--calls 100000]

Targets on the 2-core reference machine: p50 <= 4 us, p99 <= 15 us; import <= 50 ms
without PyQt5 or numpy. The telemetry worker runs in the background as in a real run,
persisting every 250 ms, so its work competes with the caller exactly as it would.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT_PROBE = (
    "import sys, time; t = time.perf_counter(); import tit_app.telemetry{extra}; "
    "dt = time.perf_counter() - t; "
    "print(dt * 1000, int('PyQt5' in sys.modules), int('numpy' in sys.modules))"
)


def import_time_ms(extra: str = "", runs: int = 7) -> tuple[float, bool]:
    times, heavy = [], False
    for _ in range(runs):
        probe = IMPORT_PROBE.format(extra=extra)
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        ms, qt, np_ = out.stdout.split()
        times.append(float(ms))
        heavy = heavy or qt == "1" or np_ == "1"
    return statistics.median(times), heavy


def call_costs_us(calls: int, consent: bool) -> list[float]:
    from tit_app import telemetry
    from tit_app.telemetry.testing import isolated_telemetry

    with tempfile.TemporaryDirectory() as home, isolated_telemetry(Path(home), consent=consent) as engine:
        engine.external_driver = False  # the real background thread persists while we measure
        engine.MAX_BUFFER = calls + 10
        params = {"status": "success", "duration_s": 1.25, "grid_size": 128}
        track, clock = telemetry.track_event, time.perf_counter_ns
        for _ in range(1000):  # warm up: start the worker, load the catalog
            track("sim_ti", params)
        time.sleep(0.5)
        costs = []
        for _ in range(calls):
            t0 = clock()
            track("sim_ti", params)
            costs.append((clock() - t0) / 1000)
        return costs


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()
    import os

    os.environ.pop("TIT_TELEMETRY_STRICT", None)
    for label, extra in (("import tit_app.telemetry", ""),
                         ("... and load the API (first track_event)", "; tit_app.telemetry.track_event")):
        ms, heavy = import_time_ms(extra)
        print(f"{label}: {ms:.1f} ms (median of 7 fresh processes); "
              f"PyQt5 or numpy imported: {'yes' if heavy else 'no'}")
    print(f"{'case':<28}{'calls':>9}{'p50 us':>9}{'p99 us':>9}{'max us':>10}")
    for label, consent in (("consent given (recorded)", True), ("consent not given", False)):
        costs = call_costs_us(args.calls, consent)
        print(f"{label:<28}{len(costs):>9}{percentile(costs, 0.5):>9.2f}{percentile(costs, 0.99):>9.2f}"
              f"{max(costs):>10.1f}")


if __name__ == "__main__":
    main()
