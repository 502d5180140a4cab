"""Bad parameters are refused before any work, naming the field."""

import pytest

from tit_app.ops import (
    ExSearchParams,
    FlexSearchParams,
    Head,
    Pair,
    ParamError,
    SimMTIParams,
    SimTIParams,
    SliceSpec,
    Target,
    ex_search,
    flex_search,
    sim_mti,
    sim_ti,
)


def _refused(operation, params, field):
    calls = []
    with pytest.raises(ParamError) as caught:
        operation(params, calls.append)
    assert caught.value.field == field
    assert field in str(caught.value)
    assert calls == []          # not even "0 %": nothing started
    return str(caught.value)


def test_unknown_electrode():
    message = _refused(sim_ti, SimTIParams(pair1=Pair("F7", "XX9")),
                       "pair1.cathode")
    assert "XX9" in message


def test_reused_electrode():
    message = _refused(sim_ti, SimTIParams(pair2=Pair("P7", "P8")),
                       "pair2.anode")
    assert "pair1.cathode" in message


def test_reused_electrode_across_four_pairs():
    _refused(sim_mti, SimMTIParams(pair4=Pair("FC6", "F7")), "pair4.cathode")


def test_reuse_is_found_whatever_the_spelling():
    _refused(sim_ti, SimTIParams(pair2=Pair("f7", "P8")), "pair2.anode")


@pytest.mark.parametrize("current", [0, -1.0, float("nan"), "2", True])
def test_non_positive_or_non_numeric_current(current):
    _refused(sim_ti, SimTIParams(pair2=Pair("F8", "P8", current)),
             "pair2.current_ma")


def test_target_outside_the_head():
    message = _refused(sim_ti, SimTIParams(target=Target((0, 0, 95))),
                       "target.centre_mm")
    assert "outside the head" in message


def test_target_must_have_three_coordinates():
    _refused(sim_ti, SimTIParams(target=Target((0, 0))), "target.centre_mm")


@pytest.mark.parametrize("spec, field", [
    (SliceSpec(plane="oblique"), "slice.plane"),
    (SliceSpec(size=4), "slice.size"),
    (SliceSpec(size=128.0), "slice.size"),
    (SliceSpec(offset_mm=100.0), "slice.offset_mm"),
])
def test_bad_slice(spec, field):
    _refused(sim_ti, SimTIParams(slice=spec), field)


def test_bad_head():
    _refused(sim_ti, SimTIParams(head=Head(conductivity_s_per_m=0)),
             "head.conductivity_s_per_m")


@pytest.mark.parametrize("budget", [0, -5, 2.5])
def test_budget_below_one(budget):
    _refused(flex_search, FlexSearchParams(budget=budget), "budget")


def test_flex_currents_and_separation():
    _refused(flex_search, FlexSearchParams(current2_ma=-2), "current2_ma")
    _refused(flex_search, FlexSearchParams(min_separation_mm=-1),
             "min_separation_mm")


def test_fewer_than_four_electrodes():
    message = _refused(ex_search, ExSearchParams(electrodes=("F7", "F8", "Cz")),
                       "electrodes")
    assert "at least 4" in message


def test_duplicate_and_unknown_in_the_list():
    _refused(ex_search, ExSearchParams(electrodes=("F7", "F8", "Cz", "f7")),
             "electrodes[3]")
    _refused(ex_search, ExSearchParams(electrodes=("F7", "F8", "Cz", "Q1")),
             "electrodes[3]")
    _refused(ex_search, ExSearchParams(electrodes="F7,F8,Cz,Pz"), "electrodes")


def test_top_n_at_least_one():
    _refused(ex_search, ExSearchParams(top_n=0), "top_n")


def test_target_too_large_to_leave_room_for_samples():
    params = ExSearchParams(target=Target((0, 0, 0), 85.0))
    with pytest.raises(ParamError, match="target.radius_mm"):
        ex_search(params)


def test_param_error_is_a_value_error():
    error = ParamError("budget", "must be at least 1")
    assert isinstance(error, ValueError)
    assert (error.field, error.message) == ("budget", "must be at least 1")
    assert str(error) == "budget: must be at least 1"


def test_validated_returns_standard_spelling_and_slice_through_target():
    params = SimTIParams(pair1=Pair("f7", "t5"), target=Target((0, 10, 20)),
                         slice=SliceSpec("coronal")).validated()
    assert (params.pair1.anode, params.pair1.cathode) == ("F7", "P7")
    assert params.slice.offset_mm == 10.0
