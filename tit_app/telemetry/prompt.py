"""Asking for consent: on the terminal, or in the GUI's dialog (imported only when asked for)."""

from __future__ import annotations

import importlib
import sys
from typing import TextIO

QUESTION = "Share anonymous usage statistics? [y/N] "
EXPLANATION = """\
tit_app can send anonymous usage statistics to its maintainers: which operations run,
whether they succeed, how long they take, and the app, Python and OS versions.
It never sends personal data, file paths, parameter values or scientific data.
Nothing is sent unless you answer yes."""
HOW_TO_CHANGE = (
    "You can change this at any time with `tit-app telemetry enable` or `tit-app telemetry disable`,"
    " or in the app under Settings → Privacy."
)


def _interactive(stdin: TextIO, stdout: TextIO) -> bool:
    try:
        return stdin.isatty() and stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def consent_prompt_cli(stdin: TextIO | None = None, stdout: TextIO | None = None) -> bool | None:
    """Ask once, on an interactive terminal only. Returns the answer, or None if not asked."""
    from . import api

    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    if stdin is None or stdout is None or not _interactive(stdin, stdout):
        return None
    engine = api.engine()
    if engine.config().consent_shown or not engine.decision().user_can_change:
        return None
    stdout.write(EXPLANATION + "\n\n" + QUESTION)
    stdout.flush()
    try:
        answer = stdin.readline()
    except (KeyboardInterrupt, EOFError):
        answer = ""
    agreed = answer.strip().lower() in ("y", "yes")
    saved = api.set_enabled(agreed)
    verdict = "Thank you: usage statistics are on." if agreed else "Usage statistics stay off."
    stdout.write(f"\n{verdict}\n{HOW_TO_CHANGE}\n")
    if not saved:
        stdout.write("Your answer could not be saved; it applies to this session only.\n")
    stdout.flush()
    return agreed


def consent_prompt_gui(parent=None) -> bool | None:
    """Show the first-run consent dialog. PyQt5 is imported only now, never at import time."""
    # importlib keeps the core free of a static dependency on the UI layer (DESIGN §1).
    dialog = importlib.import_module("tit_app.ui.consent_dialog")
    return dialog.ask_consent(parent)
