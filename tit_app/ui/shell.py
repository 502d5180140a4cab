"""The desktop session from start to quit, in the order docs/architecture.md describes.

start: interface "gui", the GUI's delivery driver attached before anything is tracked (so
the headless thread never starts here). Then the consent
question if it is open (never answered, or asked again because more can leave than the
user agreed to; never under a policy of "off" or a kill switch), then app_launch, the
main window, and only then the SendWorker's thread, so its loading of the destinations and
the HTTP stack does not compete with building the window. Quit: app_close,
cancel running operations, and a telemetry shutdown that stores what is pending and sends
for at most SHUTDOWN_BUDGET_S (what is not sent stays queued), so Quit ends the process
within about 0.3 s.
"""

from __future__ import annotations

import gc

from PyQt5.QtCore import QObject

from tit_app import telemetry
from tit_app.ui import consent_dialog
from tit_app.ui.consent_dialog import ConsentDialog, consent_needed
from tit_app.ui.main_window import MainWindow
from tit_app.ui.delivery.send_worker import Intervals
from tit_app.ui.session import SessionTracker
from tit_app.ui.delivery.service import TelemetryService

OPERATION_STOP_S = 0.5
SHUTDOWN_BUDGET_S = 0.2
NOT_SAVED = "Your usage-statistics choice could not be saved; it applies until you quit."


class DesktopShell(QObject):
    def __init__(self, intervals: Intervals = Intervals(), parent=None) -> None:
        super().__init__(parent)
        self._intervals = intervals
        self.service: TelemetryService | None = None
        self.session = SessionTracker(self)
        self.window: MainWindow | None = None
        self._startup_message = ""
        self._stopped = False

    def start(self) -> None:
        telemetry.set_interface("gui")
        consent_dialog.register()
        self.service = TelemetryService(self._intervals)
        # The driver from now on, so the headless thread never starts here; its thread (which
        # loads the destinations and the HTTP stack) starts once the window is up.
        telemetry.attach_driver(self.service)

    def ask_consent(self) -> bool | None:
        """The consent dialog, while the question is open and the user's to answer (it may be asking again)."""
        if not consent_needed():
            return None
        dialog = ConsentDialog()
        dialog.exec_()
        if not dialog.saved:
            self._startup_message = NOT_SAVED
        return dialog.agreed

    def show_window(self) -> MainWindow:
        self.session.start()  # after the consent question, so a first "yes" counts this launch
        self.window = MainWindow(self.service)
        self.window.show()
        self.service.start()
        if self._startup_message:
            self.window.show_message(self._startup_message, 0)
        # Everything built so far lives for the whole session: move it out of the cyclic
        # collector's way, so a full collection (which holds the GIL) stays short.
        gc.collect()
        gc.freeze()
        return self.window

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.session.close()
        for panel in self.window.running_panels() if self.window is not None else ():
            panel.stop(OPERATION_STOP_S)
        if self.service is not None:
            self.service.shutdown(SHUTDOWN_BUDGET_S)
