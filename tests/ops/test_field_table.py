"""The tabulated four-shell field against the exact Legendre series: at the
searches' clearance depth, deep and at the centre, with electrodes right
above a point (angle 0), opposite it (angle pi) and anywhere between."""

import numpy as np
import pytest

from tit_app.ops import FlexSearchParams, Head, Target, electrodes
from tit_app.ops.field_table import MIN_DEPTH, FieldTable, PointFields
from tit_app.ops.flex_search import montage_scores, scoring_points
from tit_app.ops.head_model import unit_fields
from tit_app.ops.sampling import DEFAULT_CLEARANCE_MM, sample_points

HEAD = Head().validated()
TOLERANCE = 1e-5     # of the largest field over the points


def _directions(count, seed):
    rng = np.random.default_rng(seed)
    unit = rng.normal(size=(count, 3))
    return unit / np.linalg.norm(unit, axis=1, keepdims=True)


def _electrodes_around(directions, seed):
    """Random scalp positions plus, for each point direction, the electrode
    right above it, one opposite, and ones a hair off those (angles near 0
    and pi)."""
    nudged = directions + 1e-5 * _directions(len(directions), seed + 1)
    nudged /= np.linalg.norm(nudged, axis=1, keepdims=True)
    return HEAD.radius_mm * np.vstack([_directions(20, seed), directions, -directions,
                                       nudged, -nudged])


def _worst_error(points, electrodes, head=HEAD):
    exact = unit_fields(head, electrodes, points)
    got = PointFields(head, points).unit_fields(electrodes)
    return np.max(np.linalg.norm(got - exact, axis=-1)) / np.max(np.linalg.norm(exact, axis=-1))


@pytest.mark.parametrize("depth_mm", [DEFAULT_CLEARANCE_MM, 30.0, 70.0, 91.0])
def test_the_table_agrees_with_the_series(depth_mm):
    directions = _directions(30, int(depth_mm))
    points = directions * (HEAD.radius_mm - depth_mm)
    assert _worst_error(points, _electrodes_around(directions, 7)) <= TOLERANCE


def test_each_point_agrees_to_its_own_largest_field():
    """Stricter than the brief: relative to each point's own largest field,
    so deep points (weak fields) are as accurate as shallow ones."""
    directions = _directions(40, 3)
    depth = np.linspace(DEFAULT_CLEARANCE_MM, HEAD.radius_mm - 1.0, 40)[:, None]
    points = directions * (HEAD.radius_mm - depth)
    electrodes = _electrodes_around(directions, 11)
    exact = unit_fields(HEAD, electrodes, points)
    got = PointFields(HEAD, points).unit_fields(electrodes)
    per_point = np.max(np.linalg.norm(exact, axis=-1), axis=1)
    error = np.max(np.linalg.norm(got - exact, axis=-1), axis=1)
    assert np.all(error <= TOLERANCE * per_point)


def test_the_centre_and_layered_heads_are_covered():
    """The centre (no direction), a point in each layer of a head with thick
    shells, and the scalp and shallow points that fall back to the series."""
    head = Head(shell_thicknesses_mm=(4.0, 8.0, 6.0)).validated()
    radii = np.array([0.0, 40.0, 73.0, 76.0, 80.0, 84.0, 86.5, 89.0, 91.9])
    directions = _directions(len(radii), 5)
    points = directions * radii[:, None]
    electrodes = _electrodes_around(directions, 13)
    fields = PointFields(head, points)
    tabled = radii <= head.radius_mm * (1.0 - MIN_DEPTH)
    assert _worst_error(points, electrodes, head) <= TOLERANCE
    np.testing.assert_array_equal(fields.unit_fields(electrodes)[~tabled],
                                  unit_fields(head, electrodes, points[~tabled]))


def test_the_error_falls_with_more_nodes(monkeypatch):
    """The interpolation converges: a coarser table is clearly worse, so the
    agreement above is the table's and not a coincidence."""
    directions = _directions(30, 17)
    points = directions * (HEAD.radius_mm - DEFAULT_CLEARANCE_MM)
    electrodes = _electrodes_around(directions, 19) / HEAD.radius_mm
    exact = unit_fields(HEAD, electrodes * HEAD.radius_mm, points)
    errors = []
    for nodes in (24, 48, 96):
        monkeypatch.setattr("tit_app.ops.field_table.NODES", nodes)
        got = FieldTable(HEAD, points).unit_fields(electrodes)
        errors.append(np.max(np.linalg.norm(got - exact, axis=-1)))
    assert errors[0] > 4 * errors[1] > 16 * errors[2]


def test_the_homogeneous_head_and_untabulated_points_use_the_exact_field():
    points = _directions(10, 23) * 60.0
    electrodes = _electrodes_around(_directions(3, 29), 31)
    homogeneous = Head(model="homogeneous").validated()
    np.testing.assert_array_equal(PointFields(homogeneous, points).unit_fields(electrodes),
                                  unit_fields(homogeneous, electrodes, points))
    np.testing.assert_array_equal(PointFields(HEAD, points, tabulate=False).unit_fields(electrodes),
                                  unit_fields(HEAD, electrodes, points))


def test_flex_search_scores_montages_on_the_table_as_on_the_series():
    """The optimisation points of flex_search use the table; its scores of
    montages equal those from the series to well within 1e-5."""
    params = FlexSearchParams(target=Target((50.0, 0.0, 0.0))).validated()
    samples = sample_points(params.target, params.sampling, params.head,
                            np.random.default_rng(0), params.clearance_mm)
    tabled = scoring_points(samples, params.head, tabulate=True)
    exact = scoring_points(samples, params.head, tabulate=False)
    for names in [("T8", "P8", "F8", "C4"), ("Fz", "Pz", "T7", "T8"), ("C6", "FT8", "TP8", "CP6")]:
        positions = np.array([electrodes.position_mm(n, params.head.radius_mm) for n in names])
        scores = montage_scores(positions, params, tabled)
        assert min(scores) > 0.0
        np.testing.assert_allclose(scores, montage_scores(positions, params, exact), rtol=1e-6)
