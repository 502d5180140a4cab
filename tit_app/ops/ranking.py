"""Ranking montages: the scores a montage can be ranked by, the intensity
floor, and keeping the best N while scoring chunk after chunk.

Focality alone rewards weak montages: a pair of close electrodes can be
"most focal" while barely reaching the target. Two remedies, used together
by default (docs/ops.md, "Ranking"):

* an intensity floor: only montages whose mean target envelope reaches
  ``min_target_fraction`` of the strongest montage's are ranked by
  focality or by the combined score;
* the combined score, target envelope x focality (V/m), which TI-Toolbox
  reports as its composite index.
"""

from __future__ import annotations

import numpy as np

from tit_app.ops.results import RankedMontage

# What a search's best montage can be chosen by.
RANK_BY = ("focality", "combined")
DEFAULT_RANK_BY = "focality"
DEFAULT_MIN_TARGET_FRACTION = 0.5
# The floor is compared with the same means computed in another pass, which
# can round differently; this keeps the strongest montage above a floor of 1.
_FLOOR_SLACK = 1e-9


def combined_score(target: np.ndarray, focality: np.ndarray) -> np.ndarray:
    """Target envelope times focality (V/m)."""
    return target * focality


def intensity_floor(strongest_target: float, fraction: float) -> float:
    """The mean target envelope (V/m) a montage needs to be ranked."""
    return fraction * strongest_target * (1.0 - _FLOOR_SLACK)


class TopN:
    """The N highest scores seen so far, ties going to the montage seen first
    (so results do not depend on how the work was chunked)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.scores = np.empty(0)
        self.order = np.empty(0, dtype=np.int64)
        self.montages = np.empty((0, 4), dtype=np.intp)
        self.values = np.empty((0, 2))   # (target value, focality) per row
        self._seen = 0

    def offer(self, scores: np.ndarray, montages: np.ndarray, values) -> None:
        order = self._seen + np.arange(len(scores))
        self._seen += len(scores)
        merged_scores = np.concatenate([self.scores, scores])
        merged_order = np.concatenate([self.order, order])
        keep = np.lexsort((merged_order, -merged_scores))[:self.n]
        self.scores = merged_scores[keep]
        self.order = merged_order[keep]
        self.montages = np.concatenate([self.montages, montages])[keep]
        self.values = np.concatenate([self.values,
                                      np.stack(values, axis=1)])[keep]


def ranked_montages(top: TopN, names) -> tuple[RankedMontage, ...]:
    """The kept rows as named montages, best first."""
    return tuple(
        RankedMontage((names[a], names[b]), (names[c], names[d]),
                      float(target), float(focality))
        for (a, b, c, d), (target, focality) in zip(top.montages, top.values, strict=True))
