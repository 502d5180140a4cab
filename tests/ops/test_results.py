"""Saving results as PNG + NPZ and reading the numbers back."""

import numpy as np
import pytest

from tit_app.ops import (
    ExSearchParams,
    FlexSearchParams,
    SimMTIParams,
    SliceSpec,
    ex_search,
    flex_search,
    load,
    save,
    sim_mti,
    summary_lines,
)
from tit_app.ops.png import SIGNATURE
from tit_app.ops.output import output_paths

SMALL = SliceSpec(size=24)


def test_output_paths_add_both_suffixes():
    assert [p.name for p in output_paths("out/run1")] == ["run1.png", "run1.npz"]
    assert [p.name for p in output_paths("run1.png")] == ["run1.png", "run1.npz"]
    assert [p.name for p in output_paths("a.b")] == ["a.b.png", "a.b.npz"]


def test_simulation_saves_and_reloads(tmp_path):
    result = sim_mti(SimMTIParams(slice=SMALL))
    png_path, npz_path = save(result, tmp_path / "mti")
    assert png_path.read_bytes()[:8] == SIGNATURE
    data = load(tmp_path / "mti")
    np.testing.assert_array_equal(data["envelope_v_per_m"], result.envelope)
    assert str(data["kind"]) == "sim_mti"
    assert str(data["plane"]) == "axial"
    assert float(data["target_value_v_per_m"]) == result.target_value
    assert float(data["focality"]) == result.focality
    assert list(data["electrode_labels"]) == ["F7", "P7", "F8", "P8",
                                              "FC5", "CP5", "FC6", "CP6"]
    assert data["electrode_positions_mm"].shape == (8, 3)


def test_searches_save_their_rankings(tmp_path):
    ex = ex_search(ExSearchParams(electrodes=("F7", "F8", "P7", "P8", "Cz"),
                                  top_n=3, slice=SMALL))
    save(ex, tmp_path / "ex")
    data = load(tmp_path / "ex.npz")
    assert int(data["combinations"]) == 15
    assert data["top_by_focality_montages"].shape == (3, 4)
    best = ex.top_by_focality[0]
    assert list(data["top_by_focality_montages"][0]) == [*best.pair1, *best.pair2]
    assert data["top_by_focality_scores"][0, 1] == pytest.approx(best.focality)

    flex = flex_search(FlexSearchParams(budget=40, slice=SMALL))
    save(flex, tmp_path / "flex")
    data = load(tmp_path / "flex")
    np.testing.assert_array_equal(data["angles_deg"], flex.angles_deg)
    assert int(data["evaluations"]) == 40


def test_summaries_mention_the_key_numbers():
    result = sim_mti(SimMTIParams(slice=SMALL))
    text = "\n".join(summary_lines(result))
    assert "sim_mti" in text and "focality" in text and "V/m" in text
