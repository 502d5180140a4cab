"""Where the packaged resources live, and loading them as Qt objects.

Every loader degrades to something harmless (an empty style sheet, a blank icon):
a missing resource file makes the app plainer, never unable to start.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt5.QtCore import QSize
from PyQt5.QtGui import QIcon

import tit_app.resources

log = logging.getLogger(__name__)

RESOURCES = Path(tit_app.resources.__file__).parent
ICONS = RESOURCES / "icons"
APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)


def resource_text(name: str) -> str:
    try:
        return (RESOURCES / name).read_text(encoding="utf-8")
    except OSError:
        log.warning("resource %s is missing", name)
        return ""


def style_sheet() -> str:
    """The style sheet, with `@ICONS@` made an absolute path (QSS urls are relative to the CWD)."""
    return resource_text("style.qss").replace("@ICONS@", ICONS.as_posix())


def icon(name: str) -> QIcon:
    """An action icon from resources/icons/<name>.svg (blank when missing)."""
    path = ICONS / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def app_icon() -> QIcon:
    """The app icon: the rendered PNG sizes where present (crisp at small sizes), else the SVG."""
    result = QIcon()
    for size in APP_ICON_SIZES:
        png = ICONS / f"tit-app-{size}.png"
        if png.exists():
            result.addFile(str(png), QSize(size, size))
    svg = ICONS / "tit-app.svg"
    if svg.exists():
        result.addFile(str(svg))
    return result
