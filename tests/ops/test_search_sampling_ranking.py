"""Sample points keep their distance from the electrodes, and the ranking
applies its intensity floor and combined score (issue 13, defects 3 and 5)."""

import math

import numpy as np
import pytest

from tit_app.ops import (
    ExSearchParams,
    ParamError,
    Sampling,
    SliceSpec,
    Target,
    build_params,
    electrodes,
    ex_search,
)
from tit_app.ops.params import Head
from tit_app.ops.sampling import sample_points

SMALL_SLICE = SliceSpec(size=16)
NAMES = ("F7", "F8", "T7", "T8", "P7", "P8", "Fz", "Pz", "Cz", "Oz")


@pytest.mark.parametrize("clearance", [0.0, 12.0, 16.0])
def test_every_sample_point_keeps_the_clearance_from_every_site(clearance):
    target = Target((0.0, 0.0, 80.0), 10.0)
    samples = sample_points(target, Sampling(32, 512), Head(),
                            np.random.default_rng(3), clearance)
    sites = np.array([electrodes.position_mm(name, 92.0) for name in electrodes.NAMES])
    gaps = np.linalg.norm(samples.points_mm[:, None] - sites[None], axis=-1)
    assert gaps.min() >= clearance
    assert np.linalg.norm(samples.points_mm, axis=1).max() < 92.0 - clearance
    assert samples.target_count == 32
    in_ball = np.linalg.norm(samples.points_mm[:32] - (0.0, 0.0, 80.0), axis=1)
    assert in_ball.max() <= 10.0
    rest = np.linalg.norm(samples.points_mm[32:] - (0.0, 0.0, 80.0), axis=1)
    assert rest.min() > 10.0 and len(rest) == 512


def test_a_target_inside_the_clearance_is_refused_with_the_reason():
    target = Target((0.0, 0.0, 88.0), 2.0)
    with pytest.raises(ParamError) as raised:
        sample_points(target, Sampling(), Head(), np.random.default_rng(0), 12.0)
    assert raised.value.field == "target.centre_mm"
    assert "clearance" in raised.value.message


def test_sample_means_depend_on_the_seed_less_than_independent_points():
    """The shifted lattice: means over the rest points of a smooth function
    of position vary across seeds far less than over independent points."""
    target, head, count = Target((20.0, 0.0, 0.0)), Head(), 1024
    radius = 0.85 * 92.0

    def squared_height(points):
        return np.mean(points[:, 2] ** 2)

    lattice = [squared_height(sample_points(target, Sampling(16, count), head,
                                            np.random.default_rng(seed)).points_mm[16:])
               for seed in range(16)]
    independent = []
    for seed in range(16):
        rng = np.random.default_rng(1000 + seed)
        points = rng.uniform(-radius, radius, size=(20 * count, 3))
        inside = (np.linalg.norm(points, axis=1) < radius) & \
            (np.linalg.norm(points - target.centre_mm, axis=1) > target.radius_mm)
        independent.append(squared_height(points[inside][:count]))
    assert np.std(lattice) < 0.5 * np.std(independent)


@pytest.mark.parametrize("clearance, message", [(-1.0, "between 0"), (92.0, "between 0")])
def test_clearance_is_checked(clearance, message):
    with pytest.raises(ParamError, match=message):
        ExSearchParams(clearance_mm=clearance).validated()


def test_rank_choice_and_floor_are_checked():
    with pytest.raises(ParamError, match="focality, combined"):
        ExSearchParams(rank_by="strongest").validated()
    with pytest.raises(ParamError, match="between 0 and 1"):
        ExSearchParams(min_target_fraction=1.5).validated()


def test_options_reach_the_search_parameters():
    params = build_params("ex_search", {"rank_by": "combined", "min_target_fraction": 0.25,
                                        "clearance": 5.0})
    assert (params.rank_by, params.min_target_fraction, params.clearance_mm) == \
        ("combined", 0.25, 5.0)
    assert build_params("flex_search", {"clearance": 7.0}).clearance_mm == 7.0


def test_floor_keeps_weak_montages_out_of_the_focality_ranking():
    floor_fraction = 0.6  # here the most focal montage reaches only 52 % of the strongest
    params = dict(electrodes=NAMES, target=Target((30.0, 20.0, 20.0)), top_n=500,
                  slice=SMALL_SLICE)
    unfloored = ex_search(ExSearchParams(min_target_fraction=0.0, **params))
    floored = ex_search(ExSearchParams(min_target_fraction=floor_fraction, **params))
    strongest = floored.top_by_envelope[0].target_value
    assert strongest == unfloored.top_by_envelope[0].target_value
    assert floored.min_target_v_per_m == pytest.approx(floor_fraction * strongest)
    for montage in (*floored.top_by_focality, *floored.top_by_combined):
        assert montage.target_value >= floored.min_target_v_per_m
    # Without the floor the most focal montage here is a weak one.
    assert unfloored.top_by_focality[0].target_value < floor_fraction * strongest
    kept = [m for m in unfloored.top_by_focality if m.target_value >= floor_fraction * strongest]
    assert floored.top_by_focality[0] == kept[0]


def test_combined_ranking_is_target_times_focality_best_first():
    result = ex_search(ExSearchParams(electrodes=NAMES, top_n=20, min_target_fraction=0.0,
                                      slice=SMALL_SLICE))
    combined = [m.combined for m in result.top_by_combined]
    assert combined == sorted(combined, reverse=True)
    for montage in result.top_by_combined:
        assert montage.combined == pytest.approx(montage.target_value * montage.focality)
    everything = {(m.pair1, m.pair2): m for m in (*result.top_by_envelope,
                                                  *result.top_by_focality,
                                                  *result.top_by_combined)}
    assert max(m.combined for m in everything.values()) == pytest.approx(combined[0])


def test_ranked_montages_name_four_distinct_electrodes():
    result = ex_search(ExSearchParams(electrodes=NAMES, target=Target((0.0, 0.0, 70.0)),
                                      slice=SMALL_SLICE))
    for montage in (*result.top_by_envelope, *result.top_by_focality, *result.top_by_combined):
        assert len({*montage.pair1, *montage.pair2}) == 4
    assert result.combinations == 3 * math.comb(len(NAMES), 4)
