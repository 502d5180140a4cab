"""The 10-10 positions: names, the sphere, the stated convention."""

import numpy as np
import pytest

from tit_app.ops import electrodes

# The 10-10 sites of the ACNS guideline (Acharya et al. 2016), written out
# by hand so the generator is checked against an independent list.
ACNS_10_10 = """
Nz Fp1 Fpz Fp2 AF7 AF3 AFz AF4 AF8
F9 F7 F5 F3 F1 Fz F2 F4 F6 F8 F10
FT9 FT7 FC5 FC3 FC1 FCz FC2 FC4 FC6 FT8 FT10
T9 T7 C5 C3 C1 Cz C2 C4 C6 T8 T10
TP9 TP7 CP5 CP3 CP1 CPz CP2 CP4 CP6 TP8 TP10
P9 P7 P5 P3 P1 Pz P2 P4 P6 P8 P10
PO7 PO3 POz PO4 PO8 O1 Oz O2 Iz
""".split()


def test_all_standard_names_are_there():
    missing = set(ACNS_10_10) - set(electrodes.NAMES)
    assert not missing
    assert len(electrodes.NAMES) == len(set(electrodes.NAMES)) == 85


@pytest.mark.parametrize("name", electrodes.NAMES)
def test_every_position_is_on_the_sphere(name):
    radius = 92.0
    assert np.linalg.norm(electrodes.position_mm(name, radius)) == \
        pytest.approx(radius, rel=1e-12)
    theta, phi = electrodes.angles(name)
    assert 0.0 <= theta <= 112.5 + 1e-9
    assert -180.0 < phi <= 180.0


def test_convention_landmarks():
    assert electrodes.angles("Cz")[0] == pytest.approx(0.0)
    assert electrodes.angles("Fpz") == pytest.approx((90.0, 90.0))
    assert electrodes.angles("T7") == pytest.approx((90.0, 180.0))
    assert electrodes.angles("T8") == pytest.approx((90.0, 0.0))
    assert electrodes.angles("Oz") == pytest.approx((90.0, -90.0))
    assert electrodes.position_mm("Nz", 1.0)[1] > 0.9     # nose is +y
    assert electrodes.FIDUCIALS["LPA"][0] < -0.9          # left ear is -x
    assert electrodes.FIDUCIALS["RPA"][0] > 0.9


def test_midline_and_coronal_steps_are_ten_percent():
    for name, theta in (("AFz", 67.5), ("Fz", 45.0), ("FCz", 22.5),
                        ("CPz", 22.5), ("Pz", 45.0), ("POz", 67.5),
                        ("C1", 22.5), ("C3", 45.0), ("C5", 67.5),
                        ("T9", 112.5)):
        assert electrodes.angles(name)[0] == pytest.approx(theta), name


def test_odd_left_even_right_mirror_images():
    for name in electrodes.NAMES:
        digits = "".join(c for c in name if c.isdigit())
        if not digits:
            assert electrodes.position_mm(name, 1.0)[0] == pytest.approx(0.0, abs=1e-12)
            continue
        number = int(digits)
        if number % 2:
            partner = name[: -len(digits)] + str(number + 1)
            left = electrodes.position_mm(name, 1.0)
            right = electrodes.position_mm(partner, 1.0)
            assert left[0] < 0
            np.testing.assert_allclose(right, left * [-1, 1, 1], atol=1e-12)


def test_rows_run_between_ring_and_midline():
    # F3 lies between F7 and Fz along the row, as in the 10-20 rules.
    f7, f3, fz = (electrodes.position_mm(n, 1.0) for n in ("F7", "F3", "Fz"))
    assert np.dot(f7, f3) == pytest.approx(np.dot(f3, fz), rel=1e-9)


def test_names_are_case_insensitive_and_old_names_map():
    assert electrodes.canonical_name("fp1") == "Fp1"
    assert electrodes.canonical_name(" CZ ") == "Cz"
    assert electrodes.canonical_name("T3") == "T7"
    assert electrodes.canonical_name("XX") is None
    assert electrodes.canonical_name(7) is None


def test_nearest_name_finds_each_site():
    for name in electrodes.NAMES:
        found, offset = electrodes.nearest_name(electrodes.position_mm(name, 80.0))
        assert found == name
        assert offset == pytest.approx(0.0, abs=1e-5)


def _rotation_about_z(degrees):
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


@pytest.mark.parametrize("name, tenths", [
    ("AF9", 2), ("F9", 3), ("FT9", 4), ("T9", 5), ("TP9", 6), ("P9", 7), ("PO9", 8),
    ("AF10", -2), ("F10", -3), ("FT10", -4), ("T10", -5), ("TP10", -6), ("P10", -7),
    ("PO10", -8)])
def test_nine_ten_sites_divide_the_lower_circumference_in_tenths(name, tenths):
    # The 10-10 rule: the lower circumference runs through Nz, T9/T10 and Iz
    # (10 % of nasion-inion below the Fpz-T7-Oz ring, i.e. 22.5 degrees on the
    # sphere), and its half from Nz to Iz is cut into ten equal arcs; the
    # left sites count from Nz towards the left ear (+ tenths), the right
    # ones towards the right ear.
    below = np.radians(22.5)
    nasion = np.array([0.0, np.cos(below), -np.sin(below)])
    expected = _rotation_about_z(18.0 * tenths) @ nasion
    np.testing.assert_allclose(electrodes.position_mm(name, 1.0), expected, atol=1e-12)
