"""Operation panels: preflight, runs in a worker thread, and what telemetry records of them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QAbstractSpinBox, QLineEdit

from tests.ui.conftest import set_slice_size
from tit_app import telemetry
from tit_app.operations import BY_NAME, OPERATIONS
from tit_app.ops import FlexSearchParams
from tit_app.telemetry.testing import stored_events
from tit_app.ui.main_window import MainWindow
from tit_app.ui.operations.panel import OperationPanel
from tit_app.ui.operations.runner import run_in_thread
from tit_app.ui.delivery.service import TelemetryService


def operation_events(name: str) -> list[dict]:
    return [e.params for e in stored_events() if e.name == name]


def make_panel(qtbot, spec) -> OperationPanel:
    panel = OperationPanel(spec)
    qtbot.addWidget(panel)
    return panel


def run_to_end(qtbot, panel: OperationPanel, timeout_ms: int = 20_000) -> None:
    assert panel.run()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=timeout_ms)


def test_a_run_records_start_and_success_with_safe_params_only(telemetry_env, qtbot):
    telemetry_env(consent=True)
    panel = make_panel(qtbot, BY_NAME["sim_ti"])
    set_slice_size(panel, 32)
    run_to_end(qtbot, panel)
    start, success = operation_events("sim_ti")
    assert start["status"] == "start" and success["status"] == "success"
    assert start["run_id"] == success["run_id"]
    assert {k: success[k] for k in ("plane", "grid_size")} == {"plane": "axial", "grid_size": 32}
    assert set(success) <= {"status", "run_id", "duration_s", "plane", "grid_size"}  # no names, currents, targets
    assert panel.results.heatmap.sim is not None
    assert panel.progress.value() == 100
    assert panel.state.text().startswith("Finished")


def failing_operation(params, progress, cancel):
    progress(10)
    raise RuntimeError("the solver diverged")


def test_a_failing_run_records_an_error(telemetry_env, qtbot):
    telemetry_env(consent=True)
    panel = make_panel(qtbot, replace(BY_NAME["sim_ti"], run=failing_operation))
    with qtbot.waitSignal(panel.run_ended, timeout=5000) as ended:
        assert panel.run()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5000)
    start, error = operation_events("sim_ti")
    assert error["status"] == "error" and error["error_type"] == "RuntimeError"
    assert error["error_detail"] == "the solver diverged"
    assert "Failed: RuntimeError: the solver diverged" in ended.args[0]
    assert panel.state.property("error") is True
    assert panel.run_button.isEnabled()


def test_cancel_stops_the_run_and_records_cancelled(telemetry_env, qtbot):
    telemetry_env(consent=True)
    panel = make_panel(qtbot, BY_NAME["sim_mti"])
    set_slice_size(panel, 1024)  # several seconds of work
    assert panel.run()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=10_000)
    with qtbot.waitSignal(panel.handle.cancelled, timeout=5000):
        panel.cancel()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5000)
    assert [e["status"] for e in operation_events("sim_mti")] == ["start", "cancelled"]
    assert panel.results.heatmap.sim is None
    assert panel.state.text() == "Cancelled."


@pytest.mark.parametrize("field, value, editor, message", [
    ("cathode", "Xx9", "cathode", "unknown electrode"),
    ("current", 0.0, "current", "must be greater than 0"),
])
def test_invalid_parameters_are_reported_beside_their_field_and_nothing_runs(telemetry_env, qtbot, field, value,
                                                                           editor, message):
    telemetry_env(consent=True)
    panel = make_panel(qtbot, BY_NAME["sim_ti"])
    pair2 = panel.form.fields[1]
    target = getattr(pair2, field)
    target.setText(value) if isinstance(value, str) else target.setValue(value)
    assert not panel.run()
    assert not panel.is_running()
    assert message in panel.form.error_text()
    assert getattr(pair2, editor).property("invalid") is True
    assert operation_events("sim_ti") == []  # no start, and above all no error event
    target.setText("P8") if isinstance(value, str) else target.setValue(1.0)
    run_to_end(qtbot, panel)
    assert panel.form.error_text() == "" and getattr(pair2, editor).property("invalid") is False


def test_a_target_outside_the_head_is_reported_on_the_target(telemetry_env, qtbot):
    telemetry_env(consent=True)
    panel = make_panel(qtbot, BY_NAME["flex_search"])
    target = next(f for f in panel.form.fields if f.label == "Target")
    target.xyz[0].setValue(150.0)
    assert not panel.run()
    assert "outside the head" in panel.form.error_text()
    assert target.xyz[0].property("invalid") is True


def test_searches_record_only_their_declared_params(telemetry_env, qtbot):
    telemetry_env(consent=True)
    flex = FlexSearchParams()
    for name, expected in (("flex_search", {"budget": flex.budget, "restarts": flex.restarts}),
                           ("ex_search", {"n_electrodes": 20, "n_combinations": 14535})):
        panel = make_panel(qtbot, BY_NAME[name])
        set_slice_size(panel, 32)
        run_to_end(qtbot, panel)
        start, success = operation_events(name)
        assert success["status"] == "success"
        assert {k: v for k, v in start.items() if k not in ("status", "run_id")} == expected


def test_run_in_thread_reports_by_signal(telemetry_env, qtbot):
    telemetry_env(consent=True)

    def counting(params, progress, cancel):
        for percent in (0, 50, 100):
            progress(percent)
        return params * 2

    seen = []
    handle = run_in_thread(counting, 21, op_name="sim_ti", safe_params={"plane": "axial", "grid_size": 8})
    handle.progress.connect(seen.append)
    with qtbot.waitSignal(handle.finished, timeout=5000) as finished:
        pass
    qtbot.waitUntil(lambda: not handle.is_running(), timeout=5000)
    assert finished.args == [42]
    qtbot.waitUntil(lambda: seen == [0, 50, 100], timeout=2000)


def test_every_editor_has_an_accessible_name(telemetry_env, qtbot):
    telemetry_env(consent=False)
    for spec in OPERATIONS:
        panel = make_panel(qtbot, spec)
        editors = panel.form.findChildren(QLineEdit) + panel.form.findChildren(QAbstractSpinBox)
        editors = [e for e in editors if not isinstance(e.parent(), QAbstractSpinBox)]  # a spin box's own line edit
        assert editors and all(e.accessibleName() for e in editors), spec.name
        assert panel.run_button.accessibleName() and panel.cancel_button.accessibleName()
        assert panel.progress.accessibleName()


def test_the_ranking_sorts_and_opens_a_montage_as_a_simulation(telemetry_env, qtbot, qtmodeltester):
    telemetry_env(consent=True)
    window = MainWindow(TelemetryService())  # not started: this test needs no delivery
    qtbot.addWidget(window)
    panel = window.panel("ex_search")
    panel.form.fields[0].edit.setText("F7 F8 P7 P8 T7 T8 Cz Oz")
    set_slice_size(panel, 32)
    run_to_end(qtbot, panel)
    ranking = panel.results.ranking
    qtmodeltester.check(ranking.model, force_py=True)
    ranking.table.sortByColumn(2, Qt.DescendingOrder)
    column = [ranking.proxy.index(r, 2).data(Qt.UserRole + 1) for r in range(ranking.proxy.rowCount())]
    assert column == sorted(column, reverse=True) and len(column) > 1
    best = ranking.proxy.index(0, 0).data(Qt.UserRole + 2)
    ranking.table.selectRow(0)
    ranking.open_button.click()
    sim = window.panel("sim_ti")
    assert window.current_panel() is sim and sim.is_running()
    qtbot.waitUntil(lambda: not sim.is_running(), timeout=10_000)
    labels = [(e.label, e.role, e.pair) for e in sim.results.heatmap.sim.electrodes]
    assert labels[:2] == [(best.pair1[0], "anode", 1), (best.pair1[1], "cathode", 1)]
    assert sim.results.heatmap.sim.grid.size == 32


def test_the_head_model_and_the_ranking_choice_are_in_the_forms(telemetry_env, qtbot):
    telemetry_env(consent=False)
    for spec in OPERATIONS:
        panel = make_panel(qtbot, spec)
        choice = next(f for f in panel.form.fields if f.label == "Head model")
        assert choice.values() == {"head_model": "four-shell"}  # the default, as docs/ops.md says
        choice.set_values({"head_model": "homogeneous"})
        assert BY_NAME[spec.name].build(panel.form.values()).head.model == "homogeneous"
    search = make_panel(qtbot, BY_NAME["ex_search"])
    rank = next(f for f in search.form.fields if f.label == "Map the best by")
    rank.set_values({"rank_by": "combined"})
    assert BY_NAME["ex_search"].build(search.form.values()).rank_by == "combined"


def test_a_montage_opens_as_a_simulation_in_the_search_head_model(telemetry_env, qtbot):
    telemetry_env(consent=False)
    window = MainWindow(TelemetryService())  # not started: this test needs no delivery
    qtbot.addWidget(window)
    panel = window.panel("ex_search")
    panel.form.fields[0].edit.setText("F7 F8 P7 P8 T7 T8")
    next(f for f in panel.form.fields if f.label == "Head model").set_values({"head_model": "homogeneous"})
    set_slice_size(panel, 32)
    run_to_end(qtbot, panel)
    panel.results.ranking.table.selectRow(0)
    panel.results.ranking.open_button.click()
    sim = window.panel("sim_ti")
    qtbot.waitUntil(lambda: not sim.is_running(), timeout=10_000)
    assert BY_NAME["sim_ti"].build(sim.form.values()).head.model == "homogeneous"
