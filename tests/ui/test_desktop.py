"""The main window as a desktop user meets it: small screens, runs on other pages, quitting, the keyboard."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import QSize, Qt, QTimer
from PyQt5.QtWidgets import QApplication, QMessageBox, QScrollArea

from tests.ui.conftest import set_slice_size
from tit_app.ui.delivery.service import TelemetryService
from tit_app.ui.main_window import MainWindow
from tit_app.ui.running import RUNNING_MARK
from tit_app.ui.widgets import WINDOW_FRAME_ALLOWANCE

SMALL_SCREEN = QSize(1024, 700)
# The window resize_to_fit makes there: room for the frame and title bar a window manager adds.
ON_SMALL_SCREEN = QSize(1024 - 16, 700 - WINDOW_FRAME_ALLOWANCE)


@pytest.fixture
def window(telemetry_env, qtbot):
    telemetry_env(consent=False)
    main = MainWindow(TelemetryService())  # not started: these tests need no delivery
    yield main
    # Closed here, not by qtbot (which closes before fixtures end): with a run left on, closing would ask.
    for panel in main.running_panels():
        assert panel.stop(5.0)
    main.close()
    main.deleteLater()


def run_to_end(qtbot, panel, size: int = 32) -> None:
    set_slice_size(panel, size)
    assert panel.run()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=20_000)


def start_long_run(qtbot, panel) -> None:
    set_slice_size(panel, 1024)  # busy for seconds
    assert panel.run()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=10_000)


def answer_message_box(button_text: str, seen: list) -> None:
    """Click `button_text` in the next QMessageBox (exec_ blocks the caller)."""

    def click() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(10, click)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(0, click)


# -- small screens ---------------------------------------------------------------------------


def test_a_result_never_resizes_the_window_and_it_can_be_as_small_as_1024_by_700(window, qtbot):
    """Whether each page fits without scrolling depends on the fonts: test_real_display.py
    checks that on a real X server; offscreen fonts are wider than any desktop's."""
    window.resize(ON_SMALL_SCREEN)
    window.show()
    qtbot.waitExposed(window)
    for row, panel in enumerate(window.panels):
        window.operations.setCurrentRow(row)
        run_to_end(qtbot, panel)
        QApplication.processEvents()
        assert window.size() == ON_SMALL_SCREEN, panel.spec.name  # a result never widens the window
    assert window.minimumSizeHint().width() <= SMALL_SCREEN.width()
    assert window.minimumSizeHint().height() <= SMALL_SCREEN.height()


def test_the_ranking_fits_its_width_and_a_long_choice_does_not_widen_the_form(window, qtbot):
    window.resize(ON_SMALL_SCREEN)
    window.show()
    qtbot.waitExposed(window)
    search = window.panel("ex_search")
    window.operations.setCurrentRow(window.panels.index(search))
    run_to_end(qtbot, search)
    table = search.results.ranking.table
    columns = table.horizontalHeader()
    qtbot.waitUntil(lambda: columns.length() == table.viewport().width())  # the columns share the width
    assert table.horizontalScrollBar().maximum() == 0
    assert columns.defaultAlignment() & Qt.TextWordWrap  # a narrow score column wraps its name
    head_model = next(f for f in search.form.fields if f.label == "Head model").box
    longest = max(head_model.fontMetrics().horizontalAdvance(head_model.itemText(i))
                  for i in range(head_model.count()))
    narrowest = max(head_model.minimumSizeHint().width(), head_model.minimumWidth())
    assert narrowest < longest  # the open list shows "Homogeneous" in full; the form need not


def test_a_first_window_opens_within_the_available_screen(window):
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()


# -- runs across pages ----------------------------------------------------------------------


def test_a_run_on_a_hidden_page_shows_in_the_sidebar_and_the_status_bar(window, qtbot):
    search = window.panel("ex_search")
    window.operations.setCurrentRow(window.panels.index(search))
    start_long_run(qtbot, search)
    window.operations.setCurrentRow(0)  # the user looks at another page
    item = window.operations.item(window.panels.index(search))
    assert item.text() == search.spec.title + RUNNING_MARK
    assert item.data(Qt.AccessibleTextRole) == "Exhaustive search, running"
    assert window.running.label.isVisibleTo(window) and window.running.label.text().startswith(
        "Running: Exhaustive search (")
    search.cancel()
    qtbot.waitUntil(lambda: not search.is_running(), timeout=5000)
    assert item.text() == search.spec.title and not window.running.label.isVisibleTo(window)


def test_a_second_operation_is_refused_with_the_reason(window, qtbot):
    first, second = window.panel("sim_mti"), window.panel("sim_ti")
    start_long_run(qtbot, first)
    assert not second.run_button.isEnabled()
    assert "One operation runs at a time" in second.run_button.toolTip()
    window.operations.setCurrentRow(window.panels.index(second))
    window.run_action.trigger()  # Ctrl+R
    assert not second.is_running()
    assert second.state.text().startswith("Simulate mTI is running. One operation runs at a time")
    first.cancel()
    qtbot.waitUntil(lambda: not first.is_running(), timeout=5000)
    assert second.run_button.isEnabled() and second.run()


