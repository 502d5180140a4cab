"""Start-up loads only what the first window needs; the other pages are built when first shown.

The module check runs the real desktop start-up in a fresh interpreter (offscreen): when
the main window is shown, neither the HTTP stack, the keyring nor the Privacy page has
been imported, and only the visible operation page exists. The telemetry worker, which
loads the destinations, starts after that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tit_app.ui.operations import OPERATIONS
from tit_app.ui.operations.panel import OperationPanel

from .conftest import fast_intervals

LATER = ("requests", "urllib3", "keyring", "tit_app.ui.settings_dialog", "tit_app.ui.privacy.page")

START_UP = """
import json, sys
from tit_app import telemetry
telemetry.set_enabled(True)  # a returning user: no consent dialog
from tit_app.ui.main_window import MainWindow
from tit_app.ui.operations.panel import OperationPanel
from tit_app.ui.qt_app import application
from tit_app.ui.shell import DesktopShell

seen = {}
show_event = MainWindow.showEvent
def noting_show_event(window, event):
    seen.setdefault("loaded", [m for m in %r if m in sys.modules])
    seen.setdefault("pages", len(window.findChildren(OperationPanel)))
    show_event(window, event)
MainWindow.showEvent = noting_show_event

application()
shell = DesktopShell()
shell.start()
shell.ask_consent()
window = shell.show_window()
shell.shutdown()
window.close()
print(json.dumps(seen))
""" % (LATER,)


def test_the_first_window_is_shown_before_the_http_stack_and_the_privacy_page_load(telemetry_home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIT_", "OTEL_")) and k != "DO_NOT_TRACK"}
    env.update(TIT_HOME=str(telemetry_home), TIT_POLICY_FILE=str(telemetry_home / "policy.toml"),
               TIT_JSON_ENDPOINT="http://127.0.0.1:9/events", QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run([sys.executable, "-c", START_UP], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"loaded": [], "pages": 1}


def test_pages_are_built_when_first_shown_and_all_work(telemetry_env, qtbot):
    from tit_app.ui.delivery.service import TelemetryService
    from tit_app.ui.main_window import MainWindow

    telemetry_env(consent=False)
    window = MainWindow(TelemetryService(fast_intervals()))  # not started: this test needs no delivery
    qtbot.addWidget(window)
    assert len(window.findChildren(OperationPanel)) == 1
    assert window.current_panel().spec.name == OPERATIONS[0].name
    window.operations.setCurrentRow(2)
    assert window.stack.currentWidget() is window.current_panel()
    assert window.current_panel().spec.name == OPERATIONS[2].name
    assert len(window.findChildren(OperationPanel)) == 2
    assert [p.spec.name for p in window.panels] == [spec.name for spec in OPERATIONS]
    assert window.panel("sim_mti") is window.panels[[s.name for s in OPERATIONS].index("sim_mti")]
    assert window.stack.currentWidget().spec.name == OPERATIONS[2].name  # building the rest left the view alone
    assert window.running_panels() == []
