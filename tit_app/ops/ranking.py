"""Keeping the best N montages while scoring chunk after chunk."""

from __future__ import annotations

import numpy as np

from tit_app.ops.results import RankedMontage


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
