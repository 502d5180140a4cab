"""Saving results (PNG, NPZ, JSON, CSV), reopening them, and one name per number."""

import csv
import dataclasses
import io
import json

import numpy as np
import pytest

from tit_app.ops import (
    ExSearchParams,
    FlexSearchParams,
    SimMTIParams,
    SimTIParams,
    SliceSpec,
    ex_search,
    figures,
    flex_search,
    load,
    read_result,
    save,
    sim_mti,
    sim_ti,
    summary_lines,
)
from tit_app.ops.output import output_paths
from tit_app.ops.readout import readings, values_by_key
from tit_app.ops.results import simulation_of

SMALL = SliceSpec(size=24)
EX = ExSearchParams(electrodes=("F7", "F8", "P7", "P8", "Cz"), top_n=3, slice=SMALL).validated()


@pytest.fixture(scope="module")
def ex():
    return ex_search(EX)


def test_output_paths_share_one_stem():
    assert [p.name for p in output_paths("out/run1").values()] == ["run1.png", "run1.npz", "run1.json", "run1.csv"]
    assert output_paths("run1.png")["npz"].name == "run1.npz"
    assert output_paths("a.b")["json"].name == "a.b.json"


def test_simulation_saves_every_file_and_reloads(tmp_path):
    params = SimMTIParams(slice=SMALL).validated()
    result = sim_mti(params)
    written = save(result, tmp_path / "mti", params)
    assert [p.name for p in written] == ["mti.png", "mti.npz", "mti.json"]   # no ranking: no CSV
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = load(tmp_path / "mti")
    np.testing.assert_array_equal(data["envelope_v_per_m"], result.envelope)
    assert str(data["kind"]) == "sim_mti" and str(data["plane"]) == "axial"
    assert float(data[figures.TARGET_CENTRE.key]) == result.target_value
    assert float(data[figures.SLICE_FOCALITY.key]) == result.focality
    assert list(data["electrode_labels"]) == ["F7", "P7", "F8", "P8", "FC5", "CP5", "FC6", "CP6"]
    assert data["electrode_positions_mm"].shape == (8, 3)


def test_the_sidecar_holds_every_parameter_the_model_and_the_definitions(tmp_path):
    params = SimTIParams(slice=SliceSpec(plane="sagittal", size=16)).validated()
    save(sim_ti(params), tmp_path / "ti", params)
    sidecar = json.loads((tmp_path / "ti.json").read_text(encoding="utf-8"))
    assert sidecar["operation"] == "sim_ti" and sidecar["format_version"] == 1
    assert sidecar["parameters"]["pair1"] == {"anode": "F7", "cathode": "P7", "current_ma": 1.0}
    assert sidecar["parameters"]["slice"] == {"plane": "sagittal", "offset_mm": 0.0, "size": 16}
    assert sidecar["parameters"]["target"] == {"centre_mm": [0.0, 0.0, 0.0], "radius_mm": 10.0}
    assert sidecar["model"]["head"]["class"] == "Head"
    assert sidecar["model"]["head"]["radius_mm"] == params.head.radius_mm
    focality = sidecar["figures"][figures.SLICE_FOCALITY.key]
    assert focality["name"] == "Focality on slice" and focality["definition"] == figures.SLICE_FOCALITY.definition
    assert set(sidecar["arrays"]) == set(load(tmp_path / "ti"))            # every NPZ key is described
    assert all(sidecar["arrays"].values())
    assert sidecar["files"] == {"png": "ti.png", "npz": "ti.npz", "json": "ti.json"}


def test_the_ranking_csv_has_every_list_and_score(tmp_path, ex):
    save(ex, tmp_path / "ex", EX)
    rows = list(csv.reader(io.StringIO((tmp_path / "ex.csv").read_text(encoding="utf-8"))))
    assert rows[0] == ["ranked_by", "rank", "pair1_anode", "pair1_cathode", "pair2_anode", "pair2_cathode",
                       figures.TARGET_MEAN_3D.key, figures.FOCALITY_3D.key, figures.COMBINED_3D.key]
    by_focality = [r for r in rows[1:] if r[0] == figures.FOCALITY_3D.key]
    assert [int(r[1]) for r in by_focality] == [1, 2, 3]
    best = ex.top_by_focality[0]
    assert by_focality[0][2:6] == [*best.pair1, *best.pair2]
    assert float(by_focality[0][6]) == best.target_value and float(by_focality[0][7]) == best.focality
    assert float(by_focality[0][8]) == pytest.approx(best.target_value * best.focality, rel=1e-12)
    assert len([r for r in rows[1:] if r[0] == figures.TARGET_MEAN_3D.key]) == 3
    by_combined = [float(r[8]) for r in rows[1:] if r[0] == figures.COMBINED_3D.key]
    assert len(by_combined) == 3 and by_combined == sorted(by_combined, reverse=True)


