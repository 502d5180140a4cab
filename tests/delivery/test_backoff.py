"""Backoff is a value with pure methods: tested without a clock or a random generator."""

from __future__ import annotations

import email.utils
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tit_app.telemetry.backoff import Backoff, parse_retry_after

NOW = 1_767_614_400.0


def test_ceiling_doubles_from_base_and_stops_at_cap():
    policy = Backoff()
    assert [policy.ceiling(n) for n in range(1, 6)] == [5.0, 10.0, 20.0, 40.0, 80.0]
    assert policy.ceiling(11) == 3600.0  # 5 * 2**10 = 5120 is over the cap
    assert policy.ceiling(10_000) == 3600.0


def test_full_jitter_scales_the_ceiling_by_the_draw():
    policy = Backoff()
    assert policy.delay(4, 0.5) == pytest.approx(0.5 * 40.0)
    assert policy.delay(4, 0.999) == pytest.approx(0.999 * 40.0)


def test_a_near_zero_draw_still_waits_the_floor():
    assert Backoff().delay(1, 0.0) == 1.0
    assert Backoff(floor_s=0.0).delay(1, 0.0) == 0.0


def test_wait_never_undercuts_the_servers_retry_after():
    policy = Backoff()
    assert policy.wait(1, 0.5, 120.0) == 120.0
    assert policy.wait(3, 0.5, 1.0) == pytest.approx(10.0)
    assert policy.wait(3, 0.5, None) == pytest.approx(10.0)


@given(attempt=st.integers(min_value=0, max_value=10**6), rand=st.floats(min_value=0.0, max_value=1.0))
def test_delay_is_always_between_floor_and_cap(attempt, rand):
    policy = Backoff()
    assert policy.floor_s <= policy.delay(attempt, rand) <= policy.cap_s


def test_backoff_is_immutable():
    with pytest.raises(AttributeError):
        Backoff().base_s = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("value, expected", [("120", 120.0), (" 0 ", 0.0), ("1.5", 1.5)])
def test_retry_after_in_delta_seconds(value, expected):
    assert parse_retry_after(value, NOW) == expected


def test_retry_after_as_an_http_date():
    value = email.utils.formatdate(NOW + 90, usegmt=True)
    assert parse_retry_after(value, NOW) == pytest.approx(90.0)


def test_retry_after_date_in_the_past_means_now():
    assert parse_retry_after(email.utils.formatdate(NOW - 90, usegmt=True), NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "nan", "inf", "Mon, 99 Foo 2026", "12abc"])
def test_retry_after_garbage_or_negative_is_none(value):
    assert parse_retry_after(value, NOW) is None


@given(st.text(max_size=40))
def test_retry_after_never_raises(value):
    result = parse_retry_after(value, NOW)
    assert result is None or (math.isfinite(result) and result >= 0)
