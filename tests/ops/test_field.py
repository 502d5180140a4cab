"""The sphere solution: linear in current, a true potential field, and no
current crossing the scalp except at the electrodes."""

import numpy as np
import pytest

from tit_app.ops import electrodes
from tit_app.ops.field import pair_field, pair_potential

RADIUS, SIGMA = 92.0, 0.33


def _inside_points(count=50, seed=3, max_radius=85.0):
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=(count, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    return direction * rng.uniform(0.0, max_radius, size=(count, 1))


def _field(anode="F7", cathode="P8", current=1.0, points=None):
    points = _inside_points() if points is None else points
    return pair_field(electrodes.position_mm(anode, RADIUS),
                      electrodes.position_mm(cathode, RADIUS), current, points,
                      RADIUS, SIGMA)


@pytest.mark.parametrize("current", [0.25, 1.0, 2.0, 7.5])
def test_field_is_linear_in_current(current):
    np.testing.assert_allclose(_field(current=current), current * _field(),
                               rtol=1e-12)


def test_swapping_anode_and_cathode_flips_the_field():
    np.testing.assert_allclose(_field("P8", "F7"), -_field("F7", "P8"),
                               rtol=1e-12)


def test_field_is_minus_the_gradient_of_the_potential():
    points = _inside_points(20)
    a, b = (electrodes.position_mm(n, RADIUS) for n in ("C3", "O2"))
    step = 1e-4  # mm
    gradient = np.stack([
        (pair_potential(a, b, 1.0, points + step * axis, RADIUS, SIGMA)
         - pair_potential(a, b, 1.0, points - step * axis, RADIUS, SIGMA))
        / (2 * step) for axis in np.eye(3)], axis=-1)
    # V per mm -> V per m.
    np.testing.assert_allclose(_field("C3", "O2", points=points),
                               -1e3 * gradient, rtol=1e-6, atol=1e-9)


def test_no_current_leaves_through_the_scalp_away_from_electrodes():
    rng = np.random.default_rng(5)
    normals = rng.normal(size=(200, 3))
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    anode, cathode = (electrodes.position_mm(n, RADIUS) for n in ("T7", "Fz"))
    away = np.all([np.linalg.norm(normals * RADIUS - e, axis=1) > 20.0
                   for e in (anode, cathode)], axis=0)
    surface = normals[away] * RADIUS * (1.0 - 1e-9)
    field = pair_field(anode, cathode, 1.0, surface, RADIUS, SIGMA)
    normal_part = np.einsum("ij,ij->i", field, normals[away])
    assert np.max(np.abs(normal_part)) < 1e-8 * np.max(np.linalg.norm(field, axis=1))


def test_centre_field_of_opposite_electrodes_by_hand():
    # T7 at -R x, T8 at +R x, centre point: each source contributes
    # 2/R^2 (image term) + 1/R^2 (boundary term) along +x, twice: 6/R^2.
    field = _field("T7", "T8", points=np.zeros((1, 3)))[0]
    expected = 1e-3 / (4 * np.pi * SIGMA) * 6 / (RADIUS * 1e-3) ** 2
    np.testing.assert_allclose(field, [expected, 0.0, 0.0], atol=1e-15)
