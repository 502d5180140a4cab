"""`tit-app --screenshot DIR`: render the main screens to PNG files, for the docs.

Everything happens in a throw-away telemetry home (the package's own test kit), so
rendering screenshots never touches the user's settings, queue or window geometry,
and never opens a socket beyond this machine.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from PyQt5.QtCore import QPoint, Qt
from PyQt5.QtGui import QPixmap, QRegion
from PyQt5.QtWidgets import QApplication, QWidget

from tit_app import telemetry
from tit_app.telemetry.testing import isolated_telemetry
from tit_app.ui.privacy.catalog_view import show_catalog
from tit_app.ui.consent_dialog import ConsentDialog
from tit_app.ui.main_window import DEFAULT_SIZE
from tit_app.ui.shell import DesktopShell

# A local collector nobody listens on: previews show a real destination's payload.
SANDBOX_ENV = {"TIT_JSON_ENDPOINT": "http://127.0.0.1:9/events"}


def wait_until(predicate, timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents()
        time.sleep(0.005)
    QApplication.processEvents()
    return True


def save(widget: QWidget, path: Path, scale: float = 1.0) -> Path:
    """Render `widget` to PNG at `scale` × its logical size (2 gives a crisp HiDPI picture)."""
    QApplication.processEvents()
    pixmap = QPixmap(widget.size() * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.transparent)
    widget.render(pixmap, QPoint(), QRegion(widget.rect()))
    if not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def _run(panel) -> None:
    if panel.run():
        wait_until(lambda: not panel.is_running())


def _consent_dialog(out: Path) -> None:
    dialog = ConsentDialog()
    dialog.show()
    dialog.adjustSize()
    save(dialog, out / "consent-dialog.png")
    save(dialog, out / "consent-dialog@2x.png", 2.0)
    dialog.hide()  # not answered: the sandbox answers below, as the user would
    dialog.deleteLater()


def _main_window(shell: DesktopShell, out: Path):
    window = shell.show_window()
    window.resize(*DEFAULT_SIZE)
    sim = window.panel("sim_ti")
    _run(sim)
    save(window, out / "main-window.png")
    save(window, out / "main-window@2x.png", 2.0)
    window.operations.setCurrentRow(window.panels.index(window.panel("ex_search")))
    _run(window.current_panel())
    window.current_panel().results.ranking.table.selectRow(0)
    save(window, out / "exhaustive-search.png")
    window.operations.setCurrentRow(0)
    sim.form.fields[1].cathode.setText("P9x")
    sim.run()  # refused before it starts: the field is marked and nothing is recorded
    save(window, out / "validation.png")
    sim.form.fields[1].cathode.setText("P8")
    sim.form.clear_errors()
    return window


def _privacy_page(shell: DesktopShell, window, out: Path) -> None:
    telemetry.persist()
    shell.service.refresh()
    wait_until(lambda: shell.service.snapshot.pending_total >= 5, 5.0)
    dialog = window.open_privacy()
    page = dialog.privacy_page
    page.pending.table.selectRow(0)
    save(dialog, out / "privacy-page.png")
    save(dialog, out / "privacy-page@2x.png", 2.0)
    page.tabs.setCurrentIndex(2)
    save(dialog, out / "privacy-usage.png")
    page.tabs.setCurrentIndex(3)
    save(dialog, out / "privacy-catalog.png")
    page.tabs.setCurrentIndex(0)
    _kill_switch(page, shell.service.snapshot, out / "privacy-kill-switch.png")
    dialog.hide()
    catalog = show_catalog(window)
    save(catalog, out / "catalog.png")
    catalog.close()


def _kill_switch(page, snapshot, path: Path) -> None:
    """The page as it looks when DO_NOT_TRACK decides (set only for this picture)."""
    os.environ["DO_NOT_TRACK"] = "1"
    try:
        page.set_snapshot(snapshot)
        save(page.window(), path)
    finally:
        del os.environ["DO_NOT_TRACK"]
        page.set_snapshot(snapshot)


def render_screenshots(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tit-app-screens-") as home, \
            isolated_telemetry(Path(home), consent=None, env=SANDBOX_ENV):
        shell = DesktopShell()
        shell.start()
        try:
            _consent_dialog(out)
            telemetry.set_enabled(True)
            window = _main_window(shell, out)
            _privacy_page(shell, window, out)
            window.hide()
        finally:
            shell.shutdown()
    for path in sorted(out.glob("*.png")):
        print(path)
    return 0
