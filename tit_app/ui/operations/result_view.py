"""The results area of an operation: the map, its key numbers as tiles, and (ex_search) the ranking."""

from __future__ import annotations

from html import escape

from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from tit_app.ops.map_style import AXIS_OF_PLANE, pair_colour
from tit_app.ops.results import ExSearchResult, FlexResult, pair_roles, simulation_of
from tit_app.ui.operations.heatmap import HeatmapView
from tit_app.ui.operations.map_picture import ShownResult
from tit_app.ui.operations.ranking import RankingView


# The split's first heights: in a 1,024 × 700 window the ranking shows four rows, the map the rest.
SPLIT_MAP, SPLIT_RANKING = 340, 240


def montage_html(sim) -> str:
    parts = []
    for number, roles in pair_roles(sim.electrodes).items():
        anode, cathode = (roles.get(role, "?").lstrip("~") for role in ("anode", "cathode"))
        colour = "#%02x%02x%02x" % pair_colour(number)
        parts.append(f"<span style='color:{colour}'>●</span>&nbsp;{escape(anode)}&nbsp;→&nbsp;{escape(cathode)}")
    return "&nbsp;&nbsp; ".join(parts)


def metric_values(result, readings) -> list[tuple[str, str, str]]:
    """(caption, value, tooltip) for each tile: the named numbers, then the slice they were taken on."""
    grid = simulation_of(result).grid
    tiles = [(r.figure.name, r.text, r.figure.definition + (f" Not given: {r.note}." if r.note else ""))
             for r in readings]
    tiles.append(("Slice", f"{grid.plane.capitalize()} {AXIS_OF_PLANE[grid.plane]} = {grid.offset_mm:g} mm",
                  f"The drawn slice: {grid.size} × {grid.size} points. The slice figures are taken on it; "
                  "the 3-D ones do not depend on it."))
    return tiles


def montage_caption(result) -> tuple[str, str]:
    """The montage line's caption and its tooltip."""
    if isinstance(result, FlexResult):
        near = ", ".join(f"{n} ({o:.0f}°)" for n, o in zip(result.nearest_names, result.nearest_offsets_deg))
        return (f"Best free positions (nearest 10-10 site): {escape(near)}",
                "The optimised electrode positions, each named after the nearest 10-10 site and the angle to it.")
    if isinstance(result, ExSearchResult):
        return "Mapped montage (ranked first)", "The map and the numbers above are of this montage."
    return "Montage (anode → cathode)", "Each pair's anode and cathode, coloured as on the map."


def _styled_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)  # style.qss gives each kind its font and colour
    return label


class MetricTile(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.caption = _styled_label("metricCaption")
        self.value = _styled_label("metricValue")
        self.value.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.caption.setWordWrap(True)  # a narrow tile wraps its caption instead of widening the page
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def show_metric(self, caption: str, value: str, tooltip: str) -> None:
        self.caption.setText(caption)
        self.value.setText(value)
        for widget in (self, self.caption, self.value):
            widget.setToolTip(tooltip)
        self.setAccessibleName(f"{caption}: {value}")


class MetricsCard(QFrame):
    MAX_TILES = 8
    ROW_TILES = 2  # tiles per row under a simulation's map: with the form, they fit a 1,024-pixel-wide window
    SEARCH_ROW_TILES = 4  # under a search's map, above its ranking: two short rows leave the map its height

    def __init__(self, columns: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("metricsCard")
        self.setProperty("compact", columns > self.ROW_TILES)  # style.qss: smaller values in narrow tiles
        self.tiles = [MetricTile() for _ in range(self.MAX_TILES)]
        self.montage_caption = _styled_label("metricCaption")
        self.montage = _styled_label("metricText")
        self.montage.setTextFormat(Qt.RichText)
        for label in (self.montage_caption, self.montage):  # long lists wrap instead of widening the window
            label.setWordWrap(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(16 if columns <= self.ROW_TILES else 10)
        grid.setVerticalSpacing(8)
        for index, tile in enumerate(self.tiles):
            grid.addWidget(tile, index // columns, index % columns)
        grid.setColumnStretch(columns, 1)
        below = QVBoxLayout()
        below.setSpacing(2)
        below.addWidget(self.montage_caption)
        below.addWidget(self.montage)
        grid.addLayout(below, grid.rowCount(), 0, 1, columns + 1)

    def set_result(self, result, readings=()) -> None:
        metrics = metric_values(result, readings) if result is not None else []
        for index, tile in enumerate(self.tiles):
            tile.setVisible(index < len(metrics))
            if index < len(metrics):
                tile.show_metric(*metrics[index])
        caption, tooltip = montage_caption(result) if result is not None else ("", "")
        self.montage_caption.setText(caption)
        self.montage.setText(montage_html(simulation_of(result)) if result is not None else "")
        for label in (self.montage_caption, self.montage):
            label.setToolTip(tooltip)
        self.setVisible(result is not None)


class ResultView(QWidget):
    montage_opened = pyqtSignal(object)

    def __init__(self, with_ranking: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.heatmap = HeatmapView()
        self.metrics = MetricsCard(columns=MetricsCard.SEARCH_ROW_TILES if with_ranking else MetricsCard.ROW_TILES)
        self.ranking = RankingView() if with_ranking else None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if self.ranking is None:
            layout.addWidget(self._map_and_numbers())
        else:
            layout.addWidget(self._ranking_layout())
        self.show_result(None)

    def _map_and_numbers(self) -> QWidget:
        """The map as wide as the results area (its colour bar needs room beside it), its numbers below."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.heatmap, 1)
        column.addWidget(self.metrics)
        return box

    def _ranking_layout(self) -> QSplitter:
        """The map and its numbers on top, the full-width ranking below: on a 1,024 × 700 screen the
        map stays readable and the ranking shows several rows, and the user may move the split."""
        self.ranking.montage_opened.connect(self.montage_opened)
        top = self._map_and_numbers()
        splitter = QSplitter(Qt.Vertical)  # the user decides how much room the map and the table get
        splitter.addWidget(top)
        splitter.addWidget(self.ranking)
        splitter.setStretchFactor(0, 1)  # a taller window gives the map the extra height
        splitter.setSizes([SPLIT_MAP, SPLIT_RANKING])
        splitter.setChildrenCollapsible(False)
        return splitter

    def show_result(self, shown: ShownResult | None) -> None:
        """Show a finished run (None clears the area)."""
        self.shown = shown
        self.result = shown.result if shown is not None else None
        self.heatmap.set_picture(shown.picture if shown is not None else None)
        self.metrics.set_result(self.result, shown.readings if shown is not None else ())
        if self.ranking is not None:
            self.ranking.set_result(self.result)
