"""Exhaustive search: every two-pair montage from a list of electrodes.

The TI envelope does not change when a pair's anode and cathode swap (the
field flips sign) or when the two pairs swap, so each montage is scored
once: every set of 4 electrodes {a < b < c < d} gives the three pairings
ab|cd, ac|bd and ad|bc, i.e. 3 * C(n, 4) = n! / ((n - 4)! * 8) montages.

Fields are linear in the electrode currents, so each electrode's field for
a unit source, G_k, is computed once at the sample points, and so are all
dot products g[k, l] = G_k . G_l per point. A pair (a, b) has the field
I (G_a - G_b), so every quantity the envelope needs is a sum of four of
those products; no per-montage vector is ever built. Montages are scored
in chunks (vectorised), with a cancel check and progress report between
chunks.
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np

from tit_app.ops import electrodes
from tit_app.ops.envelope import envelope_from_products
from tit_app.ops.field import scale_v_per_m, unit_source_field
from tit_app.ops.params import Pair
from tit_app.ops.progress import CancelToken, ProgressCallback, Reporter
from tit_app.ops.ranking import TopN, ranked_montages
from tit_app.ops.results import ExSearchResult
from tit_app.ops.sampling import sample_points, sample_scores
from tit_app.ops.search_params import ExSearchParams
from tit_app.ops.simulation import simulate_pairs, ti_envelope_at

SETS_PER_CHUNK = 512        # 1536 montages: ~25 ms per chunk, so cancel is prompt
SEARCH_SHARE = 0.9          # of the progress bar; the final map takes the rest


def montage_count(n: int) -> int:
    """Distinct two-pair montages from n electrodes: n!/((n-4)! * 8)."""
    return 3 * comb(n, 4)


def montage_chunks(n: int, sets_per_chunk: int = SETS_PER_CHUNK):
    """Yield (m, 4) index arrays [a, b, c, d] meaning pairs (a, b), (c, d)."""
    quads = itertools.combinations(range(n), 4)
    while True:
        block = np.array(list(itertools.islice(quads, sets_per_chunk)),
                         dtype=np.intp).reshape(-1, 4)
        if len(block) == 0:
            return
        a, b, c, d = block.T
        yield np.concatenate([np.stack([a, b, c, d], axis=1),
                              np.stack([a, c, b, d], axis=1),
                              np.stack([a, d, b, c], axis=1)])


def unit_field_products(names, points_mm: np.ndarray, head) -> np.ndarray:
    """(electrodes, electrodes, points): G_k . G_l with G in V/m per mA."""
    scale = scale_v_per_m(1.0, head.conductivity_s_per_m)
    fields = np.stack([scale * unit_source_field(
        electrodes.position_mm(name, head.radius_mm), points_mm, head.radius_mm)
        for name in names])
    return np.einsum("kpi,lpi->klp", fields, fields)


def _pair_products(g: np.ndarray, a, b, c, d) -> np.ndarray:
    """(G_a - G_b) . (G_c - G_d) for index arrays, per point."""
    return g[a, c] - g[a, d] - g[b, c] + g[b, d]


def score_chunk(products: np.ndarray, montages: np.ndarray, target_count: int,
                currents: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(mean target envelope, focality) of each montage in the chunk."""
    a, b, c, d = montages.T
    first, second = currents
    envelope = envelope_from_products(
        first * first * _pair_products(products, a, b, a, b),
        second * second * _pair_products(products, c, d, c, d),
        first * second * _pair_products(products, a, b, c, d))
    return sample_scores(envelope, target_count)


def _best_montage_map(params: ExSearchParams, best, progress):
    pairs = (Pair(*best.pair1, params.current1_ma),
             Pair(*best.pair2, params.current2_ma))
    return simulate_pairs("ex_search", pairs, ti_envelope_at, params, progress)


def ex_search(params: ExSearchParams | None = None,
              progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> ExSearchResult:
    """Top montages by target envelope and by focality, and the best map."""
    params = (params or ExSearchParams()).validated()
    names = params.electrodes
    samples = sample_points(params.target, params.sampling, params.head,
                            np.random.default_rng(params.seed))
    reporter = Reporter(progress, cancel)
    reporter.start()
    products = unit_field_products(names, samples.points_mm, params.head)
    total = montage_count(len(names))
    by_envelope, by_focality = TopN(params.top_n), TopN(params.top_n)
    done = 0
    for montages in montage_chunks(len(names)):
        reporter.check()
        target, focality = score_chunk(products, montages, samples.target_count,
                                       (params.current1_ma, params.current2_ma))
        by_envelope.offer(target, montages, (target, focality))
        by_focality.offer(focality, montages, (target, focality))
        done += len(montages)
        reporter.fraction(SEARCH_SHARE * done / total)
    top_envelope = ranked_montages(by_envelope, names)
    top_focality = ranked_montages(by_focality, names)
    sim = _best_montage_map(params, top_focality[0],
                            reporter.span(SEARCH_SHARE, 1.0))
    reporter.finish()
    return ExSearchResult("ex_search", sim, total, top_envelope, top_focality)
