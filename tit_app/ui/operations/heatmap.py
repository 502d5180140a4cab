"""The envelope map: the slice in the ops colour map, with head outline, electrodes, target and colour bar.

The pixels come from the ops colour mapping (the same as the saved PNG); everything on
top is drawn as vectors, so markers and text stay crisp at any size and pixel ratio.
"""

from __future__ import annotations

import math

from PyQt5.QtCore import QPointF, QRectF, Qt
from PyQt5.QtGui import QColor, QFont, QLinearGradient, QPainter, QPainterPath, QPen, QPixmap
from PyQt5.QtWidgets import QSizePolicy, QWidget

from tit_app.ops.map_style import (
    CLIP_PERCENTILE,
    NEAR_SLICE_FRACTION,
    ORIENTATION,
    colour_table,
    near_slice,
    pair_colour,
)
from tit_app.ui.operations.map_picture import MapPicture

BAR_WIDTH, BAR_GAP = 14, 34
MARGIN = 22  # room for the orientation letters
CANVAS = QColor("#1b1f24")
TEXT = QColor("#d5dae0")


class HeatmapView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("heatmapView")
        self.setAccessibleName("Envelope map")
        # Fits a 1,024 × 700 window beside the form, with a search's numbers and ranking below it.
        self.setMinimumSize(220, 140)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.picture: MapPicture | None = None
        self._scaled: QPixmap | None = None  # the picture at the size last drawn

    @property
    def sim(self):
        return self.picture.sim if self.picture is not None else None

    @property
    def vmax(self) -> float:
        return self.picture.vmax if self.picture is not None else 1.0

    def set_picture(self, picture: MapPicture | None) -> None:
        self.picture = picture
        self._scaled = None
        if picture is not None:
            self.setAccessibleDescription(f"{picture.sim.grid.plane} slice, colour scale 0 to {picture.vmax:.3g} V/m")
            near_mm = NEAR_SLICE_FRACTION * picture.sim.grid.half_width_mm
            self.setToolTip(f"TI envelope amplitude. Colours run from 0 to {picture.vmax:.3g} V/m, the "
                            f"{CLIP_PERCENTILE:g}th percentile of the head's values; higher values take the top "
                            f"colour. Filled disc: anode; ring: cathode. Faded: more than {near_mm:.0f} mm from "
                            "the slice, projected onto it. Dashed circle: the target ball.")
        self.update()

    def display_side(self) -> int:
        """The map's side in device pixels at the current size (a worker can pre-scale to it)."""
        return max(1, round(self.map_rect().width() * self.devicePixelRatioF()))

    def _scaled_image(self, rect: QRectF, ratio: float) -> QPixmap:
        """Scale once per size: smooth scaling of a large map is too slow to repeat on every paint."""
        side = max(1, round(rect.width() * ratio))
        if self._scaled is None or self._scaled.width() != side:
            display = self.picture.display
            image = display if display is not None and display.width() == side else \
                self.picture.image.scaled(side, side, Qt.IgnoreAspectRatio, Qt.SmoothTransformation)
            self._scaled = QPixmap.fromImage(image)
            self._scaled.setDevicePixelRatio(ratio)
        return self._scaled

    def map_rect(self) -> QRectF:
        """The square the slice is drawn in, leaving room for the letters and the colour bar."""
        width = self.width() - 2 * MARGIN - BAR_GAP - BAR_WIDTH - self._bar_text_width()
        side = max(10.0, min(width, self.height() - 2 * MARGIN))
        left = MARGIN + max(0.0, (width - side) / 2)
        return QRectF(left, (self.height() - side) / 2, side, side)

    def _bar_text_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("≥0.000") + 16

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHints(QPainter.Antialiasing | QPainter.SmoothPixmapTransform | QPainter.TextAntialiasing)
        painter.fillRect(self.rect(), CANVAS)
        if self.sim is None:
            painter.setPen(QColor("#8a939d"))
            painter.drawText(self.rect(), Qt.AlignCenter, "Run the operation to see the map")
            return
        rect = self.map_rect()
        painter.save()
        painter.setClipPath(self._head_path(rect))  # no stair-stepped pixels outside the outline
        painter.drawPixmap(rect.topLeft(), self._scaled_image(rect, painter.device().devicePixelRatioF()))
        painter.restore()
        self._draw_outline(painter, rect)
        self._draw_target(painter, rect)
        self._draw_electrodes(painter, rect)
        self._draw_orientation(painter, rect)
        self._draw_colour_bar(painter, rect)

    def _to_widget(self, rect: QRectF, point_mm) -> QPointF:
        column, row = self.sim.grid.to_pixel(point_mm)
        scale = rect.width() / self.sim.grid.size
        return QPointF(rect.left() + (column + 0.5) * scale, rect.top() + (row + 0.5) * scale)

    def _mm(self, rect: QRectF) -> float:
        return rect.width() / (2 * self.sim.grid.half_width_mm)

    def _head_radius(self, rect: QRectF) -> float:
        grid = self.sim.grid
        return math.sqrt(max(grid.half_width_mm ** 2 - grid.offset_mm ** 2, 0.0)) * self._mm(rect)

    def _head_path(self, rect: QRectF) -> QPainterPath:
        path = QPainterPath()
        radius = self._head_radius(rect) - 0.5  # inside the outline's stroke: no pixel steps show past it
        path.addEllipse(rect.center(), radius, radius)
        return path

    def _draw_outline(self, painter: QPainter, rect: QRectF) -> None:
        radius = self._head_radius(rect)
        painter.setPen(QPen(QColor(255, 255, 255, 230), 2.0))
        painter.setBrush(Qt.NoBrush)
        painter.drawEllipse(rect.center(), radius, radius)

    def _draw_target(self, painter: QPainter, rect: QRectF) -> None:
        centre = self._to_widget(rect, self.sim.target_mm)
        radius = max(self.sim.target_radius_mm * self._mm(rect), 4.0)
        painter.setPen(QPen(Qt.white, 1.6, Qt.DashLine))
        painter.drawEllipse(centre, radius, radius)
        painter.setBrush(Qt.white)
        painter.setPen(Qt.NoPen)
        painter.drawEllipse(centre, 2.2, 2.2)

    def _draw_electrodes(self, painter: QPainter, rect: QRectF) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        font.setBold(True)
        painter.setFont(font)
        for electrode in self.sim.electrodes:
            colour = QColor(*pair_colour(electrode.pair))
            centre = self._to_widget(rect, electrode.position_mm)
            near = near_slice(self.sim.grid, electrode.position_mm)
            colour.setAlpha(255 if near else 150)  # electrodes far from the slice are only projected
            painter.setPen(QPen(QColor(0, 0, 0, 160), 1.2))
            painter.setBrush(colour if electrode.role == "anode" else QColor(CANVAS))
            painter.drawEllipse(centre, 6.0, 6.0)
            if electrode.role == "cathode":
                painter.setPen(QPen(colour, 3.0))
                painter.setBrush(Qt.NoBrush)
                painter.drawEllipse(centre, 4.0, 4.0)
            _halo_text(painter, centre + QPointF(9, -7), electrode.label.lstrip("~"), colour)

    def _draw_orientation(self, painter: QPainter, rect: QRectF) -> None:
        top, bottom, left, right = ORIENTATION.get(self.sim.grid.plane, "    ")
        painter.setPen(QColor("#8a939d"))
        painter.setFont(self.font())
        half = MARGIN - 4
        painter.drawText(QRectF(rect.left(), rect.top() - MARGIN, rect.width(), half), Qt.AlignCenter, top)
        painter.drawText(QRectF(rect.left(), rect.bottom() + 4, rect.width(), half), Qt.AlignCenter, bottom)
        painter.drawText(QRectF(rect.left() - MARGIN, rect.top(), half, rect.height()), Qt.AlignCenter, left)
        painter.drawText(QRectF(rect.right() + 4, rect.top(), half, rect.height()), Qt.AlignCenter, right)

    def _draw_colour_bar(self, painter: QPainter, rect: QRectF) -> None:
        bar = QRectF(rect.right() + BAR_GAP, rect.top() + rect.height() * 0.1, BAR_WIDTH, rect.height() * 0.8)
        gradient = QLinearGradient(bar.bottomLeft(), bar.topLeft())
        table = colour_table()
        for stop in range(0, len(table), 16):
            gradient.setColorAt(stop / (len(table) - 1), QColor(*map(int, table[stop])))
        gradient.setColorAt(1.0, QColor(*map(int, table[-1])))
        painter.setPen(QPen(QColor(255, 255, 255, 90), 1))
        painter.setBrush(gradient)
        painter.drawRect(bar)
        painter.setPen(TEXT)
        painter.setFont(self.font())
        text_width = self._bar_text_width()
        for fraction in (0.0, 0.5, 1.0):
            y = bar.bottom() - fraction * bar.height()
            painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y))
            label = f"{fraction * self.vmax:.3g}" if fraction < 1.0 else f"≥{self.vmax:.3g}"
            painter.drawText(QRectF(bar.right() + 7, y - 9, text_width, 18), Qt.AlignLeft | Qt.AlignVCenter, label)
        painter.drawText(QRectF(bar.left() - 4, bar.top() - 26, text_width, 18), Qt.AlignLeft | Qt.AlignVCenter, "V/m")


def _halo_text(painter: QPainter, at: QPointF, text: str, colour: QColor) -> None:
    """Text with a dark outline, readable on any part of the colour map."""
    path = QPainterPath()
    path.addText(at, painter.font(), text)
    painter.setPen(QPen(QColor(0, 0, 0, 200), 3.0, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    painter.setBrush(Qt.NoBrush)
    painter.drawPath(path)
    painter.setPen(Qt.NoPen)
    painter.setBrush(colour.lighter(130))
    painter.drawPath(path)
