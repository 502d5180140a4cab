"""File → Save result and File → Open result: a run's result as files, and back into its view.

Saving writes what ``tit-app run … --out`` writes (tit_app.ops.output): the figure
(PNG), the numbers (NPZ) with their JSON sidecar, and a search's ranking (CSV); the
file type chosen in the dialog picks which. Opening reads an NPZ (and the JSON
beside it) and shows the result in its operation's view, as if it had just run.
A file that cannot be written or read is reported in a message box; nothing
in the window changes then.
"""

from __future__ import annotations

from pathlib import Path

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication, QFileDialog, QMessageBox

from tit_app.ops.output import output_base, read_result, save
from tit_app.ops.results import rankings
from tit_app.ui.operations.map_picture import shown

ALL_FILES = "All result files (*.png *.npz *.json *.csv)"
# The dialog's file types, and what each saves.
SAVE_FILTERS = {
    ALL_FILES: ("png", "npz", "json", "csv"),
    "PNG figure (*.png)": ("png",),
    "NPZ numbers with JSON sidecar (*.npz)": ("npz", "json"),
    "CSV ranking (*.csv)": ("csv",),
}
OPEN_FILTER = "tit_app results (*.npz)"


def save_filters(result) -> list[str]:
    """The file types that make sense for this result (CSV only with a ranking)."""
    return [f for f, kinds in SAVE_FILTERS.items() if kinds != ("csv",) or rankings(result)]


class ResultFiles:
    """The File menu's Save and Open for one main window; remembers the folder last used."""

    def __init__(self, window) -> None:
        self.window = window
        self.folder = Path.home()

    def _current_view(self):
        view = self.window.current_panel().results
        if view.shown is None:
            self.window.show_message("Nothing to save yet: run the operation first.")
            return None
        return view

    def save(self, path, formats) -> list[Path]:
        """Write the current panel's result; returns the files (none if there was nothing or it failed)."""
        view = self._current_view()
        if view is None:
            return []
        # The first figure of a session loads matplotlib (about a second): say that we are busy.
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            written = save(view.result, path, view.shown.params, formats)
        except OSError as error:
            problem = f"Could not write {Path(path).name}: {error.strerror or error}"
        else:
            problem = None
        finally:
            QApplication.restoreOverrideCursor()
        if problem is not None:
            QMessageBox.warning(self.window, "Save result", problem)
            return []
        self.folder = Path(path).parent
        self.window.show_message("Saved " + ", ".join(p.name for p in written))
        return written

    def ask_and_save(self) -> list[Path]:
        view = self._current_view()
        if view is None:
            return []
        filters = save_filters(view.result)
        suggested = str(self.folder / f"{view.result.kind}-result")
        path, chosen = QFileDialog.getSaveFileName(self.window, "Save result", suggested, ";;".join(filters),
                                                   filters[0])
        if not path:
            return []
        return self.save(output_base(path), SAVE_FILTERS.get(chosen, SAVE_FILTERS[ALL_FILES]))

    def open(self, path) -> bool:
        """Show a saved result in its operation's view; False (and a message) if the file is not one."""
        try:
            saved = read_result(path)
        except (OSError, ValueError) as error:
            QMessageBox.warning(self.window, "Open result", f"Could not open {Path(path).name}: {error}")
            return False
        panel = self.window.show_panel(saved.result.kind)
        view = panel.results
        view.show_result(shown(saved.result, view.heatmap.display_side(), saved.sidecar.get("parameters")))
        panel.state.setText(f"Opened {Path(path).name}.")
        self.folder = Path(path).parent
        return True

    def ask_and_open(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open result", str(self.folder), OPEN_FILTER)
        return self.open(path) if path else False
