"""File → Save result and File → Open result, and the names and tooltips of the result labels (real widgets)."""

from __future__ import annotations

import json

import numpy as np
from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from tests.ui.conftest import set_slice_size
from tit_app.ops import ExSearchParams, SliceSpec, ex_search, figures, load, save
from tit_app.ops.readout import readings
from tit_app.ui.delivery.service import TelemetryService
from tit_app.ui.main_window import MainWindow

EX = ExSearchParams(electrodes=("F7", "F8", "P7", "P8", "T7", "T8"), top_n=3, slice=SliceSpec(size=32)).validated()


def make_window(qtbot) -> MainWindow:
    window = MainWindow(TelemetryService())  # not started: these tests need no delivery
    qtbot.addWidget(window)
    return window


def run_panel(qtbot, window, name: str, size: int = 32):
    panel = window.panel(name)
    window.operations.setCurrentRow(window.panels.index(panel))
    set_slice_size(panel, size)
    assert panel.run()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=20_000)
    return panel


def answer_dialog(kind, act) -> list:
    """Run `act(dialog)` on the first modal `kind` dialog shown (the static dialogs block the test)."""
    seen = []

    def poll() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(10, poll)
            return
        seen.append(dialog.windowTitle())
        act(dialog)

    QTimer.singleShot(0, poll)
    return seen


def choose_file(path, name_filter: str | None = None):
    """Pick a file type and a name, then press the dialog's Save or Open button, as a user would."""

    def act(dialog: QFileDialog) -> None:
        if name_filter:
            dialog.selectNameFilter(name_filter)
        dialog.selectFile(str(path))
        buttons = dialog.findChild(QDialogButtonBox)
        (buttons.button(QDialogButtonBox.Save) or buttons.button(QDialogButtonBox.Open)).click()

    return act


def tiles(view) -> dict[str, tuple[str, str]]:
    """{caption: (value, tooltip)} of the visible tiles; every label must carry the tile's tooltip."""
    shown = {}
    for tile in view.metrics.tiles:
        if tile.isVisibleTo(view):
            assert tile.caption.toolTip() == tile.value.toolTip() == tile.toolTip() != ""
            shown[tile.caption.text()] = (tile.value.text(), tile.toolTip())
    return shown


def test_tiles_and_ranking_name_the_same_numbers_alike(telemetry_env, qtbot):
    telemetry_env(consent=False)
    window = make_window(qtbot)
    panel = window.panel("ex_search")
    panel.form.fields[0].edit.setText(", ".join(EX.electrodes))
    panel = run_panel(qtbot, window, "ex_search")
    view, model = panel.results, panel.results.ranking.model
    shown = tiles(view)
    for reading in readings(view.result):
        value, tooltip = shown[reading.figure.name]
        assert value == reading.text and tooltip.startswith(reading.figure.definition)
    assert "Slice" in shown
    headers = [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]
    assert headers[2:] == ["Target mean (3-D)\nV/m", "Focality (3-D)", "Combined (3-D)\nV/m"]
    assert [model.headerData(c, Qt.Horizontal, Qt.ToolTipRole) for c in (2, 3, 4)] == [
        figures.TARGET_MEAN_3D.definition, figures.FOCALITY_3D.definition, figures.COMBINED_3D.definition]
    # The mapped montage's row holds the numbers its tiles show under the same names.
    mapped = next(r for r in range(model.rowCount())
                  if model.row_item(r) == view.result.top_by_focality[0])
    for column, figure in ((2, figures.TARGET_MEAN_3D), (3, figures.FOCALITY_3D)):
        row_value = model.index(mapped, column).data(Qt.UserRole + 1)
        assert figure.text(row_value) == shown[figure.name][0]
    assert view.metrics.montage.toolTip() and view.metrics.montage_caption.toolTip()
    assert "99th percentile" in view.heatmap.toolTip()
    assert view.ranking.note.toolTip()


