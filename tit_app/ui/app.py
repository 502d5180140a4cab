"""`run_app`: the desktop app's entry point (the CLI calls it; `--screenshot DIR` renders and exits)."""

from __future__ import annotations

from tit_app.ui.qt_app import application


def run_app(screenshot_dir: str | None = None) -> int:
    app = application()
    if screenshot_dir:
        from tit_app.ui.screenshots import render_screenshots

        return render_screenshots(screenshot_dir)
    from tit_app.ui.shell import DesktopShell

    shell = DesktopShell()
    shell.start()
    shell.ask_consent()
    shell.show_window()
    app.aboutToQuit.connect(shell.shutdown)
    return app.exec_()
