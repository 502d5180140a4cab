"""`run_app`: the desktop app's entry point (the CLI calls it; `--screenshot DIR` renders and exits)."""

from __future__ import annotations

from tit_app.ui.qt_app import application


def run_app(screenshot_dir: str | None = None) -> int:
    app = application()
    if screenshot_dir:
        from tit_app.ui.screenshots import render_screenshots

        return render_screenshots(screenshot_dir)
    from tit_app.ui import crash_hook
    from tit_app.ui.shell import DesktopShell

    relay = crash_hook.install()  # first: from here on an exception in a slot no longer aborts the app
    shell = DesktopShell()
    shell.start()
    shell.ask_consent()
    crash_hook.install(relay)  # native traces too, if the user just agreed
    shell.show_window()
    app.aboutToQuit.connect(shell.shutdown)
    return app.exec_()
