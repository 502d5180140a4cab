"""The Settings dialog: a list of pages on the left, the chosen page on the right.

Only Privacy exists today; the list makes room for more pages without a redesign.
"""

from __future__ import annotations

from PyQt5.QtCore import QSize, Qt
from PyQt5.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
)

from tit_app.ui import assets
from tit_app.ui.privacy.page import PrivacyPage
from tit_app.ui.widgets import resize_to_fit


PREFERRED_SIZE = (1000, 740)  # smaller where the screen is


class SettingsDialog(QDialog):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings — tit_app")
        self.setWindowFlag(Qt.WindowContextHelpButtonHint, False)
        self.pages = QListWidget()
        self.pages.setObjectName("settingsPages")
        self.pages.setAccessibleName("Settings pages")
        self.pages.setIconSize(QSize(20, 20))
        self.pages.setFixedWidth(150)
        self.stack = QStackedWidget()
        self.privacy_page = PrivacyPage(service)
        self._add_page("Privacy", "privacy", self.privacy_page)
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)
        self.pages.setVisible(self.pages.count() > 1)  # a list of one page is only clutter
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.Close).setAutoDefault(False)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        resize_to_fit(self, *PREFERRED_SIZE)

    def _add_page(self, title: str, icon_name: str, page) -> None:
        self.pages.addItem(QListWidgetItem(assets.icon(icon_name), title))
        self.stack.addWidget(page)

    def show_privacy(self) -> None:
        self.pages.setCurrentRow(0)
        self.show()
        self.raise_()
        self.activateWindow()
