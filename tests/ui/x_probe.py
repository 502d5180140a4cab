"""Run by test_real_display.py under Xvfb: open the real main window, report how it mapped, quit.

Prints one JSON line: the window's frame and the screen's available geometry (in Qt's
device-independent pixels), whether the window got exposed on the X server, and the pages
wider than the room the window gives them, each with a result of a small run (those
pages would scroll sideways).
"""

from __future__ import annotations

import json
import sys

from PyQt5.QtCore import QTimer
from PyQt5.QtWidgets import QApplication, QScrollArea

from tit_app.ui.qt_app import application
from tit_app.ui.shell import DesktopShell

WAIT_MS = 10_000


def main() -> int:
    app = application()
    shell = DesktopShell()
    shell.start()
    window = shell.show_window()
    waited = {"ms": 0}

    def report() -> None:
        handle = window.windowHandle()
        if not (handle and handle.isExposed()) and waited["ms"] < WAIT_MS:
            waited["ms"] += 50
            QTimer.singleShot(50, report)
            return
        for panel in window.panels:
            next(f for f in panel.form.fields if f.label == "Slice").size.setValue(32)
            panel.run()
            while panel.is_running():
                QApplication.processEvents()
            QApplication.processEvents()
        room_for_pages = window.findChild(QScrollArea, "pageArea").viewport().width()
        too_wide = [p.spec.name for p in window.panels if p.minimumSizeHint().width() > room_for_pages]
        frame, room = window.frameGeometry(), window.screen().availableGeometry()
        print(json.dumps({"platform": app.platformName(), "exposed": bool(handle and handle.isExposed()),
                          "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                          "available": [room.x(), room.y(), room.width(), room.height()],
                          "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
                          "too_wide": too_wide}))
        window.close()
        app.quit()

    QTimer.singleShot(0, report)
    app.aboutToQuit.connect(shell.shutdown)
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
