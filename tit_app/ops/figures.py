"""The numbers a result reports: one name, one unit and one definition each.

Every place that shows a number of a result (the CLI summary, the window's tiles
and ranking table and their tooltips, the NPZ keys, the JSON sidecar, the ranking
CSV and docs/ops.md) takes its name and meaning from here, so one label never
means two numbers. Two families are kept apart by name:

* **3-D** figures are computed on sample points in the head (the target ball and
  the rest of the brain region), whatever slice is drawn: the searches rank
  montages by them.
* **Slice** figures are computed on the drawn slice and change with its plane and
  offset.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str            # NPZ, JSON and CSV key (units in the key, e.g. ``_v_per_m``)
    name: str           # what the CLI, the window and the docs call it
    unit: str           # "V/m", or "" for a ratio
    definition: str     # one or two sentences, shown as the tooltip
    count: bool = False  # a whole number, shown with thousands separators

    def text(self, value: float, digits: int = 4) -> str:
        """``value`` with its unit, or "n/a" when it is not a number."""
        if value != value:  # NaN: not defined for this result
            return "n/a"
        if self.count:
            return f"{value:,.0f}"
        return f"{value:.{digits}g} {self.unit}".rstrip()


TARGET_CENTRE = Figure(
    "target_centre_v_per_m", "Envelope at target centre", "V/m",
    "The TI envelope amplitude at the target's centre point (a 3-D point, "
    "whatever slice is drawn).")
SLICE_PEAK = Figure(
    "slice_peak_v_per_m", "Peak on slice", "V/m",
    "The largest envelope at the slice's sample points: its pixel centres, and "
    "the target centre when the slice passes through it.")
SLICE_FOCALITY = Figure(
    "slice_focality", "Focality on slice", "",
    "Envelope at the target centre over the mean envelope at the slice's head "
    "pixels outside the target ball. Changes with the plane and offset; not "
    "given when the slice misses the target ball.")
TARGET_MEAN_3D = Figure(
    "target_mean_3d_v_per_m", "Target mean (3-D)", "V/m",
    "Mean envelope at the sample points in the target ball (its centre and "
    "points spread uniformly through it).")
FOCALITY_3D = Figure(
    "focality_3d", "Focality (3-D)", "",
    "Target mean (3-D) over the mean envelope at the sample points of the rest "
    "of the brain region (inside 85 % of the head radius, outside the target "
    "ball). The same points score every montage of a run.")
COMBINED_3D = Figure(
    "combined_3d_v_per_m", "Combined (3-D)", "V/m",
    "Target mean (3-D) times Focality (3-D): weighs the intensity at the target as much "
    "as focality (the composite score TI-Toolbox reports for its exhaustive search).")
MONTAGES_SCORED = Figure(
    "montages_scored", "Montages scored", "",
    "Every distinct two-pair montage of the candidate electrodes.", count=True)
EVALUATIONS = Figure(
    "evaluations", "Evaluations", "",
    "Montages the optimiser scored (its budget).", count=True)

ALL = (TARGET_CENTRE, SLICE_PEAK, SLICE_FOCALITY, TARGET_MEAN_3D, FOCALITY_3D, COMBINED_3D,
       MONTAGES_SCORED, EVALUATIONS)
BY_KEY = {figure.key: figure for figure in ALL}

# The scores a search keeps per montage (RankedMontage and FlexResult attributes; combined
# is derived from the other two).
SCORE_FIGURES = {"target_value": TARGET_MEAN_3D, "focality": FOCALITY_3D, "combined": COMBINED_3D}


def score_figure(attribute: str) -> Figure:
    """The figure behind a score attribute; a score added later gets a plain one."""
    known = SCORE_FIGURES.get(attribute)
    if known is not None:
        return known
    return Figure(attribute, attribute.replace("_", " ").capitalize(), "",
                  f"The search's {attribute.replace('_', ' ')} score.")


def markdown_table() -> str:
    """The definitions as a Markdown table (docs/ops.md holds a copy; a test compares)."""
    rows = ["| name | key (NPZ, JSON, CSV) | unit | definition |", "|---|---|---|---|"]
    rows += [f"| {f.name} | `{f.key}` | {f.unit or '—'} | {f.definition} |" for f in ALL]
    return "\n".join(rows)