def test_save_result_writes_the_chosen_files(telemetry_env, qtbot, tmp_path):
    telemetry_env(consent=False)
    tmp_path = tmp_path / "results"  # beside the telemetry home
    tmp_path.mkdir()
    window = make_window(qtbot)
    panel = run_panel(qtbot, window, "sim_ti")
    seen = answer_dialog(QFileDialog, choose_file(tmp_path / "mine"))
    window.save_action.trigger()
    assert seen == ["Save result"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.json", "mine.npz", "mine.png"]
    data = load(tmp_path / "mine")
    shown = tiles(panel.results)
    for key in (figures.TARGET_CENTRE.key, figures.SLICE_PEAK.key, figures.SLICE_FOCALITY.key):
        figure = figures.BY_KEY[key]
        assert figure.text(float(data[key])) == shown[figure.name][0]
    sidecar = json.loads((tmp_path / "mine.json").read_text(encoding="utf-8"))
    assert sidecar["parameters"]["slice"]["size"] == 32       # the run's own parameters
    answer_dialog(QFileDialog, choose_file(tmp_path / "only", "PNG figure (*.png)"))
    window.save_action.trigger()
    assert (tmp_path / "only.png").exists() and not (tmp_path / "only.npz").exists()


def test_save_with_nothing_to_save_says_so(telemetry_env, qtbot):
    telemetry_env(consent=False)
    window = make_window(qtbot)
    window.save_action.trigger()  # no dialog: nothing has run
    assert window.statusBar().currentMessage() == "Nothing to save yet: run the operation first."


def test_a_ranking_can_be_saved_as_csv(telemetry_env, qtbot, tmp_path):
    telemetry_env(consent=False)
    window = make_window(qtbot)
    panel = window.panel("ex_search")
    panel.form.fields[0].edit.setText(", ".join(EX.electrodes))
    result = run_panel(qtbot, window, "ex_search").results.result
    answer_dialog(QFileDialog, choose_file(tmp_path / "ranking", "CSV ranking (*.csv)"))
    window.save_action.trigger()
    lines = (tmp_path / "ranking.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("ranked_by,rank,pair1_anode")
    lists = (result.top_by_envelope, result.top_by_focality, result.top_by_combined)
    assert len(lines) == 1 + sum(len(montages) for montages in lists)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("ranking")) == ["ranking.csv"]


def test_open_result_shows_a_saved_search_in_its_view(telemetry_env, qtbot, tmp_path):
    telemetry_env(consent=False)
    result = ex_search(EX)
    save(result, tmp_path / "ex", EX)
    window = make_window(qtbot)
    assert window.current_panel().spec.name == "sim_ti"
    seen = answer_dialog(QFileDialog, choose_file(tmp_path / "ex.npz"))
    window.open_action.trigger()
    assert seen == ["Open result"]
    panel = window.current_panel()
    assert panel.spec.name == "ex_search" and panel.state.text() == "Opened ex.npz."
    view = panel.results
    np.testing.assert_array_equal(view.heatmap.sim.envelope, result.sim.envelope)
    shown = tiles(view)
    for reading in readings(result):
        assert shown[reading.figure.name][0] == reading.text
    assert view.ranking.model.rowCount() >= EX.top_n
    # Saving what was opened keeps the parameters the file came with.
    assert window.result_files.save(tmp_path / "again", ("json",))
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["parameters"]["electrodes"] == list(EX.electrodes)


def test_opening_a_file_that_is_no_result_warns_and_changes_nothing(telemetry_env, qtbot, tmp_path):
    telemetry_env(consent=False)
    (tmp_path / "junk.npz").write_bytes(b"not an npz")
    window = make_window(qtbot)
    warnings = answer_dialog(QMessageBox, lambda box: box.button(QMessageBox.Ok).click())
    assert not window.result_files.open(tmp_path / "junk.npz")
    assert warnings == ["Open result"]
    assert window.current_panel().results.shown is None


def test_a_file_that_cannot_be_written_is_reported(telemetry_env, qtbot, tmp_path):
    telemetry_env(consent=False)
    window = make_window(qtbot)
    run_panel(qtbot, window, "sim_ti", size=16)
    warnings = answer_dialog(QMessageBox, lambda box: box.button(QMessageBox.Ok).click())
    assert window.result_files.save(tmp_path / "no" / "such" / "folder", ("png", "npz")) == []
    assert warnings == ["Save result"]
    assert QApplication.overrideCursor() is None   # the wait cursor is gone
