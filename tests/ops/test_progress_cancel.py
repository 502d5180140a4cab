"""The progress and cancel contract, for every operation."""

import threading

import pytest

from tit_app.ops import (
    Cancelled,
    CancelToken,
    ExSearchParams,
    FlexSearchParams,
    SimMTIParams,
    SimTIParams,
    ex_search,
    flex_search,
    sim_mti,
    sim_ti,
)
from tit_app.ops.progress import Reporter

OPERATIONS = [
    pytest.param(sim_ti, SimTIParams(), id="sim_ti"),
    pytest.param(sim_mti, SimMTIParams(), id="sim_mti"),
    pytest.param(flex_search, FlexSearchParams(budget=300), id="flex_search"),
    pytest.param(ex_search, ExSearchParams(), id="ex_search"),
]
SAFETY_TIMEOUT_S = 10.0   # only so a broken cancel cannot hang the suite


@pytest.mark.parametrize("operation, params", OPERATIONS)
def test_progress_is_monotonic_and_ends_at_100(operation, params):
    seen = []
    operation(params, seen.append)
    assert all(isinstance(p, int) and 0 <= p <= 100 for p in seen)
    assert seen == sorted(seen)
    assert seen[0] == 0 and seen[-1] == 100
    assert seen.count(100) == 1
    assert len(seen) >= 3    # something in between, not just 0 and 100


@pytest.mark.parametrize("operation, params", OPERATIONS)
def test_cancel_from_another_thread_stops_at_the_next_check(operation, params):
    token = CancelToken()
    paused, resume = threading.Event(), threading.Event()
    calls = []   # (percent, whether the token was already cancelled)

    def progress(percent):
        calls.append((percent, token.cancelled))
        if percent > 0 and not paused.is_set():
            paused.set()            # the operation is mid-way: hold it here
            resume.wait(SAFETY_TIMEOUT_S)

    outcome = {}

    def work():
        try:
            operation(params, progress, token)
            outcome["ended"] = "finished"
        except Cancelled:
            outcome["ended"] = "cancelled"

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    assert paused.wait(SAFETY_TIMEOUT_S)
    token.cancel()                  # from this thread, not the worker
    resume.set()
    worker.join(SAFETY_TIMEOUT_S)
    assert not worker.is_alive()
    assert outcome["ended"] == "cancelled"
    # The next check raised: no progress was reported after the cancel.
    assert [p for p, cancelled in calls if cancelled] == []
    assert calls[-1][0] < 100


@pytest.mark.parametrize("operation, params", OPERATIONS)
def test_cancelled_before_start_does_nothing(operation, params):
    token = CancelToken()
    token.cancel()
    seen = []
    with pytest.raises(Cancelled):
        operation(params, seen.append, token)
    assert seen == []


def test_token():
    token = CancelToken()
    assert not token.cancelled
    token.raise_if_cancelled()
    token.cancel()
    assert token.cancelled
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


def test_reporter_keeps_100_for_the_end_and_drops_repeats():
    seen = []
    reporter = Reporter(seen.append)
    reporter.start()
    for done in (0.001, 0.002, 0.5, 0.4, 1.0, 1.5):
        reporter.fraction(done)
    half = reporter.span(0.5, 1.0)
    half.fraction(0.5)
    reporter.finish()
    assert seen == [0, 50, 99, 100]
