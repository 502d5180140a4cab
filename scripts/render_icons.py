"""Render tit_app/resources/icons/tit-app.svg to the PNG sizes desktops and installers ask for.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icons.py

Small sizes are rendered from the vector source each time (not scaled down from a big
PNG), so the outline stays sharp at 16 and 32 pixels.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PyQt5.QtCore import QRectF, Qt
from PyQt5.QtGui import QGuiApplication, QImage, QPainter
from PyQt5.QtSvg import QSvgRenderer

from tit_app.ui.assets import APP_ICON_SIZES  # the sizes the app loads, so every one exists

ICONS = Path(__file__).resolve().parent.parent / "tit_app" / "resources" / "icons"  # the source tree, not an installed copy


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.Antialiasing | QPainter.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QPainter needs an application
    source = ICONS / "tit-app.svg"
    for size in APP_ICON_SIZES:
        target = ICONS / f"tit-app-{size}.png"
        if not render(source, size).save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
        print(f"wrote {target.relative_to(ICONS.parent.parent)}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