@pytest.mark.parametrize("make", [
    lambda: (sim_ti(SimTIParams(slice=SMALL)), None),
    lambda: (flex_search(FlexSearchParams(budget=40, slice=SMALL)), None),
    lambda: (ex_search(EX), EX),
])
def test_a_saved_result_reopens_with_the_same_numbers(tmp_path, make):
    result, params = make()
    save(result, tmp_path / "r", params)
    reopened = read_result(tmp_path / "r.npz")
    assert type(reopened.result) is type(result)
    assert values_by_key(reopened.result) == pytest.approx(values_by_key(result), nan_ok=True)
    assert summary_lines(reopened.result) == summary_lines(result)
    np.testing.assert_array_equal(simulation_of(reopened.result).envelope, simulation_of(result).envelope)
    assert reopened.sidecar["operation"] == result.kind


def test_reopening_something_else_says_what_is_wrong(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="junk.npz is not a readable NPZ"):
        read_result(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", values=np.arange(3))
    with pytest.raises(ValueError, match="not a tit_app result"):
        read_result(tmp_path / "other.npz")
    with pytest.raises(OSError):
        read_result(tmp_path / "missing.npz")


def test_one_montage_has_the_same_named_numbers_in_the_ranking_cli_and_npz(tmp_path, ex):
    """The defect: the ranking said 0.0986 / 1.898 and the tiles 0.106 / 2.21 under the same names."""
    best = ex.top_by_focality[0]
    shown = {r.figure.key: r.value for r in readings(ex)}
    assert shown[figures.TARGET_MEAN_3D.key] == best.target_value     # the mapped montage's ranking row
    assert shown[figures.FOCALITY_3D.key] == best.focality
    assert shown[figures.TARGET_CENTRE.key] == ex.sim.target_value
    save(ex, tmp_path / "ex", EX)
    data = load(tmp_path / "ex")
    for key, value in shown.items():
        assert float(data[key]) == value, key
    text = "\n".join(summary_lines(ex))
    for reading in readings(ex):
        assert f"{reading.figure.name}  " in text and reading.text in text
    assert "At target" not in text and "focality     " not in text       # the old, ambiguous labels


def test_slice_figures_say_when_the_slice_misses_the_target():
    hit = sim_ti(SimTIParams(slice=SliceSpec(plane="coronal", size=32)))
    missed = sim_ti(SimTIParams(slice=SliceSpec(plane="coronal", offset_mm=40.0, size=32)))
    assert np.isfinite(values_by_key(hit)[figures.SLICE_FOCALITY.key])
    focality = next(r for r in readings(missed) if r.figure is figures.SLICE_FOCALITY)
    assert np.isnan(focality.value) and "misses the target" in focality.text
    assert "Focality on slice          n/a (the slice misses the target ball)" in summary_lines(missed)


def test_peak_on_slice_is_never_below_the_target_centre_on_it():
    """The defect: "Peak on slice" 0.198 under "At target" 0.201 on a slice through the target."""
    result = sim_ti(SimTIParams())
    values = values_by_key(result)
    assert values[figures.SLICE_PEAK.key] >= values[figures.TARGET_CENTRE.key]


def test_every_figure_is_defined_in_the_docs():
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "ops.md").read_text(encoding="utf-8")
    assert figures.markdown_table() in docs


def test_arrays_a_simulation_adds_later_are_saved_too(tmp_path):
    """The optional maps, and any field a result class gains later, need no change to the writer."""
    base = sim_ti(SimTIParams(slice=SMALL))
    assert base.radial_envelope is not None and len(base.carrier_magnitudes) == 2
    extended_type = dataclasses.make_dataclass(
        "SimResultWithMore", [("added_map", np.ndarray, dataclasses.field(default=None)),
                              ("optional_map", object, dataclasses.field(default=None))],
        bases=(type(base),), frozen=True)
    extended = extended_type(**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)},
                             added_map=base.envelope / 2)
    save(extended, tmp_path / "more", formats=("npz", "json"))
    data = load(tmp_path / "more")
    np.testing.assert_array_equal(data["radial_envelope"], base.radial_envelope)
    np.testing.assert_array_equal(data["carrier_magnitudes"], np.stack(base.carrier_magnitudes))
    np.testing.assert_array_equal(data["added_map"], base.envelope / 2)
    assert "optional_map" not in data                                  # None is left out
    sidecar = json.loads((tmp_path / "more.json").read_text(encoding="utf-8"))
    assert {"radial_envelope", "carrier_magnitudes", "added_map"} <= set(sidecar["arrays"])
