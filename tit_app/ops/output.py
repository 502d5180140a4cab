"""Saving a result as files, and opening them again.

``save(result, "name", params)`` writes, side by side:

* ``name.png``: the figure (:mod:`tit_app.ops.figure`);
* ``name.npz``: the numbers (:mod:`tit_app.ops.result_arrays`), readable with
  ``numpy.load(..., allow_pickle=False)``;
* ``name.json``: the parameters, the model and what each number means
  (:mod:`tit_app.ops.sidecar`);
* ``name.csv``: the ranking, for a search that ranks montages
  (:mod:`tit_app.ops.ranking_csv`).

:func:`read_result` turns ``name.npz`` + ``name.json`` back into the result.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tit_app.ops.figure import write_figure
from tit_app.ops.ranking_csv import ranking_csv
from tit_app.ops.result_arrays import result_arrays, result_from_arrays
from tit_app.ops.results import rankings
from tit_app.ops.sidecar import FORMAT, sidecar_text

SUFFIXES = (".png", ".npz", ".json", ".csv")


@dataclass(frozen=True)
class SavedResult:
    """What :func:`read_result` found: the result and the sidecar's content (empty if none)."""

    result: object
    sidecar: dict


def output_base(path) -> Path:
    """FILE or FILE.<one of ours> -> FILE (the stem all outputs share)."""
    base = Path(path)
    return base.with_suffix("") if base.suffix.lower() in SUFFIXES else base


def output_paths(path) -> dict[str, Path]:
    """{"png": FILE.png, "npz": ..., "json": ..., "csv": ...} for FILE."""
    base = output_base(path)
    return {suffix[1:]: base.with_name(base.name + suffix) for suffix in SUFFIXES}


def save(result, path, params=None, formats=("png", "npz", "json", "csv")) -> list[Path]:
    """Write the chosen files of ``result`` (CSV only if it has a ranking); returns their paths."""
    paths = output_paths(path)
    wanted = [f for f in formats if f != "csv" or rankings(result)]
    arrays = result_arrays(result)
    written = []
    for kind in wanted:
        target = paths[kind]
        if kind == "png":
            write_figure(result, target)
        elif kind == "npz":
            np.savez_compressed(target, **arrays)
        elif kind == "json":
            files = {k: paths[k].name for k in wanted}
            target.write_text(sidecar_text(result, params, arrays, files), encoding="utf-8")
        else:
            target.write_text(ranking_csv(result), encoding="utf-8", newline="")
        written.append(target)
    return written


def load(path) -> dict[str, np.ndarray]:
    """The arrays of FILE.npz (no pickles allowed)."""
    with np.load(output_paths(path)["npz"], allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def read_result(path) -> SavedResult:
    """Reopen FILE.npz (and FILE.json beside it, if there) as a result.

    Raises ValueError with a sentence a user can act on when the files are not
    a tit_app result; OSError when they cannot be read.
    """
    paths = output_paths(path)
    try:
        arrays = load(path)
    except (ValueError, EOFError, zipfile.BadZipFile) as error:  # not an NPZ, or a damaged one
        raise ValueError(f"{paths['npz'].name} is not a readable NPZ file ({error})") from None
    try:
        result = result_from_arrays(arrays)
    except KeyError as error:
        raise ValueError(f"{paths['npz'].name} has no {error}; was it written by tit_app?") from None
    sidecar = {}
    if paths["json"].is_file():
        try:
            sidecar = json.loads(paths["json"].read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise ValueError(f"{paths['json'].name} is not valid JSON ({error})") from None
        if not isinstance(sidecar, dict) or sidecar.get("format") != FORMAT:
            raise ValueError(f"{paths['json'].name} is not a tit_app result description")
    return SavedResult(result, sidecar)
