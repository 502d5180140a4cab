"""The consent dialog: the generated notice, asked once (and again when more can leave), two unbiased answers."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication

from tests.ui.conftest import (
    PLUGIN_EVENTS,
    answer_when_shown,
    fast_intervals,
    wait_for_tasks,
    write_destinations,
    write_policy,
)
from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.telemetry.api import reset_engine
from tit_app.telemetry.testing import stored_events
from tit_app.ui.consent_dialog import REASK_TITLE, TITLE, ConsentDialog, ask_consent, consent_needed
from tit_app.ui.privacy.catalog_view import CatalogDialog
from tit_app.ui.shell import DesktopShell
from tit_app.ui.widgets import WINDOW_FRAME_ALLOWANCE


def open_dialog(qtbot) -> ConsentDialog:
    dialog = ConsentDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.setActiveWindow(dialog)  # the keyboard focus is shown and followed only in the active window
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def test_the_dialog_is_asked_exactly_once(telemetry_env):
    telemetry_env(consent=None)
    assert consent_needed()
    answer_when_shown("no_button")
    assert ask_consent() is False
    assert not consent_needed()
    assert ask_consent() is None  # returns at once: nothing is shown the second time
    reset_engine()  # a new session reads the saved answer
    assert not consent_needed()


def test_enable_records_first_run_and_enables(telemetry_env, qtbot):
    telemetry_env(consent=None)
    dialog = ConsentDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == TITLE == "Usage Data — tit_app"
    dialog.enable_button.click()
    wait_for_tasks(qtbot)
    assert dialog.agreed is True and dialog.saved
    assert telemetry.is_enabled()
    assert [e.name for e in stored_events()] == ["first_run"]
    receipt = telemetry.consent_receipt()
    assert receipt.via == "dialog" and receipt.level == "usage"


@pytest.mark.parametrize("how", ["no_thanks", "escape", "close"])
def test_declining_records_nothing_and_is_remembered(telemetry_env, qtbot, how):
    telemetry_env(consent=None)
    dialog = ConsentDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if how == "no_thanks":
        dialog.no_button.click()
        wait_for_tasks(qtbot)
    elif how == "escape":
        qtbot.keyClick(dialog, Qt.Key_Escape)
        wait_for_tasks(qtbot)
    else:
        dialog.close()
        wait_for_tasks(qtbot)
    assert dialog.agreed is False
    assert not dialog.isVisible()
    assert not telemetry.is_enabled()
    assert api.engine().consent.config().consent_shown
    telemetry.track_event("app_launch")
    assert stored_events() == []


def visible_catalogs() -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CatalogDialog) and w.isVisible()]


def test_no_default_button_bias(telemetry_env, qtbot):
    telemetry_env(consent=None)
    dialog = open_dialog(qtbot)
    for button in (dialog.enable_button, dialog.no_button):
        assert not button.isDefault() and not button.autoDefault()
        assert not button.hasFocus()
    assert dialog.details_button.hasFocus()  # the focus starts on neither answer
    qtbot.keyClick(dialog.details_button, Qt.Key_Return)
    assert dialog.agreed is None and dialog.isVisible()  # Enter answers nothing ...
    catalogs = visible_catalogs()
    assert len(catalogs) == 1  # ... it presses the focused link, which opens the catalog
    catalogs[0].close()
    dialog.text_area.setFocus()
    qtbot.keyClick(dialog.text_area, Qt.Key_Return)
    assert dialog.agreed is None and dialog.isVisible() and not visible_catalogs()  # no button focused: nothing
    dialog.no_button.click()
    wait_for_tasks(qtbot)


@pytest.mark.parametrize("key", [Qt.Key_Return, Qt.Key_Enter])
@pytest.mark.parametrize(("button", "agreed"), [("no_button", False), ("enable_button", True)])
def test_enter_presses_the_focused_button(telemetry_env, qtbot, key, button, agreed):
    telemetry_env(consent=None)
    dialog = open_dialog(qtbot)
    target = getattr(dialog, button)
    for _ in range(5):  # Tab to it, as a keyboard user does
        if target.hasFocus():
            break
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Tab)
    assert target.hasFocus()
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(target, key)
    assert dialog.agreed is agreed and not dialog.isVisible()
    assert telemetry.is_enabled() is agreed


def test_the_link_focused_at_first_shows_its_focus(telemetry_env, qtbot):
    telemetry_env(consent=None)
    dialog = open_dialog(qtbot)
    link = dialog.details_button
    assert link.hasFocus()
    focused = link.grab().toImage()
    dialog.no_button.setFocus()
    unfocused = link.grab().toImage()
    # A frame around the link, not just a shade darker text: its top edge is drawn only while focused.
    assert {unfocused.pixel(x, 0) for x in range(unfocused.width())} == {unfocused.pixel(0, 0)}
    assert {focused.pixel(x, 0) for x in range(focused.width())} != {unfocused.pixel(0, 0)}
    dialog.no_button.click()
    wait_for_tasks(qtbot)


def test_what_exactly_is_sent_opens_the_catalog(telemetry_env, qtbot):
    telemetry_env(consent=None)
    dialog = ConsentDialog()
    qtbot.addWidget(dialog)
    dialog.details_button.click()
    catalogs = visible_catalogs()
    assert len(catalogs) == 1
    model = catalogs[0].view.table.model()
    assert model.rowCount() == len(api.engine().catalog.events)
    catalogs[0].close()
    dialog.no_button.click()
    wait_for_tasks(qtbot)


def test_not_asked_when_a_kill_switch_decides(telemetry_env):
    telemetry_env(consent=None, env={"DO_NOT_TRACK": "1"})
    assert not consent_needed()
    assert ask_consent() is None


def test_an_unsaved_answer_holds_for_the_session_and_says_so(telemetry_env, tmp_path, qtbot):
    telemetry_env(consent=None)
    (tmp_path / "home").mkdir(exist_ok=True)
    (tmp_path / "home" / "config").write_text("not a directory")  # the config file cannot be written
    from tit_app.ui.shell import NOT_SAVED, DesktopShell

    shell = DesktopShell()
    shell.start()
    try:
        answer_when_shown("enable_button")
        assert shell.ask_consent() is True
        assert telemetry.is_enabled()  # kept for this session
        assert not consent_needed()  # and never asked again in it
        window = shell.show_window()
        qtbot.addWidget(window)
        assert window.statusBar().currentMessage() == NOT_SAVED
    finally:
        shell.shutdown()


def test_the_core_prompt_uses_this_dialog(telemetry_env):
    telemetry_env(consent=None)
    answer_when_shown("enable_button")
    assert telemetry.consent_prompt_gui() is True
    assert telemetry.is_enabled()


# -- the notice: generated for this installation ------------------------------------------


def test_without_a_destination_the_notice_says_events_stay_here(telemetry_env, qtbot):
    telemetry_env(consent=None)
    dialog = open_dialog(qtbot)
    assert dialog.text() == telemetry.consent_notice()  # nothing hand-written in between
    assert "stay on this computer" in dialog.text()
    assert "Example Lab" not in dialog.text()
    dialog.no_button.click()
    wait_for_tasks(qtbot)


def test_a_configured_recipient_is_named_and_recorded_in_the_receipt(telemetry_env, telemetry_home, qtbot):
    write_destinations(telemetry_home, "http://127.0.0.1:9/events", "Example Lab")  # before anyone agreed
    telemetry_env(consent=None)
    dialog = open_dialog(qtbot)
    assert "Example Lab" in dialog.text()
    assert "stay on this computer" not in dialog.text()
    dialog.enable_button.click()
    wait_for_tasks(qtbot)
    assert any("Example Lab" in item for item in telemetry.consent_receipt().scope)


def test_under_an_errors_policy_the_dialog_describes_error_reports_only(telemetry_env, telemetry_home, qtbot):
    write_policy(telemetry_home, "errors")
    telemetry_env(consent=None)
    assert consent_needed()  # a policy that caps still lets the user answer
    dialog = open_dialog(qtbot)
    text = dialog.text()
    assert "error reports" in text and "administrator allows error reports only" in text
    assert "usage statistics" not in text.lower()
    dialog.enable_button.click()
    wait_for_tasks(qtbot)
    decision = telemetry.decision()
    assert decision.enabled and decision.level == "errors"
    assert telemetry.consent_receipt().level == "errors"


def test_nothing_is_asked_under_a_policy_of_off(telemetry_env, telemetry_home):
    write_policy(telemetry_home, "off")
    telemetry_env(consent=None)
    assert not consent_needed()
    assert ask_consent() is None
    shell = DesktopShell(fast_intervals())
    shell.start()
    try:
        assert shell.ask_consent() is None
    finally:
        shell.shutdown()


def test_the_dialog_fits_the_screen_and_its_text_scrolls_to_the_end(telemetry_env, qtbot):
    telemetry_env(consent=None)
    telemetry.register_events(PLUGIN_EVENTS)  # a longer notice
    dialog = open_dialog(qtbot)
    room = dialog.screen().availableGeometry()  # 800 × 600 offscreen: smaller than 1024 × 700
    assert dialog.width() <= room.width()
    assert dialog.height() + WINDOW_FRAME_ALLOWANCE <= room.height()
    assert dialog.text_area.verticalScrollBar().maximum() > 0  # the notice is longer than the room
    label = dialog.text_area.widget().findChild(object, "consentText")
    assert label.height() >= label.heightForWidth(label.width())  # no line is cut off at the end
    dialog.no_button.click()
    wait_for_tasks(qtbot)


# -- asking again when more can leave ---------------------------------------------------------


def test_a_grown_catalog_asks_again_with_what_is_new(telemetry_env, qtbot):
    telemetry_env(consent=True)
    assert not consent_needed()
    telemetry.register_events(PLUGIN_EVENTS)
    assert consent_needed()
    assert telemetry.decision().decided_by == "review"  # paused until the answer
    dialog = open_dialog(qtbot)
    assert dialog.windowTitle() == REASK_TITLE
    assert dialog.changes == telemetry.consent_changes_notice() != ""
    assert "plugin_used" in dialog.changes and "A plug-in ran." in dialog.changes
    assert dialog.text().endswith(telemetry.consent_notice())  # the whole notice follows what changed
    dialog.enable_button.click()
    wait_for_tasks(qtbot)
    decision = telemetry.decision()
    assert decision.enabled and decision.decided_by == "user"
    assert not consent_needed()
    receipt = telemetry.consent_receipt()
    assert receipt.via == "dialog" and "event:plugin_used" in receipt.scope
    telemetry.track_event("plugin_used", {"n_items": 3})
    assert "plugin_used" in [e.name for e in stored_events()]


def test_no_thanks_when_asked_again_turns_sharing_off(telemetry_env, qtbot):
    telemetry_env(consent=True)
    telemetry.register_events(PLUGIN_EVENTS)
    dialog = open_dialog(qtbot)
    qtbot.keyClick(dialog, Qt.Key_Escape)  # Esc means No Thanks here too
    wait_for_tasks(qtbot)
    assert dialog.agreed is False
    assert not telemetry.is_enabled() and telemetry.decision().decided_by == "user"
    assert telemetry.client_id() is None  # opting out deletes the anonymous id
    assert not consent_needed()


def test_the_desktop_asks_again_at_start(telemetry_env, qtbot):
    telemetry_env(consent=True)
    telemetry.register_events(PLUGIN_EVENTS)
    shell = DesktopShell(fast_intervals())
    shell.start()
    try:
        seen = []
        answer_when_shown("enable_button", seen)
        assert shell.ask_consent() is True
        title, text = seen[0]
        assert title == REASK_TITLE and "plugin_used" in text
        assert telemetry.is_enabled() and not consent_needed()
    finally:
        shell.shutdown()
