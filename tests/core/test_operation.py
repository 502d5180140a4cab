"""track_operation: start then success/error/cancelled, re-raise, durable outcomes, fingerprints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tit_app import telemetry
from tit_app.telemetry.catalog import Catalog


def stored_in_store(engine):
    """Read the store directly, without persisting the buffer first."""
    return [p.event for p in reversed(engine.store.pending()) if p.event.name != "first_run"]


def test_success_records_start_and_success(consented):
    with telemetry.track_operation("sim_ti", plane="axial", grid_size=32) as op:
        pass
    events = [p.event for p in reversed(telemetry.pending()) if p.event.name == "sim_ti"]
    assert [e.params["status"] for e in events] == ["start", "success"]
    assert {e.params["run_id"] for e in events} == {op.run_id} and len(op.run_id) == 16
    assert events[1].params["duration_s"] >= 0 and events[1].params["plane"] == "axial"
    assert "duration_s" not in events[0].params


def test_outcome_is_durable_before_the_context_exits(consented):
    with telemetry.track_operation("sim_mti", grid_size=16):
        pass
    # No persist() call here: the outcome must already be in the SQLite file.
    assert "success" in [e.params["status"] for e in stored_in_store(consented)]


def test_error_is_recorded_and_reraised(consented):
    with pytest.raises(KeyError):
        with telemetry.track_operation("flex_search", budget=10):
            raise KeyError("subject sub-07 at /home/someone/data.nii")
    error = stored_in_store(consented)[-1]
    assert error.params["status"] == "error" and error.level == "errors"
    assert error.params["error_type"] == "KeyError"
    assert "sub-07" not in error.params["error_detail"] and "/home" not in error.params["error_detail"]
    assert len(error.params["error_fingerprint"]) == 16


def test_error_detail_is_cut_to_100_characters(consented):
    with pytest.raises(ValueError):
        with telemetry.track_operation("sim_ti"):
            raise ValueError("x " * 200)
    assert len(stored_in_store(consented)[-1].params["error_detail"]) <= 100


def test_empty_message_names_the_raising_app_frame(consented):
    with pytest.raises(ValueError):
        with telemetry.track_operation("sim_ti"):
            Catalog().add({"events": {"x": {"description": "d", "level": "bad"}}})
    with pytest.raises(RuntimeError):
        with telemetry.track_operation("sim_ti"):
            raise RuntimeError()
    events = stored_in_store(consented)
    assert events[-1].params["error_detail"] == "RuntimeError"  # no app frame raised it
    assert "CatalogError" == events[-3].params["error_type"]


def test_in_app_frames_are_kept_for_error_reports(consented):
    with pytest.raises(ValueError):
        with telemetry.track_operation("sim_ti"):
            Catalog().add({"events": {"x": {"description": "d", "level": "bad"}}})
    frames = stored_in_store(consented)[-1].frames
    assert frames and frames[-1]["module"] == "tit_app.telemetry.catalog"
    assert all(set(f) == {"module", "function", "lineno", "in_app"} for f in frames)  # no paths


@pytest.mark.parametrize("exc", [telemetry.Cancelled("user pressed cancel"), KeyboardInterrupt()])
def test_cancel_is_recorded_as_cancelled(consented, exc):
    with pytest.raises(type(exc)):
        with telemetry.track_operation("ex_search", n_electrodes=6):
            raise exc
    last = stored_in_store(consented)[-1]
    assert last.params["status"] == "cancelled" and "error_type" not in last.params


def test_decorator_gives_each_call_its_own_run(consented):
    @telemetry.track_operation("sim_ti", grid_size=8)
    def simulate(fail: bool) -> str:
        if fail:
            raise ValueError("bad")
        return "ok"

    assert simulate(False) == "ok"
    with pytest.raises(ValueError):
        simulate(True)
    events = stored_in_store(consented)
    assert [e.params["status"] for e in events] == ["start", "success", "start", "error"]
    assert len({e.params["run_id"] for e in events}) == 2


def test_nothing_recorded_when_off_but_operation_still_runs(telemetry_home):
    with pytest.raises(ZeroDivisionError):
        with telemetry.track_operation("sim_ti"):
            1 / 0
    assert telemetry.pending() == []


FINGERPRINT_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from tit_app import telemetry
    from tit_app.telemetry.catalog import Catalog
    from tit_app.telemetry.testing import isolated_telemetry, stored_events
    with isolated_telemetry(sys.argv[1], consent=True):
        try:
            with telemetry.track_operation("sim_ti"):
                Catalog().add({"events": {"x": {"description": "d", "level": "bad"}}})
        except ValueError:
            pass
        print(json.dumps(stored_events()[-1].params["error_fingerprint"]))
    """
)


def test_fingerprint_is_stable_across_processes_and_machines(tmp_path):
    prints = []
    for home in ("first home", "second/deeper home"):
        (tmp_path / home).mkdir(parents=True)
        out = subprocess.run(
            [sys.executable, "-c", FINGERPRINT_SCRIPT, str(tmp_path / home)],
            capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ, "PYTHONHASHSEED": "random"},
        )
        assert out.returncode == 0, out.stderr
        prints.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert prints[0] == prints[1] and len(prints[0]) == 16


def test_different_bugs_have_different_fingerprints(consented):
    for exc in (ValueError("a"), TypeError("a")):
        with pytest.raises(type(exc)):
            with telemetry.track_operation("sim_ti"):
                raise exc
    a, b = (e.params["error_fingerprint"] for e in stored_in_store(consented) if e.params["status"] == "error")
    assert a != b
