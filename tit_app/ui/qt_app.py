"""The one QApplication: created once, configured with the app's name, icon, style and GIL switch interval."""

from __future__ import annotations

import sys

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication

from tit_app.ui import assets

APP_NAME = "tit-app"
# A shorter GIL switch interval lets the GUI thread in sooner while a worker thread
# computes in Python, which is what keeps timers and repaints on time.
SWITCH_INTERVAL_S = 0.001


def configure_application(app: QApplication) -> None:
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("tit_app")
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(assets.app_icon())
    app.setStyle("Fusion")  # the same look on every platform, and the base the style sheet assumes
    app.setStyleSheet(assets.style_sheet())
    sys.setswitchinterval(SWITCH_INTERVAL_S)


_CONFIGURED = "titAppConfigured"
_created: list[QApplication] = []  # the one we made, kept alive: Python must not collect it


def application() -> QApplication:
    """The QApplication, created if it does not exist yet and configured once."""
    app = QApplication.instance()
    if app is None:
        # These only take effect before the QApplication exists.
        QApplication.setAttribute(Qt.AA_EnableHighDpiScaling, True)
        QApplication.setAttribute(Qt.AA_UseHighDpiPixmaps, True)
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
        _created.append(app)
    if not app.property(_CONFIGURED):  # once: the style sheet alone costs ~20 ms of the GUI thread
        configure_application(app)
        app.setProperty(_CONFIGURED, True)
    return app