def test_esc_cancels_the_visible_page_and_says_what_it_cancels(window, qtbot):
    search = window.panel("ex_search")
    window.operations.setCurrentRow(window.panels.index(search))
    start_long_run(qtbot, search)
    window.operations.setCurrentRow(0)
    assert window.cancel_action.text() == "&Cancel"
    window.cancel_action.trigger()  # Esc on a page where nothing runs
    assert search.is_running()
    assert "Nothing runs on this page; Exhaustive search" in window.statusBar().currentMessage()
    window.operations.setCurrentRow(window.panels.index(search))
    assert window.cancel_action.text() == "&Cancel Exhaustive search"
    window.cancel_action.trigger()
    assert window.statusBar().currentMessage() == "Cancelling Exhaustive search…"
    qtbot.waitUntil(lambda: not search.is_running(), timeout=5000)
    assert search.state.text() == "Cancelled."


def test_quitting_during_a_run_asks_first(window, qtbot):
    window.show()
    panel = window.panel("sim_mti")
    start_long_run(qtbot, panel)
    seen: list = []
    answer_message_box("Keep running", seen)
    window.quit_action.trigger()  # Ctrl+Q
    assert window.isVisible() and panel.is_running()
    assert len(seen) == 1 and seen[0].startswith("Simulate mTI (") and "Quitting cancels it" in seen[0]
    answer_message_box("Cancel the run and quit", seen)
    window.quit_action.trigger()
    assert not window.isVisible()


def test_quitting_with_nothing_running_does_not_ask(window, qtbot):
    window.show()
    window.quit_action.trigger()
    assert not window.isVisible()


def test_the_old_result_is_marked_stale_while_a_new_run_is_in_progress(window, qtbot):
    search = window.panel("ex_search")
    candidates = search.form.fields[0].edit
    default_candidates = candidates.text()
    candidates.setText("F7 F8 P7 P8 T7 T8 Cz Oz")
    run_to_end(qtbot, search)
    ranking = search.results.ranking
    ranking.table.selectRow(0)
    assert ranking.open_button.isEnabled() and not search.stale_note.isVisibleTo(search)
    candidates.setText(default_candidates)  # a longer search
    start_long_run(qtbot, search)
    assert search.stale_note.isVisibleTo(search) and search.stale_note.text().startswith("Previous result")
    assert not ranking.open_button.isEnabled() and "previous run" in ranking.open_button.toolTip()
    ranking.table.activated.emit(ranking.proxy.index(0, 0))  # Return or a double click on a stale row
    assert not window.panel("sim_ti").is_running()
    search.cancel()
    qtbot.waitUntil(lambda: not search.is_running(), timeout=5000)
    assert not search.stale_note.isVisibleTo(search) and ranking.open_button.isEnabled()


# -- keyboard ---------------------------------------------------------------------------------


def test_tab_leaves_the_ranking_and_return_opens_a_row(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    search = window.panel("ex_search")
    window.operations.setCurrentRow(window.panels.index(search))
    search.form.fields[0].edit.setText("F7 F8 P7 P8 T7 T8 Cz Oz")
    run_to_end(qtbot, search)
    table = search.results.ranking.table
    window.activateWindow()
    table.setFocus(Qt.TabFocusReason)
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    qtbot.keyClick(table, Qt.Key_Tab)
    assert not table.hasFocus()  # not cell by cell
    best = table.model().index(1, 0).data(Qt.UserRole + 2)
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, Qt.Key_Down)
    qtbot.keyClick(table, Qt.Key_Return)
    sim = window.panel("sim_ti")
    assert window.current_panel() is sim and sim.is_running()
    assert sim.form.values()["pair1"] == best.pair1
    qtbot.waitUntil(lambda: not sim.is_running(), timeout=10_000)


def test_scroll_areas_are_no_tab_stops(window):
    areas = window.findChildren(QScrollArea)
    assert areas and all(area.focusPolicy() == Qt.NoFocus for area in areas)


def test_an_error_names_the_field_as_the_form_shows_it(window):
    panel = window.panel("sim_ti")
    pair1, pair2 = panel.form.fields[0], panel.form.fields[1]
    pair2.anode.setText(pair1.anode.text())
    assert not panel.run()
    text = panel.form.error_text()
    assert "already used by Pair 1 anode" in text and "pair1.anode" not in text


def test_the_target_row_shows_its_unit(window):
    target = next(f for f in window.panel("sim_ti").form.fields if f.label == "Target")
    assert "mm" in [label.text() for label in target.widget.findChildren(type(window.running.label))]
