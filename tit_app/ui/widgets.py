"""Widget factories so every table, button and code view in the app looks and behaves alike."""

from __future__ import annotations

from PyQt5.QtCore import QRectF, Qt
from PyQt5.QtGui import QFontDatabase, QImage, QPainter, QPixmap, QTextOption
from PyQt5.QtSvg import QSvgRenderer
from PyQt5.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QPlainTextEdit, QPushButton, QTableView, QWidget

from tit_app.ui import assets


def make_table(model, accessible_name: str, stretch_column: int | None = None) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.ExtendedSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    if stretch_column is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch_column, QHeaderView.Stretch)
    return table


def make_button(text: str, icon_name: str | None = None, accessible: str | None = None) -> QPushButton:
    button = QPushButton(assets.icon(icon_name), text) if icon_name else QPushButton(text)
    button.setAccessibleName(accessible or text)
    button.setAutoDefault(False)
    return button


def code_view(accessible_name: str, placeholder: str = "") -> QPlainTextEdit:
    """A read-only, monospace, selectable and copyable text view."""
    view = QPlainTextEdit()
    view.setObjectName("codeView")
    view.setReadOnly(True)
    view.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
    view.setLineWrapMode(QPlainTextEdit.WidgetWidth)
    view.setWordWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)  # compact JSON has no spaces
    view.setAccessibleName(accessible_name)
    view.setPlaceholderText(placeholder)
    return view


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hintLabel")
    label.setWordWrap(True)
    return label


def restyle(*widgets: QWidget) -> None:
    """Re-apply the style sheet after a property it selects on changed (Qt does not do it on its own)."""
    for widget in widgets:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def svg_logo(size: int) -> QLabel:
    """The app icon rendered from its SVG at the screen's pixel ratio, so it is sharp on HiDPI."""
    label = QLabel()
    label.setFixedSize(size, size)
    ratio = max(1.0, label.devicePixelRatioF())
    image = QImage(round(size * ratio), round(size * ratio), QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    QSvgRenderer(str(assets.ICONS / "tit-app.svg")).render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    label.setPixmap(pixmap)
    label.setAccessibleName("tit_app")
    return label


# Room for the title bar and frame the window manager adds, which Qt cannot measure before showing.
WINDOW_FRAME_ALLOWANCE = 48


def resize_to_fit(window: QWidget, width: int, height: int) -> None:
    """Resize to `width` × `height`, or less where the screen is smaller (a 1024×700 laptop, say)."""
    screen = window.screen()  # the parent's screen, or the primary one before the window is shown
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - 16)
        height = min(height, room.height() - WINDOW_FRAME_ALLOWANCE)
    window.resize(width, height)
