"""The PNG writer produces a decodable file; rendering draws what it says."""

import io

import numpy as np
import pytest
from PIL import Image

from tit_app.ops import Pair, SimTIParams, SliceSpec, sim_ti
from tit_app.ops.colormap import TABLE, colour_values
from tit_app.ops.png import SIGNATURE, encode_png, write_png
from tit_app.ops.render import PAIR_COLOURS, WHITE, render_result


def _decode(data):
    """The pixels as an independent decoder (Pillow) reads them: a check of the file, not of our encoder."""
    assert data[:8] == SIGNATURE
    with Image.open(io.BytesIO(data)) as image:
        image.verify()                                        # every chunk, and its CRC
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.mode == "RGB"   # 8-bit truecolour
        return np.asarray(image)


def test_png_round_trips_pixels(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(7, 11, 3), dtype=np.uint8)
    path = write_png(tmp_path / "x.png", image)
    np.testing.assert_array_equal(_decode(path.read_bytes()), image)


def test_png_rejects_wrong_arrays():
    with pytest.raises(ValueError, match="rgb"):
        encode_png(np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(ValueError, match="rgb"):
        encode_png(np.zeros((4, 4, 3), dtype=float))


def _cie_lightness(rgb):
    """CIE L* of sRGB colours (the standard sRGB -> Y -> L* formulas)."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])
    f = np.where(y > 216 / 24389, np.cbrt(y), (24389 / 27 * y + 16) / 116)
    return 116 * f - 16


def test_colour_table_gets_brighter_from_low_to_high():
    lightness = _cie_lightness(TABLE.astype(float))
    assert len(TABLE) == 256
    assert np.all(np.diff(lightness) >= 0)    # 8-bit rounding may tie
    assert lightness[-1] - lightness[0] > 70


def test_colour_values_marks_missing_and_clips():
    image = colour_values(np.array([[np.nan, 0.0, 5.0, 99.0]]), vmax=5.0)
    assert tuple(image[0, 0]) == (24, 24, 24)
    assert tuple(image[0, 1]) == tuple(TABLE[0])
    assert tuple(image[0, 2]) == tuple(image[0, 3]) == tuple(TABLE[-1])


def test_render_draws_outline_electrodes_and_target():
    result = sim_ti(SimTIParams(pair1=Pair("T7", "Fpz"), pair2=Pair("T8", "Oz"),
                                slice=SliceSpec(size=64)))
    image = render_result(result)
    assert image.shape == (512, 512, 3) and image.dtype == np.uint8
    rows, columns = np.mgrid[0:512, 0:512]
    on_outline = np.abs(np.hypot(rows - 255.5, columns - 255.5) - 256.0) < 0.5
    white = np.all(image == WHITE, axis=-1)
    assert white[on_outline].mean() > 0.9     # markers cover a little of it
    # T7 is the anode of pair 1: a disc in pair 1's colour at the left edge, mid-height.
    assert tuple(image[256, 2]) == PAIR_COLOURS[0]
    # The target centre dot.
    assert tuple(image[256, 256]) == WHITE
    assert tuple(image[5, 5]) == (24, 24, 24)   # outside the head
    decoded = _decode(encode_png(image))
    np.testing.assert_array_equal(decoded, image)
