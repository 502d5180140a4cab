"""Saving a result as FILE.png (the rendered map) and FILE.npz (the numbers), and reading the numbers back."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tit_app.ops.png import write_png
from tit_app.ops.render import render_result
from tit_app.ops.results import ExSearchResult, FlexResult, SimResult, simulation_of


def output_paths(path) -> tuple[Path, Path]:
    """FILE -> (FILE.png, FILE.npz); a .png or .npz suffix given is dropped."""
    base = Path(path)
    if base.suffix.lower() in (".png", ".npz"):
        base = base.with_suffix("")
    return (base.with_name(base.name + ".png"),
            base.with_name(base.name + ".npz"))


def _sim_arrays(sim: SimResult) -> dict[str, np.ndarray]:
    return {
        "envelope_v_per_m": sim.envelope,
        "plane": np.array(sim.grid.plane),
        "offset_mm": np.array(sim.grid.offset_mm),
        "half_width_mm": np.array(sim.grid.half_width_mm),
        "target_mm": np.array(sim.target_mm),
        "target_radius_mm": np.array(sim.target_radius_mm),
        "target_value_v_per_m": np.array(sim.target_value),
        "focality": np.array(sim.focality),
        "electrode_labels": np.array([e.label for e in sim.electrodes]),
        "electrode_positions_mm": np.array([e.position_mm
                                            for e in sim.electrodes]),
        "electrode_pairs": np.array([e.pair for e in sim.electrodes]),
        "electrode_roles": np.array([e.role for e in sim.electrodes]),
    }


def _ranking_arrays(prefix: str, ranking) -> dict[str, np.ndarray]:
    names = [[*m.pair1, *m.pair2] for m in ranking]
    scores = [[m.target_value, m.focality] for m in ranking]
    return {f"{prefix}_montages": np.array(names, dtype=str).reshape(-1, 4),
            f"{prefix}_scores": np.array(scores, dtype=float).reshape(-1, 2)}


def result_arrays(result) -> dict[str, np.ndarray]:
    """Everything worth keeping, as plain (pickle-free) numpy arrays."""
    arrays = {"kind": np.array(result.kind)}
    arrays.update(_sim_arrays(simulation_of(result)))
    if isinstance(result, FlexResult):
        arrays.update({
            "angles_deg": result.angles_deg,
            "nearest_names": np.array(result.nearest_names),
            "nearest_offsets_deg": np.array(result.nearest_offsets_deg),
            "search_target_value_v_per_m": np.array(result.target_value),
            "search_focality": np.array(result.focality),
            "evaluations": np.array(result.evaluations),
        })
    elif isinstance(result, ExSearchResult):
        arrays["combinations"] = np.array(result.combinations)
        arrays.update(_ranking_arrays("top_by_envelope", result.top_by_envelope))
        arrays.update(_ranking_arrays("top_by_focality", result.top_by_focality))
    return arrays


def save(result, path) -> tuple[Path, Path]:
    """Write ``path``.png (the rendered map) and ``path``.npz (the numbers)."""
    png_path, npz_path = output_paths(path)
    write_png(png_path, render_result(simulation_of(result)))
    np.savez_compressed(npz_path, **result_arrays(result))
    return png_path, npz_path


def load(path) -> dict[str, np.ndarray]:
    """Read back what :func:`save` wrote to the NPZ (no pickles allowed)."""
    _, npz_path = output_paths(path)
    with np.load(npz_path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}
