"""'Your usage': cancelled runs apart, a p99 column, and the same duration the status line shows."""

from __future__ import annotations

from dataclasses import replace

from tests.ui.conftest import set_slice_size
from tit_app import telemetry
from tit_app.operations import BY_NAME
from tit_app.telemetry.summary import RunOutcome, operation_summary
from tit_app.ui.delivery.snapshot import take_snapshot
from tit_app.ui.formatting import seconds
from tit_app.ui.operations.panel import OperationPanel
from tit_app.ui.privacy.summary_model import UsageSummaryModel


def cancelled_at_once(params, progress, cancel):
    cancel.cancel()
    cancel.raise_if_cancelled()


def test_cancelled_runs_are_counted_apart_and_left_out_of_the_durations():
    outcomes = [RunOutcome("sim_ti", f"r{i}", "success", float(i)) for i in range(1, 101)]
    outcomes += [RunOutcome("sim_ti", "e1", "error", 0.5),
                 RunOutcome("sim_ti", "c1", "cancelled", 900.0), RunOutcome("sim_ti", "c2", "cancelled", 800.0)]
    (row,) = operation_summary(outcomes)
    assert (row.count, row.errors, row.cancelled) == (101, 1, 2)
    assert row.error_rate == 1 / 101
    assert (row.median_s, row.p95_s, row.p99_s) == (50.0, 95.0, 99.0)  # nearest rank over the 101 ended runs


def test_only_cancelled_runs_show_no_error_rate(qtmodeltester):
    (row,) = operation_summary([RunOutcome("sim_ti", "c1", "cancelled", 1.0)])
    assert (row.count, row.cancelled, row.median_s) == (0, 1, None)
    model = UsageSummaryModel()
    model.set_rows([row])
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert model.HEADERS[3:5] == ("Error rate", "Cancelled")
    assert cells == ["Simulate TI", "0", "0", "—", "1", "—", "—", "—"]
    qtmodeltester.check(model, force_py=True)


def test_the_status_line_and_your_usage_give_the_same_duration(telemetry_env, qtbot):
    telemetry_env(consent=True)
    panel = OperationPanel(BY_NAME["sim_ti"])
    qtbot.addWidget(panel)
    set_slice_size(panel, 32)
    with qtbot.waitSignal(panel.run_ended, timeout=20_000) as ended:
        assert panel.run()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5000)
    cancelled = OperationPanel(replace(BY_NAME["sim_ti"], run=cancelled_at_once))
    qtbot.addWidget(cancelled)
    with qtbot.waitSignal(cancelled.run_ended, timeout=5000):
        assert cancelled.run()
    qtbot.waitUntil(lambda: not cancelled.is_running(), timeout=5000)

    model = UsageSummaryModel()
    model.set_snapshot(take_snapshot())
    assert model.rowCount() == 1
    runs, cancelled_runs, median = (model.index(0, c).data() for c in (1, 4, 5))
    assert (runs, cancelled_runs) == ("1", "1")
    (row,) = telemetry.operation_summary()
    assert ended.args == [f"Simulate TI: Finished in {seconds(row.median_s)}."]
    assert median == seconds(row.median_s)
