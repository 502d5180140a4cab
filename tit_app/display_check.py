"""Whether the desktop app can open a window here, decided before Qt is loaded.

Without a display, or with the X11 platform plugin's shared libraries missing, Qt aborts
the process with "Reinstalling the application may fix this problem", which helps nobody.
`display_problem()` finds those cases first and says what is needed instead (README,
"Running without a desktop").
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path

NO_DISPLAY = (
    "there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set).\n"
    "Start tit-app from a desktop session (or over `ssh -X`), or render the windows to PNG files "
    "without one: QT_QPA_PLATFORM=offscreen tit-app --screenshot DIR.\n"
    "The headless commands need no display: tit-app --help."
)
WAYLAND_ONLY = (
    "this is a Wayland session without X11 (WAYLAND_DISPLAY is set, DISPLAY is not), and Qt 5 opens X11 "
    "windows unless told otherwise.\nStart it with QT_QPA_PLATFORM=wayland tit-app."
)
MISSING_X11_LIBRARIES = (
    "Qt's X11 plugin cannot be loaded: {reason}.\n"
    "On Debian or Ubuntu install the libraries it needs (README, \"Running without a desktop\"):\n"
    "  sudo apt-get install libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 "
    "libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0"
)


def display_problem(environ=os.environ) -> str | None:
    """What stops a window from opening here, or None when nothing does (or we cannot tell)."""
    if not sys.platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None  # an explicit platform (offscreen, wayland, vnc…) is the user's choice
    if not environ.get("DISPLAY"):
        # Qt 5 opens X11 windows by default; a Wayland session normally provides DISPLAY too (XWayland).
        return WAYLAND_ONLY if environ.get("WAYLAND_DISPLAY") else NO_DISPLAY
    reason = _xcb_plugin_load_error()
    return MISSING_X11_LIBRARIES.format(reason=reason) if reason else None


def _xcb_plugin_load_error() -> str | None:
    """The loader's complaint about Qt's xcb platform plugin (it names the first missing library)."""
    spec = importlib.util.find_spec("PyQt5")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt5" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None  # a distribution's PyQt5 keeps its plugins elsewhere; Qt will say what is wrong
    try:
        ctypes.CDLL(str(plugin))  # Qt loads this same file next; the libraries stay loaded for it
    except OSError as error:
        return str(error)
    return None
