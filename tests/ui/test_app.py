"""The desktop session end to end: start-up order, the main window, quitting, screenshots."""

from __future__ import annotations

import threading

import pytest
from PyQt5.QtGui import QKeySequence
from PyQt5.QtWidgets import QApplication

from tests.ui.conftest import answer_when_shown, fast_intervals, set_slice_size
from tit_app import telemetry
from tit_app.telemetry import api
from tit_app import paths
from tit_app.telemetry.testing import stored_events
from tit_app.ui.privacy.catalog_view import CatalogDialog
from tit_app.ui.session import SessionTracker
from tit_app.ui.shell import DesktopShell


@pytest.fixture
def shell(telemetry_env, qtbot):
    shells = []

    def start(consent=True):
        telemetry_env(consent=consent)
        new = DesktopShell(fast_intervals())
        new.start()
        shells.append(new)
        return new

    yield start
    for started in shells:
        started.shutdown()
        if started.window is not None:
            started.window.close()


def test_start_up_and_quit_in_the_required_order(shell, qtbot):
    app_shell = shell(consent=True)
    eng = api.engine()
    assert eng.external_driver and eng.driver is app_shell.service and eng.interface == "gui"
    window = app_shell.show_window()
    qtbot.waitUntil(lambda: app_shell.service.snapshot.pending_total == 2, timeout=5000)  # first_run, app_launch
    app_shell.shutdown()
    assert not app_shell.service.is_running()
    assert not any(t.name == "tit-telemetry" for t in threading.enumerate())  # the headless driver never ran
    events = stored_events()
    assert [e.name for e in events] == ["first_run", "app_launch", "app_close"]
    assert events[-1].params["session_duration_s"] >= 0
    assert {e.system["interface"] for e in events[1:]} == {"gui"}
    window.close()


def test_a_first_yes_counts_this_launch(shell):
    app_shell = shell(consent=None)
    answer_when_shown("enable_button")
    assert app_shell.ask_consent() is True
    app_shell.show_window()
    api.engine().persist()
    assert [e.name for e in stored_events()] == ["first_run", "app_launch"]


def test_menus_shortcuts_and_the_status_item(shell, qtbot):
    window = shell().show_window()
    shortcuts = {action.text(): [s.toString() for s in action.shortcuts()] for action in window.actions()}
    assert shortcuts["&Run"] == ["Ctrl+R"]
    assert shortcuts["&Cancel"] == ["Esc", "Ctrl+."]
    assert shortcuts["&Quit"] == ["Ctrl+Q"]
    assert shortcuts["&Privacy…"] == [QKeySequence("Ctrl+,").toString()]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Operation", "&Settings", "&Help"]
    window.status_item.click()
    assert window.settings_dialog.isVisible()
    assert window.settings_dialog.stack.currentWidget() is window.settings_dialog.privacy_page
    window.settings_dialog.close()
    window.catalog_action.trigger()
    catalogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, CatalogDialog) and w.isVisible()]
    assert len(catalogs) == 1
    catalogs[0].close()


def test_run_and_cancel_from_the_keyboard_actions(shell, qtbot):
    window = shell().show_window()
    window.operations.setCurrentRow(1)  # Simulate mTI
    panel = window.current_panel()
    set_slice_size(panel, 1024)
    window.run_action.trigger()
    assert panel.is_running()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=10_000)
    window.cancel_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=5000)
    assert [e.params["status"] for e in stored_events() if e.name == "sim_mti"] == ["start", "cancelled"]


def test_window_geometry_is_remembered_inside_the_home(shell, qtbot):
    app_shell = shell()
    window = app_shell.show_window()
    window.resize(1300, 760)
    window.close()
    assert (paths.config_dir() / "window.ini").is_file()
    from tit_app.ui.main_window import MainWindow

    again = MainWindow(app_shell.service)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (1300, 760)


def test_the_heartbeat_reports_uptime(telemetry_env):
    telemetry_env(consent=True)
    tracker = SessionTracker()
    tracker.start()
    tracker.heartbeat()
    tracker.close()
    tracker.close()  # quitting twice records one close
    names = [e.name for e in stored_events()]
    assert names == ["first_run", "app_launch", "heartbeat", "app_close"]
    assert isinstance(stored_events()[2].params["uptime_h"], float)


def test_screenshots_render_in_a_sandbox(telemetry_env, tmp_path):
    telemetry_env(consent=None)
    from tit_app.ui.app import run_app

    out = tmp_path / "shots"
    assert run_app(screenshot_dir=str(out)) == 0
    names = {p.name for p in out.glob("*.png")}
    assert {"main-window.png", "consent-dialog.png", "consent-dialog-recipient.png", "consent-reask.png",
            "privacy-page.png", "privacy-page@2x.png", "privacy-pending.png"} <= names
    assert all(p.stat().st_size > 5000 for p in out.glob("*.png"))
    assert not api.engine().consent.config().consent_shown  # the user's own settings were not touched
    assert telemetry.pending() == []
