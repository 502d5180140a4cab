"""Exhaustive search: every two-pair montage from a list of electrodes.

The TI envelope does not change when a pair's anode and cathode swap (the
field flips sign). When the two currents are equal it does not change
either when the pairs swap, so every set of 4 electrodes {a < b < c < d}
gives three montages, ab|cd, ac|bd and ad|bc: 3 * C(n, 4) in all. When the
currents differ, which pair carries which current matters and each of
those comes in both orientations (cd|ab, ...): C(n, 2) * C(n - 2, 2) =
6 * C(n, 4) montages.

Fields are linear in the electrode currents. Each electrode k gets the
field F_k of a unit current from k to the first electrode (F_0 = 0), once,
at the sample points, and so do all dot products g[k, l] = F_k . F_l per
point. A pair (a, b) has the field I (F_a - F_b), so every quantity the
envelope needs is a sum of four of those products; no per-montage vector is
ever built. Montages are scored in chunks (vectorised), with a cancel check
and progress report between chunks.

Ranking (tit_app.ops.ranking): a first, cheap pass over the target points
alone finds the strongest montage, which sets the intensity floor; the
second pass scores every montage and keeps the best by target envelope (all
montages) and by focality and combined score (montages above the floor).
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np

from tit_app.ops import electrodes
from tit_app.ops.envelope import envelope_from_products
from tit_app.ops.head_model import unit_fields
from tit_app.ops.params import Pair
from tit_app.ops.progress import CancelToken, ProgressCallback, Reporter
from tit_app.ops.ranking import TopN, combined_score, intensity_floor, ranked_montages
from tit_app.ops.results import ExSearchResult
from tit_app.ops.sampling import sample_points, sample_scores
from tit_app.ops.search_params import ExSearchParams
from tit_app.ops.simulation import simulate_pairs, ti_envelope_at

MONTAGES_PER_CHUNK = 1536   # ~25 ms per chunk, so cancel is prompt
FLOOR_SHARE = 0.05          # of the progress bar: the target-only pass
SEARCH_SHARE = 0.9          # both passes; the final map takes the rest


def montage_count(n: int, equal_currents: bool = True) -> int:
    """Distinct two-pair montages from n electrodes.

    3 * C(n, 4) = C(n, 2) * C(n - 2, 2) / 2 when the currents are equal,
    twice that when they differ.
    """
    return (3 if equal_currents else 6) * comb(n, 4)


def montage_chunks(n: int, equal_currents: bool = True,
                   montages_per_chunk: int = MONTAGES_PER_CHUNK):
    """Yield (m, 4) index arrays [a, b, c, d] meaning pairs (a, b), (c, d).

    Pair 1 carries the first current, pair 2 the second.
    """
    per_set = 3 if equal_currents else 6
    sets_per_chunk = max(montages_per_chunk // per_set, 1)
    quads = itertools.combinations(range(n), 4)
    while True:
        block = np.array(list(itertools.islice(quads, sets_per_chunk)),
                         dtype=np.intp).reshape(-1, 4)
        if len(block) == 0:
            return
        a, b, c, d = block.T
        pairings = [(a, b, c, d), (a, c, b, d), (a, d, b, c)]
        if not equal_currents:
            pairings += [(c, d, a, b), (b, d, a, c), (b, c, a, d)]
        yield np.concatenate([np.stack(p, axis=1) for p in pairings])


def unit_field_products(names, points_mm: np.ndarray, head) -> np.ndarray:
    """(electrodes, electrodes, points): F_k . F_l, F in V/m per mA."""
    positions = [electrodes.position_mm(name, head.radius_mm) for name in names]
    # All electrodes in one evaluation; F_k = U_k - U_0 (U: unit fields).
    unit = unit_fields(head, positions, points_mm)
    stacked = np.moveaxis(unit - unit[:, :1], 1, 0)
    return np.einsum("kpi,lpi->klp", stacked, stacked)


def _pair_products(g: np.ndarray, a, b, c, d) -> np.ndarray:
    """(F_a - F_b) . (F_c - F_d) for index arrays, per point."""
    return g[a, c] - g[a, d] - g[b, c] + g[b, d]


def chunk_envelopes(products: np.ndarray, montages: np.ndarray,
                    currents: tuple[float, float]) -> np.ndarray:
    """(montages, points): the TI envelope of each montage at each point."""
    a, b, c, d = montages.T
    first, second = currents
    return envelope_from_products(
        first * first * _pair_products(products, a, b, a, b),
        second * second * _pair_products(products, c, d, c, d),
        first * second * _pair_products(products, a, b, c, d))


def score_chunk(products: np.ndarray, montages: np.ndarray, target_count: int,
                currents: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(mean target envelope, focality) of each montage in the chunk."""
    return sample_scores(chunk_envelopes(products, montages, currents),
                         target_count)


