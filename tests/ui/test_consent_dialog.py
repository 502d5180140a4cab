"""The first-run consent dialog: asked once, two unbiased answers, saved at once."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication

from tests.ui.conftest import answer_when_shown
from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.telemetry.api import reset_engine
from tit_app.telemetry.testing import stored_events
from tit_app.ui.privacy.catalog_view import CatalogDialog
from tit_app.ui.consent_dialog import TITLE, ConsentDialog, ask_consent, consent_needed


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
    assert dialog.windowTitle() == TITLE == "tit_app — Usage Data"
    dialog.enable_button.click()
    assert dialog.agreed is True and dialog.saved
    assert telemetry.is_enabled()
    assert [e.name for e in stored_events()] == ["first_run"]


@pytest.mark.parametrize("how", ["no_thanks", "escape", "close"])
def test_declining_records_nothing_and_is_remembered(telemetry_env, qtbot, how):
    telemetry_env(consent=None)
    dialog = ConsentDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if how == "no_thanks":
        dialog.no_button.click()
    elif how == "escape":
        qtbot.keyClick(dialog, Qt.Key_Escape)
    else:
        dialog.close()
    assert dialog.agreed is False
    assert not dialog.isVisible()
    assert not telemetry.is_enabled()
    assert api.engine().config().consent_shown
    telemetry.track_event("app_launch")
    assert stored_events() == []


def test_no_default_button_bias(telemetry_env, qtbot):
    telemetry_env(consent=None)
    dialog = ConsentDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for button in (dialog.enable_button, dialog.no_button):
        assert not button.isDefault() and not button.autoDefault()
        assert not button.hasFocus()
    qtbot.keyClick(dialog, Qt.Key_Return)
    assert dialog.agreed is None and dialog.isVisible()  # Enter answers nothing
    dialog.no_button.click()


def test_what_exactly_is_sent_opens_the_catalog(telemetry_env, qtbot):
    telemetry_env(consent=None)
    dialog = ConsentDialog()
    qtbot.addWidget(dialog)
    dialog.details_button.click()
    catalogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, CatalogDialog) and w.isVisible()]
    assert len(catalogs) == 1
    model = catalogs[0].view.table.model()
    assert model.rowCount() == len(api.engine().catalog.events)
    catalogs[0].close()
    dialog.no_button.click()


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
