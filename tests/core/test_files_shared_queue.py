"""One queue, several processes with different destinations: no process removes what another still owes.

Two Store objects on one file stand for two processes (the GUI with JSON and OTLP, a CLI
command with JSON only); one test uses two real processes.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import uuid

from tit_app.telemetry.model import StoredEvent
from tit_app.telemetry.store import Bounds, Store

NOW = time.time()
LEVELS = ("usage", "errors", "deletion")
BOTH = {"json": LEVELS, "otlp": LEVELS}
JSON_ONLY = {"json": LEVELS}


def events(n: int, level: str = "usage") -> list[StoredEvent]:
    return [StoredEvent(uuid.uuid4().hex, "sim_ti", level, int(NOW * 1e6), "c" * 32, "1", i, {"status": "start"}, {})
            for i in range(n)]


def deliver(store: Store, destination: str, now: float = NOW) -> int:
    """Lease and acknowledge everything due for `destination`; how many it received."""
    got = store.lease(destination, LEVELS, now, 10_000, 10**9)
    store.ack(destination, [e.event_id for e in got], now)
    return len(got)


def fail(store: Store, destination: str, now: float = NOW) -> int:
    """A round whose request failed (collector down): the leased events are retried later."""
    got = store.lease(destination, LEVELS, now, 10_000, 10**9)
    store.retry(destination, [e.event_id for e in got], now + 5, "HTTP 503", now)
    return len(got)


def test_a_process_with_fewer_destinations_removes_none_of_501_otlp_still_owes(tmp_path):
    """Tracked 501; JSON (CLI) delivered 501 and removed 0 (the base removed 501); OTLP (GUI) then
    delivered 501; lost 0; the queue is empty once both are done."""
    gui, cli = Store(tmp_path / "events.db"), Store(tmp_path / "events.db")
    gui.add(events(501), now=NOW)
    assert fail(gui, "otlp") == 501
    gui.finalize(BOTH)
    assert deliver(cli, "json") == 501
    assert cli.finalize(JSON_ONLY) == 0
    assert deliver(gui, "otlp", NOW + 10) == 501
    assert gui.finalize(BOTH) == 501 and cli.pending_count() == 0


def test_destinations_noted_at_load_protect_events_before_the_first_round(tmp_path):
    """The GUI notes OTLP when its destinations load (no round yet): the CLI's finalize removes 0 of 20."""
    gui, cli = Store(tmp_path / "events.db"), Store(tmp_path / "events.db")
    gui.remember_destinations(BOTH)
    cli.add(events(20), now=NOW)
    deliver(cli, "json")
    assert cli.finalize(JSON_ONLY) == 0 and cli.pending_count() == 20
    assert cli.known_destinations() == {"json": frozenset(LEVELS), "otlp": frozenset(LEVELS)}


def test_levels_count_per_destination(tmp_path):
    """Sentry (errors only) known from another process: 3 usage events removed after JSON, 2 errors kept."""
    gui, cli = Store(tmp_path / "events.db"), Store(tmp_path / "events.db")
    gui.remember_destinations({"sentry": ("errors",)})
    cli.add(events(3) + events(2, level="errors"), now=NOW)
    deliver(cli, "json")
    assert cli.finalize(JSON_ONLY) == 3
    assert [p.event.level for p in cli.pending()] == ["errors", "errors"]


def test_a_destination_not_seen_for_the_stores_max_age_is_forgotten(tmp_path):
    """OTLP last seen 31 days ago (max age 30): the JSON-only process removes the 10 JSON delivered."""
    bounds = Bounds()
    gui, cli = Store(tmp_path / "events.db", bounds), Store(tmp_path / "events.db", bounds)
    gui.remember_destinations(BOTH, now=NOW - bounds.max_age_s - 86400)
    cli.add(events(10), now=NOW)
    deliver(cli, "json")
    assert cli.finalize(JSON_ONLY, now=NOW) == 10
    assert "otlp" not in cli.known_destinations()


def test_a_destination_removed_from_this_process_no_longer_holds_its_events(tmp_path):
    """The same process drops OTLP from its configuration: its 5 JSON-delivered events are removed."""
    store = Store(tmp_path / "events.db")
    store.add(events(5), now=NOW)
    fail(store, "otlp")
    deliver(store, "json")
    assert store.finalize(BOTH) == 0
    assert store.finalize(JSON_ONLY) == 5


OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tit_app.telemetry.store import Store
    store = Store(Path(sys.argv[1]))
    got = store.lease("json", ("usage", "errors", "deletion"), float(sys.argv[2]), 10_000, 10**9)
    store.ack("json", [e.event_id for e in got], float(sys.argv[2]))
    print(len(got), store.finalize({"json": ("usage", "errors", "deletion")}))
    """
)


def test_a_real_second_process_with_json_only_removes_none_of_200_for_otlp(tmp_path):
    """Two processes: JSON delivered 200 in the child, removed 0; OTLP here then gets all 200."""
    gui = Store(tmp_path / "events.db")
    gui.add(events(200), now=NOW)
    gui.remember_destinations(BOTH)
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(tmp_path / "events.db"), str(NOW)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "0"]
    assert deliver(gui, "otlp") == 200 and gui.finalize(BOTH) == 200
