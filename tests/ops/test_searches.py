"""ex_search counts and scores every distinct assignment once (both
orientations when the currents differ); flex_search is a real, reproducible
optimisation within its budget."""

import itertools
import math

import numpy as np
import pytest

from tit_app.ops import (
    ExSearchParams,
    FlexSearchParams,
    Sampling,
    SliceSpec,
    electrodes,
    ex_search,
    flex_search,
)
from tit_app.ops.envelope import max_envelope
from tit_app.ops.ex_search import montage_chunks, montage_count
from tit_app.ops.nelder_mead import minimise
from tit_app.ops.sampling import sample_points
from tit_app.ops.simulation import pair_fields

SMALL_SLICE = SliceSpec(size=16)


def _canonical(a, b, c, d):
    """A montage with pair order and order within pairs forgotten."""
    return frozenset({frozenset({a, b}), frozenset({c, d})})


def _ordered(a, b, c, d):
    """A montage with only the order within each pair forgotten: which pair
    carries which current still matters."""
    return (frozenset({a, b}), frozenset({c, d}))


def _brute_force_montages(n, key):
    return {key(*p) for p in itertools.permutations(range(n), 4)}


@pytest.mark.parametrize("n", [4, 5, 6, 10])
def test_montage_count_matches_formula_and_brute_force(n):
    formula = math.factorial(n) // (math.factorial(n - 4) * 8)
    assert montage_count(n) == formula
    assert len(_brute_force_montages(n, _canonical)) == formula
    enumerated = [tuple(row) for chunk in montage_chunks(n, True, 7) for row in chunk]
    assert len(enumerated) == formula
    assert {_canonical(*m) for m in enumerated} == _brute_force_montages(n, _canonical)


@pytest.mark.parametrize("n", [4, 5, 6, 10])
def test_different_currents_count_both_orientations(n):
    formula = math.comb(n, 2) * math.comb(n - 2, 2)
    assert montage_count(n, equal_currents=False) == formula == 2 * montage_count(n)
    enumerated = [tuple(row) for chunk in montage_chunks(n, False, 7) for row in chunk]
    assert len(enumerated) == formula
    assert {_ordered(*m) for m in enumerated} == _brute_force_montages(n, _ordered)


def test_ex_search_reports_the_count_and_ranks_best_first():
    names = ("F7", "F8", "P7", "P8", "Cz", "Oz")
    result = ex_search(ExSearchParams(electrodes=names, top_n=4,
                                      slice=SMALL_SLICE))
    assert result.combinations == 45
    targets = [m.target_value for m in result.top_by_envelope]
    focalities = [m.focality for m in result.top_by_focality]
    assert targets == sorted(targets, reverse=True)
    assert focalities == sorted(focalities, reverse=True)
    assert len(targets) == len(focalities) == 4


def _direct_scores(names, currents, params):
    """(target mean, focality) of every assignment, from pair fields and
    the envelope of two vectors, keyed by _ordered names."""
    params = params.validated()
    samples = sample_points(params.target, params.sampling, params.head,
                            np.random.default_rng(params.seed), params.clearance_mm)
    count = samples.target_count

    def score(pair1, pair2):
        # The head's own field model, pair by pair, as vectors.
        first, second = pair_fields(
            tuple((electrodes.position_mm(a, params.head.radius_mm),
                   electrodes.position_mm(b, params.head.radius_mm), current)
                  for (a, b), current in zip((pair1, pair2), currents)),
            samples.points_mm, params.head)
        env = max_envelope(first, second)
        return env[:count].mean(), env[:count].mean() / env[count:].mean()

    return {_ordered(a, b, c, d): score((a, b), (c, d))
            for a, b, c, d in itertools.permutations(names, 4)}


def test_ex_search_scores_match_a_direct_computation():
    names = ("F7", "F8", "P7", "P8", "Cz")
    params = ExSearchParams(electrodes=names, top_n=15, slice=SMALL_SLICE,
                            sampling=Sampling(8, 64), min_target_fraction=0.0)
    result = ex_search(params)
    expected = _direct_scores(names, (1.0, 1.0), params)
    assert len(result.top_by_envelope) == montage_count(5) == 15
    for montage in result.top_by_envelope:
        target, focality = expected[_ordered(*montage.pair1, *montage.pair2)]
        # Summed dot products round differently from vectors: ~1e-8 apart.
        assert montage.target_value == pytest.approx(target, rel=1e-6)
        assert montage.focality == pytest.approx(focality, rel=1e-6)
    best = max(expected.values(), key=lambda v: v[1])
    assert result.top_by_focality[0].focality == pytest.approx(best[1], rel=1e-6)


