"""Run by test_real_display.py under Xvfb: open the real main window, report how it mapped, quit.

Prints one JSON line: the window's frame and the screen's available geometry (in Qt's
device-independent pixels), whether the window got exposed on the X server, and every
sideways scroll bar found on each page, shown before and after a small run: the page
area's own (the whole page scrolls) and any inside the page (a form, the ranking table).
"""

from __future__ import annotations

import json
import sys

from PyQt5.QtCore import QElapsedTimer, QTimer
from PyQt5.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea

from tit_app.ui.qt_app import application
from tit_app.ui.shell import DesktopShell

WAIT_MS = 10_000
SETTLE_MS = 300


def sideways_scrolling(window, panel, when: str) -> list[str]:
    """Each visible scroll area, the page area first, that can scroll sideways with `panel` on show."""
    settle = QElapsedTimer()
    settle.start()
    while settle.elapsed() < SETTLE_MS:  # a new result lays out in several passes, the scroll bars last
        QApplication.processEvents()
    areas = [window.findChild(QScrollArea, "pageArea"), *panel.findChildren(QAbstractScrollArea)]
    return [f"{panel.spec.name} {when}: {area.objectName() or type(area).__name__} scrolls "
            f"{area.horizontalScrollBar().maximum()} px sideways"
            for area in areas if area.isVisible() and area.horizontalScrollBar().maximum() > 0]


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
        scrolling = []
        for row in range(window.operations.count()):  # each page built when first shown, as a user opens it
            window.operations.setCurrentRow(row)
            panel = window.current_panel()
            scrolling += sideways_scrolling(window, panel, "before a run")
            next(f for f in panel.form.fields if f.label == "Slice").size.setValue(32)
            panel.run()
            while panel.is_running():
                QApplication.processEvents()
            scrolling += sideways_scrolling(window, panel, "after a run")
        frame, room = window.frameGeometry(), window.screen().availableGeometry()
        print(json.dumps({"platform": app.platformName(), "exposed": bool(handle and handle.isExposed()),
                          "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                          "available": [room.x(), room.y(), room.width(), room.height()],
                          "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
                          "sideways": scrolling}))
        window.close()
        app.quit()

    QTimer.singleShot(0, report)
    app.aboutToQuit.connect(shell.shutdown)
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
