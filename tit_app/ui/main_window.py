"""The main window: the operations on the left, the chosen one on the right, telemetry in the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt5.QtCore import QSize, Qt
from PyQt5.QtGui import QKeySequence
from PyQt5.QtWidgets import (
    QAction,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tit_app import __version__
from tit_app.ui import assets, window_state
from tit_app.ui.result_files import ResultFiles
from tit_app.ui.operations import OPERATIONS
from tit_app.ui.operations.panel import OperationPanel
from tit_app.ui.running import RunningOperations
from tit_app.ui.status_item import TelemetryStatusItem
from tit_app.ui.widgets import resize_to_fit

if TYPE_CHECKING:
    from tit_app.ui.settings_dialog import SettingsDialog

DEFAULT_SIZE = (1360, 840)
ABOUT = (
    f"<h3>tit_app {__version__}</h3>"
    "<p>Temporal-interference stimulation planning on a spherical head model.</p>"
    "<p>Usage statistics are opt-in and anonymous; see Settings → Privacy.</p>"
)


class MainWindow(QMainWindow):
    def __init__(self, service, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("tit_app")
        self.setWindowIcon(assets.app_icon())
        self.service = service
        self._built: dict[int, OperationPanel] = {}  # pages are built when first shown: start-up builds one
        self._form_width = 0  # every built page's form gets the widest width any of them needs
        self.operations = self._build_sidebar()
        self.stack = QStackedWidget()
        for _ in OPERATIONS:
            self.stack.addWidget(QWidget())  # a placeholder until the page is first needed
        self._build_central()
        self.running = RunningOperations(self.operations, self)
        self.status_item = TelemetryStatusItem(service)
        self.status_item.clicked.connect(self.open_privacy)
        self.statusBar().addPermanentWidget(self.running.label)
        self.statusBar().addPermanentWidget(self.status_item)
        self.settings_dialog: SettingsDialog | None = None
        self._build_menus()
        self.operations.currentRowChanged.connect(self._show_page)
        self.operations.setCurrentRow(0)
        if not window_state.restore(self):
            resize_to_fit(self, *DEFAULT_SIZE)

    def _build_sidebar(self) -> QListWidget:
        sidebar = QListWidget()
        sidebar.setObjectName("operationList")
        sidebar.setAccessibleName("Operations")
        sidebar.setIconSize(QSize(22, 22))
        widest = max(sidebar.fontMetrics().horizontalAdvance(spec.title) for spec in OPERATIONS)
        # icon, item padding and margins (style.qss), and the frame: no title is ever elided
        sidebar.setFixedWidth(max(200, widest + 22 + 8 + 2 * 12 + 2 * 8 + 12))
        for spec in OPERATIONS:
            item = QListWidgetItem(assets.icon(spec.icon), spec.title)
            item.setToolTip(spec.summary)
            item.setSizeHint(QSize(0, 42))
            sidebar.addItem(item)
        return sidebar

    def _build_central(self) -> None:
        heading = QLabel("OPERATIONS")
        heading.setObjectName("sidebarHeading")
        side = QWidget()
        side.setObjectName("sidebar")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 12, 0, 0)
        side_layout.setSpacing(4)
        side_layout.addWidget(heading)
        side_layout.addWidget(self.operations, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self._scrolling(self.stack), 1)
        self.setCentralWidget(central)

    @staticmethod
    def _scrolling(pages: QWidget) -> QScrollArea:
        """The pages fill the window, and scroll only where the screen is smaller than a page needs
        (at a large scale factor): the window then never grows past the screen or resizes itself."""
        area = QScrollArea()
        area.setObjectName("pageArea")
        area.setWidget(pages)
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.NoFrame)
        area.setFocusPolicy(Qt.NoFocus)  # no Tab stop of its own: the page's fields take focus
        return area

    def _build_menus(self) -> None:
        self.run_action = self._action("&Run", "run", "Ctrl+R", lambda: self.current_panel().run())
        self.cancel_action = self._action("&Cancel", "cancel", ("Esc", "Ctrl+."), self.cancel_current)
        self.quit_action = self._action("&Quit", "quit", "Ctrl+Q", self.close)
        self.quit_action.setMenuRole(QAction.QuitRole)
        self.privacy_action = self._action("&Privacy…", "privacy", "Ctrl+,", self.open_privacy)
        self.privacy_action.setMenuRole(QAction.PreferencesRole)
        self.catalog_action = self._action("&What we collect…", "catalog", None, self.show_catalog)
        self.about_action = self._action("&About tit_app", None, None, self.show_about)
        self.result_files = ResultFiles(self)
        self.open_action = self._action("&Open result…", "open", "Ctrl+O", self.result_files.ask_and_open)
        self.save_action = self._action("&Save result…", "export", "Ctrl+S", self.result_files.ask_and_save)
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addActions([self.open_action, self.save_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        run_menu = menus.addMenu("&Operation")
        run_menu.addActions([self.run_action, self.cancel_action])
        menus.addMenu("&Settings").addAction(self.privacy_action)
        help_menu = menus.addMenu("&Help")
        help_menu.addActions([self.catalog_action, self.about_action])

    def _action(self, text: str, icon_name: str | None, keys, slot) -> QAction:
        action = QAction(assets.icon(icon_name) if icon_name else assets.app_icon(), text, self)
        if keys:
            keys = (keys,) if isinstance(keys, str) else keys
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    # -- behaviour -----------------------------------------------------------------------

    def _show_page(self, row: int) -> None:
        self.page(row)
        self.stack.setCurrentIndex(row)
        self._update_cancel_action()

    def page(self, row: int) -> OperationPanel:
        """The operation page in `row`, built (in place of its placeholder) on first use."""
        panel = self._built.get(row)
        if panel is None:
            panel = self._built[row] = OperationPanel(OPERATIONS[row])
            panel.run_ended.connect(self.show_message)
            panel.simulation_requested.connect(self.open_simulation)
            panel.running_changed.connect(self._update_cancel_action)
            self._fit_forms(panel)
            self.running.add(row, panel)
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, panel)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return panel

    def _fit_forms(self, new_panel: OperationPanel) -> None:
        """Every page's form gets the same width, so results do not jump between pages; a page
        needing more than those built before widens them all once."""
        self._form_width = max(self._form_width, new_panel.form_width_needed())
        for panel in (*self._built.values(), new_panel):
            panel.set_form_width(self._form_width)

    @property
    def panels(self) -> list[OperationPanel]:
        """Every operation page, building those not shown yet."""
        return [self.page(row) for row in range(len(OPERATIONS))]

    def current_panel(self) -> OperationPanel:
        return self.page(self.stack.currentIndex())

    def panel(self, name: str) -> OperationPanel:
        return self.page(self._row(name))

    @staticmethod
    def _row(name: str) -> int:
        return next(row for row, spec in enumerate(OPERATIONS) if spec.name == name)

    def cancel_current(self) -> None:
        """Esc: cancel the run on the page in view, and say what was cancelled (or why nothing was)."""
        panel = self.current_panel()
        if panel.is_running():
            panel.cancel()
            self.show_message(f"Cancelling {panel.spec.title}…")
        elif self.running.running():
            self.show_message(f"Nothing runs on this page; {self.running.summary()} runs on its own page, "
                              "where Esc cancels it.")

    def _update_cancel_action(self, *_) -> None:
        panel = self.current_panel()
        running = panel.is_running()  # the action stays enabled: Esc elsewhere says where the run is
        self.cancel_action.setText(f"&Cancel {panel.spec.title}" if running else "&Cancel")

    def show_panel(self, name: str) -> OperationPanel:
        """Turn to the page of operation `name` (building only that page) and return it."""
        self.operations.setCurrentRow(self._row(name))
        return self.current_panel()

    def open_simulation(self, values: dict) -> None:
        panel = self.show_panel("sim_ti")
        panel.form.set_values(values)
        panel.run()

    def open_privacy(self) -> SettingsDialog:
        if self.settings_dialog is None:
            from tit_app.ui.settings_dialog import SettingsDialog  # loaded when first opened, not at start-up

            self.settings_dialog = SettingsDialog(self.service, self)
            controls = self.settings_dialog.privacy_page.controls
            controls.choice_saved.connect(lambda *_: self.status_item.refresh())
            controls.preview_saved.connect(lambda *_: self.status_item.refresh())
        self.settings_dialog.show_privacy()
        return self.settings_dialog

    def show_catalog(self) -> None:
        from tit_app.ui.privacy.catalog_view import show_catalog  # loaded when first opened

        show_catalog(self)

    def show_about(self) -> None:
        QMessageBox.about(self, "About tit_app", ABOUT)

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def running_panels(self) -> list[OperationPanel]:
        return self.running.running()

    def confirm_quit(self) -> bool:
        """True to quit: at once when nothing runs, else when the user agrees to cancel the run."""
        if not self.running.running():
            return True
        box = QMessageBox(QMessageBox.Question, "Quit while running?",
                          f"{self.running.summary()} is still running. Quitting cancels it and its result "
                          "is lost.", parent=self)
        quit_button = box.addButton("Cancel the run and quit", QMessageBox.AcceptRole)
        keep = box.addButton("Keep running", QMessageBox.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec_()
        return box.clickedButton() is quit_button

    def closeEvent(self, event) -> None:
        if not self.confirm_quit():
            event.ignore()
            return
        window_state.save(self)
        super().closeEvent(event)
