"""sim_ti and sim_mti maps: symmetry, the head mask, target values."""

import numpy as np
import pytest

from tit_app.ops import Head, Pair, SimMTIParams, SimTIParams, SliceSpec, Target, electrodes, sim_mti, sim_ti
from tit_app.ops.envelope import max_envelope
from tit_app.ops.field import pair_field
from tit_app.ops.head_model import pair_fields

MIRRORED = dict(pair1=Pair("FT7", "TP7"), pair2=Pair("FT8", "TP8"))


@pytest.mark.parametrize("plane", ["axial", "coronal"])
def test_mirrored_montage_gives_left_right_symmetric_map(plane):
    result = sim_ti(SimTIParams(**MIRRORED, slice=SliceSpec(plane, 12.0, 64)))
    image = result.envelope
    np.testing.assert_allclose(image, image[:, ::-1], rtol=1e-9,
                               equal_nan=True)
    assert np.isfinite(image).sum() > 0.5 * image.size


def test_mirrored_four_pair_montage_is_symmetric_too():
    params = SimMTIParams(pair1=Pair("F7", "P7"), pair2=Pair("F8", "P8"),
                          pair3=Pair("C5", "CP5"), pair4=Pair("C6", "CP6"),
                          slice=SliceSpec("axial", 20.0, 48))
    image = sim_mti(params).envelope
    np.testing.assert_allclose(image, image[:, ::-1], rtol=1e-9,
                               equal_nan=True)


def test_outside_the_head_is_nan_and_inside_is_finite():
    result = sim_ti(SimTIParams(slice=SliceSpec("sagittal", 30.0, 40)))
    points = result.grid.points_mm
    inside = np.linalg.norm(points, axis=-1) < 92.0
    assert np.all(np.isnan(result.envelope[~inside]))
    assert np.all(np.isfinite(result.envelope[inside]))
    assert np.all(result.envelope[inside] >= 0.0)


def test_axial_image_has_the_nose_at_the_top():
    result = sim_ti(SimTIParams(slice=SliceSpec(size=16)))
    points = result.grid.points_mm
    assert points[0, 8, 1] > 80 and points[-1, 8, 1] < -80       # +y on top
    assert points[8, 0, 0] < -80 and points[8, -1, 0] > 80       # +x right


def test_target_value_is_the_envelope_at_the_target():
    target = (10.0, -20.0, 30.0)
    result = sim_ti(SimTIParams(target=Target(target), slice=SliceSpec(size=16),
                                head=Head(model="homogeneous")))
    point = np.array([target])
    first, second = (pair_field(electrodes.position_mm(a, 92.0),
                                electrodes.position_mm(c, 92.0), 1.0, point,
                                92.0, 0.33)
                     for a, c in (("F7", "P7"), ("F8", "P8")))
    assert result.target_value == pytest.approx(max_envelope(first, second)[0])
    assert result.grid.offset_mm == 30.0   # slice goes through the target


def test_focality_compares_target_with_the_rest_of_the_slice():
    result = sim_ti(SimTIParams(slice=SliceSpec(size=64)))
    grid = result.grid
    outside_target = np.linalg.norm(grid.points_mm, axis=-1) > 10.0
    rest = result.envelope[grid.inside & outside_target]
    assert result.focality == pytest.approx(result.target_value / rest.mean())
    assert result.focality > 1.0    # this montage focuses on the centre


def test_envelope_scales_with_both_currents():
    base = sim_ti(SimTIParams(slice=SliceSpec(size=24)))
    doubled = sim_ti(SimTIParams(pair1=Pair("F7", "P7", 2.0),
                                 pair2=Pair("F8", "P8", 2.0),
                                 slice=SliceSpec(size=24)))
    np.testing.assert_allclose(doubled.envelope, 2 * base.envelope,
                               rtol=1e-12, equal_nan=True)


def test_mti_is_at_most_the_sum_of_the_channels():
    spec = SliceSpec(size=24)
    both = sim_mti(SimMTIParams(slice=spec))
    channel_a = sim_ti(SimTIParams(slice=spec))
    channel_b = sim_ti(SimTIParams(pair1=Pair("FC5", "CP5"),
                                   pair2=Pair("FC6", "CP6"), slice=spec))
    inside = np.isfinite(both.envelope)
    assert np.all(both.envelope[inside] <= (
        channel_a.envelope + channel_b.envelope)[inside] + 1e-12)


def test_carrier_magnitudes_and_radial_envelope_are_mapped_too():
    result = sim_ti(SimTIParams(slice=SliceSpec("coronal", 5.0, 24)))
    head = SimTIParams().head.validated()
    row, column = 6, 15
    point = result.grid.points_mm[row, column]
    montage = [(electrodes.position_mm(a, 92.0), electrodes.position_mm(c, 92.0), 1.0)
               for a, c in (("F7", "P7"), ("F8", "P8"))]
    e1, e2 = (f[0] for f in pair_fields(head, montage, point[None, :]))
    assert len(result.carrier_magnitudes) == 2
    assert result.carrier_magnitudes[0][row, column] == pytest.approx(np.linalg.norm(e1))
    assert result.carrier_magnitudes[1][row, column] == pytest.approx(np.linalg.norm(e2))
    n = point / np.linalg.norm(point)
    # Grossman's envelope along n: | |(E1 + E2) . n| - |(E1 - E2) . n| |.
    radial = abs(abs((e1 + e2) @ n) - abs((e1 - e2) @ n))
    assert result.radial_envelope[row, column] == pytest.approx(radial)
    inside = np.isfinite(result.envelope)
    assert np.all(result.radial_envelope[inside] <= result.envelope[inside] + 1e-12)
    assert np.all(np.isnan(result.radial_envelope[~inside]))


def test_mti_maps_four_carriers():
    result = sim_mti(SimMTIParams(slice=SliceSpec(size=16)))
    assert len(result.carrier_magnitudes) == 4
    inside = np.isfinite(result.envelope)
    assert np.all(result.radial_envelope[inside] <= result.envelope[inside] + 1e-9)
