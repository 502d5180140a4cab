"""Which operation is running, shown wherever the user is, and one at a time.

A run goes on when the user turns to another page, so the sidebar marks the running
operation's entry and a status-bar label names it with its progress. While one runs,
every other page's Run is refused with the reason: each operation uses the whole
processor, so two at once would each take twice as long and the first result would
arrive later than if they ran one after the other.
"""

from __future__ import annotations

from PyQt5.QtCore import QObject, Qt
from PyQt5.QtWidgets import QLabel, QListWidget

RUNNING_MARK = "  ●"  # after the sidebar title: visible without colour, read out as part of the name


def refusal_reason(title: str) -> str:
    return (f"{title} is running. One operation runs at a time, because each uses the whole processor; "
            f"wait for it or cancel it on its page.")


class RunningOperations(QObject):
    """Watches the operation pages as they are built (pages are built when first shown)."""

    def __init__(self, sidebar: QListWidget, parent=None) -> None:
        super().__init__(parent)
        self.panels: dict[int, object] = {}  # sidebar row -> page, for the pages built so far
        self.sidebar = sidebar
        self.label = QLabel()
        self.label.setObjectName("runningOperations")
        self.label.setAccessibleName("Running operation")
        self._update()

    def add(self, row: int, panel) -> None:
        self.panels[row] = panel
        panel.running_changed.connect(self._update)
        panel.progress.valueChanged.connect(self._update)
        self._update()  # a page built while another runs is told at once

    def running(self) -> list:
        return [panel for panel in self.panels.values() if panel.is_running()]

    def summary(self) -> str:
        """'Exhaustive search (45%)', or '' when nothing runs."""
        return ", ".join(f"{p.spec.title} ({p.progress.value()}%)" for p in self.running())

    def _update(self, *_) -> None:
        running = self.running()
        for row, panel in self.panels.items():
            item = self.sidebar.item(row)
            item.setText(panel.spec.title + (RUNNING_MARK if panel in running else ""))
            item.setData(Qt.AccessibleTextRole, panel.spec.title + (", running" if panel in running else ""))
            item.setToolTip(panel.spec.summary + ("\nRunning now." if panel in running else ""))
        blocker = running[0].spec.title if running else None
        for panel in self.panels.values():
            panel.set_refusal(refusal_reason(blocker) if blocker and panel not in running else None)
        self.label.setText(f"Running: {self.summary()}" if running else "")
        self.label.setVisible(bool(running))
