"""The public API's promises: consent first, opt-out purges, never raises, durable when asked."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from tit_app import telemetry


def names(include_first_run=False):
    return [p.event.name for p in reversed(telemetry.pending()) if include_first_run or p.event.name != "first_run"]


def test_nothing_recorded_before_consent(telemetry_home):
    telemetry.track_event("app_launch")
    with telemetry.track_operation("sim_ti"):
        pass
    assert telemetry.pending() == [] and telemetry.history() == []
    assert telemetry.status().pending == 0


def test_first_opt_in_records_first_run_once_per_install(telemetry_home):
    telemetry.set_enabled(True)
    telemetry.set_enabled(False)
    telemetry.set_enabled(True)
    assert names(include_first_run=True) == []  # the second opt-in is not a first run
    assert telemetry.load_config().first_run_recorded is True


def test_first_run_is_durable_at_once(telemetry_home):
    telemetry.set_enabled(True)
    assert [p.event.name for p in telemetry_home.store.pending()] == ["first_run"]


def test_opt_out_purges_and_rotates_the_client_id(consented):
    telemetry.track_event("app_launch")
    telemetry.track_event("heartbeat", {"uptime_h": 2.0}, _blocking=True)
    old_id = telemetry.status().client_id
    telemetry.track_event("app_close", {"session_duration_s": 3.0})  # still buffered
    telemetry.set_enabled(False)
    assert telemetry.pending() == [] and consented.store.pending_count() == 0
    assert telemetry.status().client_id != old_id
    telemetry.track_event("app_launch")
    assert telemetry.pending() == []  # nothing after opt-out


def test_blocking_event_is_in_the_store_when_the_call_returns(consented):
    telemetry.track_event("heartbeat", {"uptime_h": 1.5}, _blocking=True)
    assert "heartbeat" in [p.event.name for p in consented.store.pending()]


def test_events_carry_enrichment(consented):
    telemetry.track_event("app_launch")
    telemetry.track_event("heartbeat", {"uptime_h": 1.0})
    launch, beat = [p.event for p in reversed(telemetry.pending()) if p.event.name != "first_run"]
    assert launch.session_id == beat.session_id and launch.session_id.isdigit()
    assert beat.seq > launch.seq and launch.event_id != beat.event_id and len(launch.event_id) == 32
    assert launch.client_id == telemetry.status().client_id
    assert launch.time_us <= beat.time_us


def test_track_event_never_raises_outside_strict_mode(consented, monkeypatch, tmp_path):
    monkeypatch.delenv("TIT_TELEMETRY_STRICT")
    consented._strict = False
    telemetry.track_event(None)  # type: ignore[arg-type]
    telemetry.track_event("app_launch", params=["not", "a", "mapping"])  # type: ignore[arg-type]
    consented.store.close()  # a store that fails on every call
    telemetry.track_event("app_launch", _blocking=True)
    with telemetry.track_operation("sim_ti"):
        pass


def test_track_event_from_many_threads(consented):
    def work():
        for _ in range(200):
            telemetry.track_event("heartbeat", {"uptime_h": 0.5})

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert names().count("heartbeat") == 1600


def test_buffer_is_bounded_and_overflow_counted(consented, monkeypatch):
    monkeypatch.setattr(consented, "MAX_BUFFER", 5)
    for _ in range(8):
        telemetry.track_event("app_launch")
    assert names().count("app_launch") == 5
    assert telemetry.status().dropped == {"buffer_full": 3}


def test_flush_without_destinations_keeps_events_and_says_so(consented):
    telemetry.track_event("app_launch")
    assert telemetry.flush(timeout=0.5) is False
    assert "app_launch" in names()


def test_purge_returns_the_count(consented):
    for _ in range(3):
        telemetry.track_event("app_launch")
    telemetry.pending()
    assert telemetry.purge() == 4  # three launches and first_run
    assert telemetry.pending() == []


def test_status_reports_everything_the_privacy_page_needs(consented):
    telemetry.track_event("app_launch")
    telemetry.pending()
    status = telemetry.status()
    assert status.enabled and status.level == "usage" and status.decided_by == "user"
    assert status.pending == 2 and status.dropped == {} and isinstance(status.destinations, list)
    assert status.reason.startswith("On")


def test_health_event_reports_drops_once(consented, monkeypatch):
    monkeypatch.setattr(consented, "MAX_BUFFER", 1)
    telemetry.track_event("app_launch")
    telemetry.track_event("app_launch")
    consented.persist()
    consented.report_health()
    consented.report_health(now=10**10)
    health = [p.event for p in telemetry.pending() if p.event.name == "telemetry_health"]
    assert len(health) == 1 and health[0].params == {"buffer_full": 1}


def test_operation_summary(consented):
    for fail in (False, False, True):
        try:
            with telemetry.track_operation("sim_ti"):
                if fail:
                    raise ValueError("x")
        except ValueError:
            pass
    (row,) = telemetry.operation_summary()
    assert (row.name, row.count, row.errors) == ("sim_ti", 3, 1)
    assert row.error_rate == pytest.approx(1 / 3) and row.median_s is not None and row.p95_s >= row.median_s


def test_import_stays_light():
    code = (
        "import sys, tit_app.telemetry; "
        "heavy = [m for m in ('PyQt5', 'numpy', 'requests', 'tit_app.ui', 'tit_app.ops') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr


def test_public_names_survive_importing_every_submodule():
    import importlib
    import pkgutil

    import tit_app.telemetry as package

    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
    for name in package.__all__:
        assert not isinstance(getattr(package, name), type(package)), f"telemetry.{name} is a module"
    from tit_app.telemetry import api

    assert type(api.engine()).__name__ == "Engine"


def test_export_local_data_writes_everything_owner_only(consented, tmp_path):
    import json
    import os
    import stat

    telemetry.track_event("heartbeat", {"uptime_h": 3.0})
    target = tmp_path / "export" / "mine.json"
    assert telemetry.export_local_data(target) == 2
    data = json.loads(target.read_text())
    assert {p["event"]["name"] for p in data["pending"]} == {"first_run", "heartbeat"}
    assert data["client_id"] == telemetry.status().client_id and data["status"].startswith("On")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_every_public_function_says_what_it_does():
    import inspect

    import tit_app.telemetry as package
    from tit_app.telemetry import api

    exported = [getattr(package, name) for name in package.__all__]
    in_api = [value for name, value in vars(api).items()
              if inspect.isfunction(value) and value.__module__ == api.__name__ and not name.startswith("_")]
    functions = [f for f in exported + in_api if inspect.isfunction(f)]
    assert len(functions) > 40
    assert sorted({f.__qualname__ for f in functions if not inspect.getdoc(f)}) == []
