"""The saved figure: a real PNG with what a reader needs (scale, clip, orientation, names, legend)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.text import Text
from PIL import Image

from tit_app.ops import Pair, SimTIParams, SliceSpec, sim_ti
from tit_app.ops.figure import DPI, SIZE_IN, result_figure, write_figure
from tit_app.ops import map_style
from tit_app.ops.map_style import MISSING, colour_limit, colour_table, colour_values, near_slice


def _cie_lightness(rgb):
    """CIE L* of sRGB colours (the standard sRGB -> Y -> L* formulas)."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])
    f = np.where(y > 216 / 24389, np.cbrt(y), (24389 / 27 * y + 16) / 116)
    return 116 * f - 16


def test_colour_table_is_viridis_and_gets_brighter():
    table = colour_table()
    exact = colormaps["viridis"](np.linspace(0, 1, 256))[:, :3] * 255
    assert np.abs(table - exact).max() <= 0.5          # only 8-bit rounding
    lightness = _cie_lightness(table.astype(float))
    assert np.diff(lightness).min() > -0.05 and lightness[-1] - lightness[0] > 70   # 8-bit rounding may dip


def test_colour_values_marks_missing_and_clips():
    image = colour_values(np.array([[np.nan, 0.0, 5.0, 99.0]]), vmax=5.0)
    table = colour_table()
    assert tuple(image[0, 0]) == MISSING
    assert tuple(image[0, 1]) == tuple(table[0])
    assert tuple(image[0, 2]) == tuple(image[0, 3]) == tuple(table[-1])


@pytest.fixture(scope="module")
def coronal():
    """A coronal slice 50 mm forward: F7 and F8 (y = 54 mm) lie near it, P7 and P8 do not."""
    return sim_ti(SimTIParams(pair1=Pair("F7", "P7"), pair2=Pair("F8", "P8"),
                              slice=SliceSpec(plane="coronal", offset_mm=50.0, size=48)))


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def test_figure_states_units_clip_orientation_names_and_legend(coronal):
    figure = result_figure(coronal)
    texts = _texts(figure)
    joined = "\n".join(texts)
    vmax = np.percentile(coronal.envelope[np.isfinite(coronal.envelope)], 99)
    assert vmax == pytest.approx(colour_limit(coronal.envelope))
    assert "V/m" in figure.axes[1].get_ylabel()                       # the colour bar
    assert f"clipped at {vmax:.3g}" in figure.axes[1].get_ylabel()
    assert f"0 to {vmax:.3g} V/m, the 99th percentile" in joined
    assert {"S", "I", "L", "R"} <= set(texts)                          # coronal orientation
    assert {"F7", "P7", "F8", "P8"} <= set(texts)                      # every electrode named
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "pair 1 anode F7" in legend and "pair 2 cathode P8" in legend
    assert any("from the slice" in entry for entry in legend)
    assert any(entry.startswith("target ball") for entry in legend)
    assert "Focality on slice: " in joined and "Envelope at target centre: " in joined


def test_electrodes_far_from_the_slice_are_drawn_faded(coronal):
    figure = result_figure(coronal)
    names = {t.get_text(): t for t in figure.axes[0].texts}
    near = {e.label: near_slice(coronal.grid, e.position_mm) for e in coronal.electrodes}
    assert near == {"F7": True, "P7": False, "F8": True, "P8": False}
    for label, is_near in near.items():
        assert (names[label].get_alpha() or 1.0) == (1.0 if is_near else pytest.approx(0.45))
        assert names[label].get_fontstyle() == ("normal" if is_near else "italic")


def test_written_png_decodes_and_shows_the_anode_in_its_pair_colour(tmp_path, coronal):
    path = write_figure(coronal, tmp_path / "map.png")
    with Image.open(path) as image:
        image.verify()                                                 # every chunk and its CRC
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (round(SIZE_IN[0] * DPI), round(SIZE_IN[1] * DPI))
        pixels = np.asarray(image.convert("RGB"))
    figure = result_figure(coronal)
    figure.canvas.draw()
    f7 = next(e for e in coronal.electrodes if e.label == "F7")
    column, row = figure.axes[0].transData.transform((f7.position_mm[0], f7.position_mm[2]))
    height = pixels.shape[0]
    assert tuple(pixels[round(height - row), round(column)]) == map_style.PAIR_COLOURS[0]  # a filled disc


def test_figure_needs_no_display_and_loads_no_gui_toolkit(tmp_path):
    """Even with a GUI backend asked for and no display, the CLI's figure is drawn by Agg alone."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["MPLBACKEND"] = "qtagg"
    script = (
        "import sys\n"
        "from tit_app.ops import SimTIParams, SliceSpec, sim_ti\n"
        "from tit_app.ops.figure import write_figure\n"
        "write_figure(sim_ti(SimTIParams(slice=SliceSpec(size=16))), sys.argv[1])\n"
        "gui = ('PyQt5', 'tkinter', 'matplotlib.pyplot')\n"
        "print(sorted(m for m in sys.modules if m.startswith(gui)))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "x.png")], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "x.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