class _Scan:
    """The montages of one search, scanned chunk by chunk with progress."""

    def __init__(self, params: ExSearchParams, products: np.ndarray,
                 reporter: Reporter) -> None:
        self.currents = (params.current1_ma, params.current2_ma)
        self.equal = params.current1_ma == params.current2_ma
        self.count = len(params.electrodes)
        self.total = montage_count(self.count, self.equal)
        self.products = products
        self._reporter = reporter

    def chunks(self, low: float, high: float):
        """Each chunk of montages, reporting progress over [low, high]."""
        done = 0
        for montages in montage_chunks(self.count, self.equal):
            self._reporter.check()
            yield montages
            done += len(montages)
            self._reporter.fraction(low + (high - low) * done / self.total)


def _strongest_target(scan: _Scan, target_count: int) -> float:
    """The largest mean target envelope of any montage (target points only)."""
    products = np.ascontiguousarray(scan.products[..., :target_count])
    strongest = 0.0
    for montages in scan.chunks(0.0, FLOOR_SHARE):
        envelopes = chunk_envelopes(products, montages, scan.currents)
        strongest = max(strongest, float(envelopes.mean(axis=-1).max()))
    return strongest


def _best_montage_map(params: ExSearchParams, best, progress):
    pairs = (Pair(*best.pair1, params.current1_ma),
             Pair(*best.pair2, params.current2_ma))
    return simulate_pairs("ex_search", pairs, ti_envelope_at, params, progress)


def ex_search(params: ExSearchParams | None = None,
              progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> ExSearchResult:
    """Top montages by target envelope, by focality and by combined score
    (the last two above the intensity floor), and the best one's map."""
    params = (params or ExSearchParams()).validated()
    names = params.electrodes
    samples = sample_points(params.target, params.sampling, params.head,
                            np.random.default_rng(params.seed),
                            params.clearance_mm)
    reporter = Reporter(progress, cancel)
    reporter.start()
    scan = _Scan(params, unit_field_products(names, samples.points_mm,
                                             params.head), reporter)
    floor = 0.0
    if params.min_target_fraction > 0.0:
        floor = intensity_floor(_strongest_target(scan, samples.target_count),
                                params.min_target_fraction)
    tops = {"envelope": TopN(params.top_n), "focality": TopN(params.top_n),
            "combined": TopN(params.top_n)}
    for montages in scan.chunks(FLOOR_SHARE, SEARCH_SHARE):
        target, focality = score_chunk(scan.products, montages,
                                       samples.target_count, scan.currents)
        tops["envelope"].offer(target, montages, (target, focality))
        strong = target >= floor
        values = (target[strong], focality[strong])
        tops["focality"].offer(focality[strong], montages[strong], values)
        tops["combined"].offer(combined_score(*values), montages[strong], values)
    ranked = {key: ranked_montages(top, names) for key, top in tops.items()}
    sim = _best_montage_map(params, ranked[params.rank_by][0],
                            reporter.span(SEARCH_SHARE, 1.0))
    reporter.finish()
    return ExSearchResult("ex_search", sim, scan.total, ranked["envelope"],
                          ranked["focality"], ranked["combined"],
                          params.rank_by, floor)
