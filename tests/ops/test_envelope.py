"""The TI envelope formulas against hand-computed values and brute force."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tit_app.ops.envelope import directional_envelope, envelope_from_products, max_envelope
from tit_app.ops.multichannel import combined_envelope

SQRT2 = np.sqrt(2.0)


def _brute_force_max(e1, e2, count=200_000):
    """Largest directional envelope over many directions on the sphere."""
    rng = np.random.default_rng(0)
    n = rng.normal(size=(count, 3))
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return np.max(np.abs(np.abs(n @ (e1 + e2)) - np.abs(n @ (e1 - e2))))


@pytest.mark.parametrize("e1, e2, expected", [
    # Parallel: |E1+E2| - |E1-E2| along the common axis = 3 - 1.
    ((2, 0, 0), (1, 0, 0), 2.0),
    # Anti-parallel is the same after flipping E2.
    ((2, 0, 0), (-1, 0, 0), 2.0),
    # Perpendicular unit fields: best along (1, 1, 0)/sqrt 2, 2/sqrt 2.
    ((1, 0, 0), (0, 1, 0), SQRT2),
    # |E2| = 0.8 <= |E1| cos 60 = 1: the 2|E2| branch.
    ((2, 0, 0), (0.4, 0.4 * np.sqrt(3), 0), 1.6),
    # |E2| = 0.6 sqrt 2 > |E1| cos 45 = 0.707: the other branch,
    # 2 |E2 x (E1 - E2)| / |E1 - E2| = 2 * 0.6 / sqrt(0.52).
    ((1, 0, 0), (0.6, 0.6, 0), 1.2 / np.sqrt(0.52)),
    # The same with an obtuse angle: E2 is flipped first.
    ((1, 0, 0), (-0.6, -0.6, 0), 1.2 / np.sqrt(0.52)),
    # The larger field given second: swapped per point.
    ((0.6, 0.6, 0), (1, 0, 0), 1.2 / np.sqrt(0.52)),
])
def test_max_envelope_hand_values(e1, e2, expected):
    assert max_envelope(e1, e2) == pytest.approx(expected, rel=1e-12)
    assert _brute_force_max(np.array(e1, float), np.array(e2, float)) == \
        pytest.approx(expected, rel=2e-3)


def test_directional_envelope_hand_values():
    e1, e2 = np.array([1.0, 0, 0]), np.array([0, 1.0, 0])
    assert directional_envelope(e1, e2, (1, 0, 0)) == pytest.approx(0.0)
    assert directional_envelope(e1, e2, (1, 1, 0)) == pytest.approx(SQRT2)
    # Along the common axis of parallel fields: |3| - |1|.
    assert directional_envelope([2, 0, 0], [1, 0, 0], (5, 0, 0)) == \
        pytest.approx(2.0)
    # Unnormalised direction is normalised; a direction across both is 0.
    assert directional_envelope([2, 0, 0], [1, 0, 0], (0, 0, 3)) == 0.0


def test_envelope_is_zero_where_one_field_vanishes():
    rng = np.random.default_rng(1)
    fields = rng.normal(size=(100, 3))
    zeros = np.zeros_like(fields)
    np.testing.assert_array_equal(max_envelope(fields, zeros), 0.0)
    np.testing.assert_array_equal(max_envelope(zeros, fields), 0.0)
    np.testing.assert_array_equal(
        directional_envelope(fields, zeros, (0.3, -0.2, 0.9)), 0.0)


def test_envelope_is_vectorised_and_keeps_nan():
    e1 = np.array([[1.0, 0, 0], [np.nan, 0, 0], [2, 0, 0]])
    e2 = np.array([[0.0, 1, 0], [0, 1, 0], [1, 0, 0]])
    result = max_envelope(e1, e2)
    assert result[0] == pytest.approx(SQRT2)
    assert np.isnan(result[1])
    assert result[2] == pytest.approx(2.0)


vectors = arrays(np.float64, 3, elements=st.floats(-10, 10, allow_nan=False))


@settings(deadline=None, max_examples=150)
@given(vectors, vectors, vectors)
def test_no_direction_beats_the_maximum(e1, e2, n):
    if np.linalg.norm(n) < 1e-6:
        n = np.array([0.0, 0.0, 1.0])
    assert directional_envelope(e1, e2, n) <= max_envelope(e1, e2) + 1e-9


@settings(deadline=None, max_examples=25)
@given(vectors, vectors)
def test_maximum_matches_brute_force(e1, e2):
    exact = max_envelope(e1, e2)
    sampled = _brute_force_max(e1, e2, 50_000)
    assert sampled <= exact + 1e-9
    assert sampled >= exact * 0.97 - 1e-9


def test_multichannel_with_one_channel_off_is_plain_ti():
    rng = np.random.default_rng(2)
    e1, e2 = rng.normal(size=(2, 500, 3))
    off = np.zeros((500, 3))
    # The maximum is found numerically (closed-form eigenvectors): 1e-7.
    np.testing.assert_allclose(combined_envelope((e1, e2), (off, off)),
                               max_envelope(e1, e2), rtol=1e-7)


def _coherent_depth(e1, e2, e3, e4, n):
    """| ||(E_a + E_b) . n|| - ||(E_a - E_b) . n|| | over the two channels, per direction."""
    u = np.hypot(n @ (e1 + e2), n @ (e3 + e4))
    v = np.hypot(n @ (e1 - e2), n @ (e3 - e4))
    return np.abs(u - v)


def test_multichannel_is_the_best_direction_and_at_most_the_sum():
    rng = np.random.default_rng(4)
    e1, e2, e3, e4 = rng.normal(size=(4, 40, 3))
    combined = combined_envelope((e1, e2), (e3, e4))
    assert np.all(combined <= max_envelope(e1, e2) + max_envelope(e3, e4) + 1e-12)
    n = rng.normal(size=(200_000, 3))
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    for i in range(len(combined)):
        sampled = np.max(_coherent_depth(e1[i], e2[i], e3[i], e4[i], n))
        # No sampled direction beats it; dense sampling comes within 1 %
        # (it misses the cone-shaped peaks by a little).
        assert combined[i] >= sampled - 1e-9
        assert combined[i] <= sampled * 1.01


def test_multichannel_depends_on_the_beat_phase():
    rng = np.random.default_rng(6)
    e1, e2, e3, e4 = rng.normal(size=(4, 30, 3))
    in_phase = combined_envelope((e1, e2), (e3, e4))
    reversed_pair = combined_envelope((-e1, e2), (e3, e4))
    assert np.max(np.abs(in_phase - reversed_pair)) > 0.1 * np.max(in_phase)
    # Reversing both pairs of a channel (or every pair) is only a phase of pi for it.
    np.testing.assert_allclose(combined_envelope((-e1, -e2), (e3, e4)), in_phase, rtol=1e-9)


def test_equal_fields_and_rounding_at_the_branch_boundary():
    e = np.array([0.3, -0.4, 1.2])
    assert max_envelope(e, e) == pytest.approx(2 * np.linalg.norm(e))
    # Products of equal fields that rounding left a hair apart.
    assert envelope_from_products(1.0, 1.0, 1.0 - 1e-15) == pytest.approx(2.0)
    assert envelope_from_products(1.0, 1.0 + 1e-15, 1.0) == pytest.approx(2.0)
