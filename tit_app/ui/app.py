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

    shell = DesktopShell()
    shell.start()
    # After start (the GUI's driver attached: a native crash from the last run recorded here must
    # not start the headless thread), before any dialog: an exception in a slot no longer aborts the app.
    relay = crash_hook.install()
    shell.ask_consent()
    crash_hook.install(relay)  # native traces too, if the user just agreed
    shell.show_window()
    app.aboutToQuit.connect(shell.shutdown)
    return app.exec_()
