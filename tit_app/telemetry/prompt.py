"""Asking for consent: on the terminal, or in a GUI dialog that the desktop app registers.

The core never imports the UI (docs/architecture.md, "Layers"): the desktop app hands its
dialog over with `register_gui_prompt` at start-up, and `consent_prompt_gui` (kept for
TI-Toolbox compatibility) shows whatever was registered.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, TextIO

QUESTION = "Share them? [y/N] "
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
    """Ask on an interactive terminal only, while the question is open (never answered, or the
    scope grew since the answer). Returns the answer, or None if not asked."""
    from . import api
    from .notice import consent_plain

    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    if stdin is None or stdout is None or not _interactive(stdin, stdout):
        return None
    if not api.consent_needed():
        return None
    changes = consent_plain(api.consent_changes_notice())
    stdout.write((changes + "\n" if changes else "") + api.consent_notice(plain=True) + "\n" + QUESTION)
    stdout.flush()
    try:
        answer = stdin.readline()
    except (KeyboardInterrupt, EOFError):
        answer = ""
    agreed = answer.strip().lower() in ("y", "yes")
    saved = api.set_enabled(agreed, via="cli")
    verdict = "Thank you: usage statistics are on." if agreed else "Usage statistics stay off."
    stdout.write(f"\n{verdict}\n{HOW_TO_CHANGE}\n")
    if not saved:
        stdout.write("Your answer could not be saved; it applies to this session only.\n")
    stdout.flush()
    return agreed


GuiPrompt = Callable[[Any], "bool | None"]
_gui_prompt: GuiPrompt | None = None


def register_gui_prompt(prompt: GuiPrompt | None) -> None:
    """Make `prompt(parent) -> answer or None` the dialog `consent_prompt_gui` shows (None unregisters)."""
    global _gui_prompt
    _gui_prompt = prompt


def consent_prompt_gui(parent: Any = None) -> bool | None:
    """Show the registered consent dialog; returns the answer, or None if it was not asked.

    Raises RuntimeError when no GUI has registered a dialog (e.g. `tit_app.ui` was never
    started): the core cannot show one by itself.
    """
    if _gui_prompt is None:
        raise RuntimeError(
            "no consent dialog is registered: start the desktop app (tit_app.ui) first, "
            "or use consent_prompt_cli() on a terminal"
        )
    return _gui_prompt(parent)