def test_ex_search_with_different_currents_finds_the_best_assignment():
    """Issue 13: at 1 mA and 3 mA half of the assignments were never scored,
    the best one among them."""
    names = ("F7", "F8", "T7", "T8", "P7", "P8", "Fz", "Pz")
    params = ExSearchParams(electrodes=names, current1_ma=1.0, current2_ma=3.0,
                            top_n=3, slice=SMALL_SLICE, min_target_fraction=0.0)
    result = ex_search(params)
    assert result.combinations == math.comb(8, 2) * math.comb(6, 2) == 420
    expected = _direct_scores(names, (1.0, 3.0), params)
    assert len(expected) == 420
    best_key = max(expected, key=lambda key: expected[key][1])
    top = result.top_by_focality[0]
    assert _ordered(*top.pair1, *top.pair2) == best_key
    assert top.focality == pytest.approx(expected[best_key][1], rel=1e-6)
    # Swapping the currents of the best montage's pairs scores differently,
    # so the old "pair 1 takes the lowest index" enumeration was incomplete.
    swapped = expected[(best_key[1], best_key[0])]
    assert swapped[1] != pytest.approx(top.focality, rel=1e-3)


def test_equal_currents_score_half_as_many_montages():
    names = ("F7", "F8", "T7", "T8", "P7", "P8", "Fz", "Pz")
    result = ex_search(ExSearchParams(electrodes=names, current1_ma=2.0,
                                      current2_ma=2.0, slice=SMALL_SLICE))
    assert result.combinations == math.comb(8, 2) * math.comb(6, 2) // 2


def test_ex_search_map_is_the_top_of_the_chosen_ranking():
    names = ("F7", "F8", "P7", "P8", "Cz", "Fz")
    for rank_by, ranking in (("focality", "top_by_focality"),
                             ("combined", "top_by_combined")):
        result = ex_search(ExSearchParams(electrodes=names, rank_by=rank_by,
                                          slice=SMALL_SLICE))
        best = getattr(result, ranking)[0]
        labels = [e.label for e in result.sim.electrodes]
        assert labels == [*best.pair1, *best.pair2]
        assert result.ranked_by == rank_by


def test_flex_search_is_reproducible_and_spends_its_budget():
    params = FlexSearchParams(budget=150, seed=7, slice=SMALL_SLICE)
    first, second = flex_search(params), flex_search(params)
    np.testing.assert_array_equal(first.angles_deg, second.angles_deg)
    assert first.nearest_names == second.nearest_names
    assert first.focality == second.focality
    assert first.evaluations == 150


def test_flex_search_result_is_consistent():
    result = flex_search(FlexSearchParams(budget=300, slice=SMALL_SLICE))
    assert result.angles_deg.shape == (4, 2)
    assert np.all((result.angles_deg[:, 0] >= 0) &
                  (result.angles_deg[:, 0] <= 112.5))
    assert all(name in electrodes.NAMES for name in result.nearest_names)
    assert [e.label for e in result.sim.electrodes] == list(result.nearest_names)
    positions = np.array([e.position_mm for e in result.sim.electrodes])
    np.testing.assert_allclose(
        positions, [electrodes.position_mm(n, 92.0) for n in result.nearest_names])
    gaps = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
    assert np.all(gaps[np.triu_indices(4, 1)] >= 25.0)
    assert result.focality > 1.0


def test_flex_search_with_a_budget_of_one():
    result = flex_search(FlexSearchParams(budget=1, slice=SMALL_SLICE))
    assert result.evaluations == 1


def test_nelder_mead_finds_a_minimum_within_its_budget():
    calls = []

    def bowl(x):
        calls.append(1)
        return (x[0] - 1.0) ** 2 + 10 * (x[1] + 2.0) ** 2 + 3.0

    found = minimise(bowl, [5.0, 5.0], 1.0, budget=400, x_tolerance=1e-8)
    assert len(calls) == found.evaluations <= 400
    np.testing.assert_allclose(found.x, [1.0, -2.0], atol=1e-5)
    assert found.value == pytest.approx(3.0)
    limited = minimise(bowl, [5.0, 5.0], 1.0, budget=5)
    assert limited.evaluations == 5
