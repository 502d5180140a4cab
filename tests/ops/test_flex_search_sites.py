"""flex_search reports honest scores for a montage on distinct 10-10 sites,
and its default budget gives a seed-independent answer (issue 13, defect 4)."""

import numpy as np
import pytest

from tit_app.ops import FlexSearchParams, Sampling, SliceSpec, Target, electrodes, flex_search
from tit_app.ops.params import Head
from tit_app.ops.sampling import sample_points, sample_scores
from tit_app.ops.simulation import ti_envelope_at

SMALL_SLICE = SliceSpec(size=16)
LATERAL = Target((50.0, 0.0, 0.0))


def _site_positions(result):
    return np.array([electrodes.position_mm(name, 92.0) for name in result.nearest_names])


def _gaps(positions):
    gaps = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
    return gaps[np.triu_indices(4, 1)]


@pytest.fixture(scope="module")
def lateral_runs():
    """Default budget and restarts, three seeds, and seed 0 once more."""
    runs = [flex_search(FlexSearchParams(target=LATERAL, seed=seed, slice=SMALL_SLICE))
            for seed in (0, 1, 2)]
    return runs, flex_search(FlexSearchParams(target=LATERAL, seed=0, slice=SMALL_SLICE))


def test_lateral_target_puts_every_electrode_on_its_side_for_every_seed(lateral_runs):
    runs, _ = lateral_runs
    for result in runs:
        x = _site_positions(result)[:, 0]
        # Midline sites (x = 0) are not on the wrong side.
        assert np.all(x >= -1e-9), result.nearest_names


def test_sites_are_distinct_and_separated(lateral_runs):
    runs, _ = lateral_runs
    for result in runs:
        assert len(set(result.nearest_names)) == 4
        assert _gaps(_site_positions(result)).min() >= FlexSearchParams().min_separation_mm


def test_same_seed_same_result(lateral_runs):
    runs, again = lateral_runs
    first = runs[0]
    assert again.nearest_names == first.nearest_names
    np.testing.assert_array_equal(again.angles_deg, first.angles_deg)
    assert (again.target_value, again.focality, again.search_focality) == \
        (first.target_value, first.focality, first.search_focality)


def test_reported_scores_match_an_independent_dense_evaluation(lateral_runs):
    """The scores come from fresh points: a much larger independent sample
    agrees with them to within sampling error."""
    result = lateral_runs[0][0]
    positions = _site_positions(result)
    montage = ((positions[0], positions[1], 1.0), (positions[2], positions[3], 1.0))
    dense = sample_points(LATERAL, Sampling(256, 16384), Head(), np.random.default_rng(99))
    envelope = ti_envelope_at(montage, dense.points_mm, Head())
    target, focality = sample_scores(envelope, dense.target_count)
    assert result.target_value == pytest.approx(float(target), rel=0.03)
    assert result.focality == pytest.approx(float(focality), rel=0.03)
    # The optimiser's own number is a different one, of the free optimum.
    assert result.search_focality != result.focality


def test_superficial_target_gets_distinct_sites_even_without_a_separation():
    """Issue 13: two electrodes came out as "Cz" for a target at (0, 0, 80)."""
    result = flex_search(FlexSearchParams(target=Target((0.0, 0.0, 80.0)), budget=600,
                                          min_separation_mm=0.0, slice=SMALL_SLICE))
    assert len(set(result.nearest_names)) == 4
    assert len({e.label for e in result.sim.electrodes}) == 4


def test_superficial_target_is_not_scored_inside_the_scalp():
    """With points right under the electrodes the issue saw focality 51.6 and
    2.8 V/m per mA; the clearance keeps the score to the brain side."""
    params = FlexSearchParams(target=Target((0.0, 0.0, 80.0)), budget=600, slice=SMALL_SLICE)
    result = flex_search(params)
    assert result.focality < 51.6 / 2
    assert result.target_value < 2.8 * 0.75
