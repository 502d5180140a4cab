"""`tit-app --screenshot DIR`: render the main screens to PNG files, for the docs.

Everything happens in a throw-away telemetry home (the package's own test kit), so
rendering screenshots never touches the user's settings, queue or window geometry,
and never opens a socket beyond this machine. The pictures follow one user: asked
without and then with a destination set up, agreeing, briefly choosing "Errors only"
(which drops the waiting usage events, so the drop counters are not all zero), working,
looking at the Privacy page, and being asked again after a plug-in adds an event.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from PyQt5.QtCore import QPoint, Qt
from PyQt5.QtGui import QPixmap, QRegion
from PyQt5.QtWidgets import QApplication, QWidget

from tit_app import telemetry
from tit_app.ops.output import save as save_result
from tit_app.telemetry.testing import isolated_telemetry
from tit_app.ui.consent_dialog import ConsentDialog
from tit_app.ui.delivery.tasks import tasks
from tit_app.ui.main_window import DEFAULT_SIZE
from tit_app.ui.operations import OPERATIONS
from tit_app.ui.privacy.catalog_view import DIALOG_SIZE as CATALOG_SIZE
from tit_app.ui.privacy.catalog_view import show_catalog
from tit_app.ui.settings_dialog import PREFERRED_SIZE as SETTINGS_SIZE
from tit_app.ui.shell import DesktopShell

# A local collector nobody listens on, run by a named lab: the notice names the recipient
# and the previews show a real destination's payload.
DESTINATIONS = {"version": 1, "destinations": {"json": {"enabled": True, "url": "http://127.0.0.1:9/events",
                                                        "recipient": "Example Lab"}}}
# What a plug-in might add; a new event widens what can leave, so the user is asked again.
PLUGIN_EVENTS = {"events": {"export_result": {
    "description": "A result was exported to a file.",
    "level": "usage",
    "params": {"format": {"type": "enum", "values": ["png", "csv"], "description": "The file format chosen."}},
}}}
REVIEW_DELAY_S = 60.0  # the app's own wait after Enable, so the Pending table shows it


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


def _show_dialog(path: Path, scale: float = 0.0, scrolled_to_end: bool = False) -> ConsentDialog:
    dialog = ConsentDialog()
    dialog.show()
    if scrolled_to_end:  # where the notice says who receives the events
        QApplication.processEvents()  # the scroll range is known once the layout has settled
        bar = dialog.text_area.verticalScrollBar()
        bar.setValue(bar.maximum())
    save(dialog, path)
    if scale:
        save(dialog, path.with_name(f"{path.stem}@{scale:g}x.png"), scale)
    return dialog


def _consent_dialogs(home: Path, out: Path) -> None:
    """Asked with no destination set up, then with one; the second time the user agrees."""
    first = _show_dialog(out / "consent-dialog.png", 2.0)
    first.hide()  # not answered: this user is asked again once a destination is set up
    first.deleteLater()
    destinations = home / "config" / "destinations.json"
    destinations.parent.mkdir(parents=True, exist_ok=True)
    destinations.write_text(json.dumps(DESTINATIONS), encoding="utf-8")
    second = _show_dialog(out / "consent-dialog-recipient.png", scrolled_to_end=True)
    answer(second, second.enable_button)


def answer(dialog: ConsentDialog, button) -> None:
    """Click an answer and wait until it is saved (on the telemetry task thread) before the dialog goes."""
    button.click()
    wait_until(lambda: not tasks().busy(), 5.0)
    dialog.deleteLater()


def _errors_only_for_a_moment() -> None:
    """Choose "Errors only" and back, as on the Privacy page: the waiting usage events are dropped."""
    telemetry.persist()
    telemetry.set_enabled(True, "errors", via="privacy page")
    telemetry.set_enabled(True, "usage", via="privacy page")


def _reask_dialog(out: Path) -> None:
    telemetry.register_events(PLUGIN_EVENTS)
    dialog = _show_dialog(out / "consent-reask.png")
    answer(dialog, dialog.enable_button)


def _crash_dialogs(window, out: Path) -> None:
    """The dialog after an unhandled error, with sharing on and (Send this report once) off."""
    from tit_app.ui.crash_dialog import CrashDialog

    for name, sharing, fail in (("crash-dialog.png", True, _fail_on_purpose),
                                ("crash-dialog-off.png", False, _fail_differently)):
        telemetry.set_enabled(sharing, "usage", via="privacy page")
        wait_until(lambda: not tasks().busy(), 5.0)
        try:
            fail()
        except ValueError as exc:
            dialog = CrashDialog(telemetry.report_crash(exc, "gui"), window)
        dialog.show()
        save(dialog, out / name)
        dialog.deleteLater()


def _fail_on_purpose() -> None:
    raise ValueError("grid size must be a power of two in this example")


def _fail_differently() -> None:  # another place, so not a repeat of the first
    raise ValueError("the example's second error")


def _main_window(window, out: Path) -> None:
    window.resize(*DEFAULT_SIZE)
    sim = window.panel("sim_ti")
    _run(sim)
    save(window, out / "main-window.png")
    save(window, out / "main-window@2x.png", 2.0)
    _run(window.show_panel("ex_search"))
    window.current_panel().results.ranking.table.selectRow(0)
    save(window, out / "exhaustive-search.png")
    window.operations.setCurrentRow(0)
    sim.form.fields[1].cathode.setText("P9x")
    sim.run()  # refused before it starts: the field is marked and nothing is recorded
    save(window, out / "validation.png")
    sim.form.fields[1].cathode.setText("P8")
    sim.form.clear_errors()


def _operations(window, out: Path) -> None:
    """Each operation in the window, and the figure `tit-app run … --out` writes for the same run (docs/ops.md)."""
    for spec in OPERATIONS:
        panel = window.show_panel(spec.name)
        _run(panel)
        name = panel.spec.cli_name
        save(window, out / f"op-{name}-gui.png")
        shown = panel.results.shown
        save_result(shown.result, out / f"op-{name}-cli", shown.params, formats=("png",))


def _privacy_page(shell: DesktopShell, window, out: Path) -> None:
    telemetry.persist()
    stored = telemetry.pending_count()
    shell.service.refresh()
    wait_until(lambda: shell.service.snapshot.pending_total == stored, 5.0)
    dialog = window.open_privacy()
    dialog.resize(*SETTINGS_SIZE)  # as on most screens (the offscreen one is only 800 × 600)
    page = dialog.privacy_page
    wait_until(lambda: page.pending.model.rowCount() == stored, 5.0)
    page.pending.table.selectRow(0)
    save(dialog, out / "privacy-pending.png")
    page.tabs.setCurrentIndex(2)
    save(dialog, out / "privacy-page.png")
    save(dialog, out / "privacy-page@2x.png", 2.0)
    page.tabs.setCurrentIndex(3)
    save(dialog, out / "privacy-usage.png")
    page.tabs.setCurrentIndex(4)
    save(dialog, out / "privacy-catalog.png")
    page.tabs.setCurrentIndex(0)
    _kill_switch(shell.service, page, out / "privacy-kill-switch.png")
    dialog.hide()
    catalog = show_catalog(window)
    catalog.resize(*CATALOG_SIZE)
    save(catalog, out / "catalog.png")
    catalog.close()


def _decided_by(service, who: str) -> bool:
    consent = service.snapshot.consent
    return consent is not None and consent.decision.decided_by == who


def _kill_switch(service, page, path: Path) -> None:
    """The page as it looks when DO_NOT_TRACK decides (set only for this picture)."""
    os.environ["DO_NOT_TRACK"] = "1"
    try:
        service.refresh()
        wait_until(lambda: _decided_by(service, "environment"), 5.0)
        save(page.window(), path)
    finally:
        del os.environ["DO_NOT_TRACK"]
        service.refresh()
        wait_until(lambda: not _decided_by(service, "environment"), 5.0)


def render_screenshots(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tit-app-screens-") as home, \
            isolated_telemetry(Path(home), consent=None, review_delay_s=REVIEW_DELAY_S):
        shell = DesktopShell()
        shell.start()
        try:
            _consent_dialogs(Path(home), out)
            window = shell.show_window()
            _errors_only_for_a_moment()
            _main_window(window, out)
            _operations(window, out)
            _privacy_page(shell, window, out)
            _reask_dialog(out)
            _crash_dialogs(window, out)
            window.hide()
        finally:
            shell.shutdown()
    for path in sorted(out.glob("*.png")):
        print(path)
    return 0
