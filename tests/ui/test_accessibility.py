"""Every widget the keyboard can reach has a name a screen reader says and shows that it has the focus.

Each window and dialog is shown, each of its pages in turn; every visible, enabled widget
that takes Tab focus is checked: its accessible name (as Qt's accessibility layer reports
it, so a button's text and a buddy label count) is not empty, and it looks different focused and unfocused.
"""

from __future__ import annotations

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QLabel, QTabBar, QWidget

from tit_app.ui.consent_dialog import ConsentDialog
from tit_app.ui.delivery.service import TelemetryService
from tit_app.ui.main_window import MainWindow
from tit_app.ui.privacy.catalog_view import CatalogDialog
from tit_app.ui.settings_dialog import SettingsDialog


def keyboard_stops(window: QWidget) -> list[QWidget]:
    stops = []
    for widget in window.findChildren(QWidget):
        if not (widget.focusPolicy() & Qt.TabFocus) or not widget.isVisibleTo(window) or not widget.isEnabled():
            continue
        if isinstance(widget.parent(), QAbstractSpinBox) or widget.focusProxy() is not None:
            continue  # a spin box's own line edit, or a tab widget that hands the focus to its tab bar
        stops.append(widget)
    return stops


def spoken_name(widget: QWidget) -> str:
    """What Qt's accessibility layer reports as the name (PyQt5 does not expose QAccessible itself):
    the accessible name, else a button's own text, else the text of the label it is the buddy of."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text():
        return widget.text().replace("&", "")
    if isinstance(widget, QTabBar):  # the focus is on the current tab, named by its text
        return widget.tabText(widget.currentIndex()).replace("&", "")
    buddies = [label for label in widget.window().findChildren(QLabel) if label.buddy() is widget]
    return buddies[0].text().replace("&", "") if buddies else ""


def looks_focused(widget: QWidget) -> bool:
    """The widget's picture changes when it gets the keyboard focus."""
    widget.window().setFocus(Qt.OtherFocusReason)
    widget.clearFocus()
    QApplication.processEvents()
    without = widget.grab().toImage()
    widget.setFocus(Qt.TabFocusReason)
    QApplication.processEvents()
    assert widget.hasFocus(), f"{describe(widget)} did not take the focus"
    return widget.grab().toImage() != without


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} {spoken_name(widget)!r}"


def check(window: QWidget, qtbot) -> list[str]:
    window.show()
    qtbot.waitExposed(window)
    QApplication.setActiveWindow(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    problems = []
    for widget in keyboard_stops(window):
        if not (widget.isEnabled() and widget.isVisibleTo(window)):
            continue  # state arriving from the telemetry worker turned it off meanwhile: no stop any more
        if not spoken_name(widget).strip():
            problems.append(f"{describe(widget)} has no accessible name")
        if not looks_focused(widget):
            problems.append(f"{describe(widget)} shows no focus")
    return problems


@pytest.fixture
def service(telemetry_env):
    telemetry_env(consent=True)
    return TelemetryService()  # not started: nothing here sends


def test_every_page_of_the_main_window(service, qtbot):
    window = MainWindow(service)
    qtbot.addWidget(window)
    problems = []
    for row in range(window.operations.count()):
        window.operations.setCurrentRow(row)
        problems += check(window, qtbot)
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("make", [
    pytest.param(lambda service: SettingsDialog(service), id="settings"),
    pytest.param(lambda service: ConsentDialog(), id="consent"),
    pytest.param(lambda service: CatalogDialog(), id="catalog"),
])
def test_every_dialog(service, qtbot, make):
    dialog = make(service)
    qtbot.addWidget(dialog)
    problems = check(dialog, qtbot)
    assert not problems, "\n".join(problems)


def test_window_titles_name_the_app_once(service, qtbot):
    """X11 appends " — tit_app" to a title that does not end in it; none may then say it twice."""
    windows = [MainWindow(service), SettingsDialog(service), ConsentDialog(), CatalogDialog()]
    for window in windows:
        qtbot.addWidget(window)
        title = window.windowTitle()
        shown = title if title.endswith("tit_app") else f"{title} — tit_app"
        assert shown.count("tit_app") == 1, title
