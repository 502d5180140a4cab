"""Free electrode positions: optimise a two-pair TI montage on the scalp,
then place it on distinct 10-10 sites.

The 8 unknowns are (theta, phi) in degrees of electrodes 1-4 (pair 1 is
electrodes 1 and 2, pair 2 is 3 and 4). Theta is clamped to
[0, max_polar_deg] so electrodes stay on the part of the scalp the 10-10
system covers. The score to maximise is focality on sample points: the
mean envelope in the target ball over the mean envelope in the rest of the
brain region. Montages with two electrodes closer than
``min_separation_mm`` score 0. The search first scores random montages,
then runs Nelder-Mead simplexes from the best of them, all sharing one
evaluation budget that is always spent in full (more simplexes follow if
the planned ones converge early). docs/ops.md gives the convergence study
behind the defaults.

Snapping: each free electrode may move to one of its few nearest 10-10
sites; of those combinations with four distinct sites at least
``min_separation_mm`` apart, the one scoring best on the optimisation
points is kept, and single electrodes then move to neighbouring sites
while that improves it. The optimiser's own score is optimistic (it was
maximised on those very points), so the reported scores come from a fresh,
independent and larger set of sample points.

Randomness: one seed gives three independent streams (optimisation points,
random starts, evaluation points), so the same parameters and seed give the
same montage, and the evaluation points never depend on the search.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from tit_app.ops import electrodes
from tit_app.ops.field_table import PointFields
from tit_app.ops.nelder_mead import minimise
from tit_app.ops.params import ParamError
from tit_app.ops.progress import CancelToken, ProgressCallback, Reporter
from tit_app.ops.results import FlexResult
from tit_app.ops.sampling import sample_points, sample_scores
from tit_app.ops.search_params import FlexSearchParams
from tit_app.ops.simulation import (
    placed_electrodes,
    simulate_slice,
    ti_envelope_at,
    ti_envelope_on,
)

INITIAL_STEP_DEG = 15.0
TOLERANCE_DEG = 0.05
_START_TRIES = 1000
SEARCH_SHARE = 0.9          # of the progress bar; the final map takes the rest
SCREEN_SHARE = 0.2          # of the budget: random montages to start from
# Candidate sites per electrode when snapping: 4**4 = 256 combinations.
SNAP_CANDIDATES = 4
# The evaluation points are this many times as many as the optimisation
# points: a smaller sampling error on the reported scores, at two evaluations.
EVALUATION_FACTOR = 16
# 10-10 names that are landmarks, not electrode sites.
_LANDMARKS = ("Nz", "Iz")


def _clamped_angles(x: np.ndarray, max_polar: float) -> np.ndarray:
    """(4, 2) theta, phi in degrees; theta clamped, phi wrapped to (-180, 180]."""
    angles = np.asarray(x, dtype=float).reshape(4, 2).copy()
    angles[:, 0] = np.clip(angles[:, 0], 0.0, max_polar)
    angles[:, 1] = 180.0 - np.mod(180.0 - angles[:, 1], 360.0)
    return angles


def _positions(x: np.ndarray, params: FlexSearchParams) -> np.ndarray:
    angles = _clamped_angles(x, params.max_polar_deg)
    return params.head.radius_mm * electrodes.unit_vector(angles[:, 0],
                                                         angles[:, 1])


def _too_close(positions: np.ndarray, minimum_mm: float) -> bool:
    gaps = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=-1)
    return bool(np.any(gaps[np.triu_indices(4, k=1)] < minimum_mm))


def _montage(positions: np.ndarray, params: FlexSearchParams):
    return ((positions[0], positions[1], params.current1_ma),
            (positions[2], positions[3], params.current2_ma))


@dataclass(frozen=True)
class ScoringPoints:
    """Sample points (target first) and the field at them."""

    fields: PointFields
    target_count: int


def scoring_points(samples, head, tabulate: bool) -> ScoringPoints:
    """``tabulate``: the optimisation points, scored thousands of times, use
    the field table (tit_app.ops.field_table); the fresh ones are scored twice."""
    return ScoringPoints(PointFields(head, samples.points_mm, tabulate),
                         samples.target_count)


def montage_scores(positions: np.ndarray, params: FlexSearchParams,
                   samples: ScoringPoints) -> tuple[float, float]:
    """(mean target envelope, focality) of four positions on the samples;
    (0, 0) if two electrodes are closer than the minimum separation."""
    if _too_close(positions, params.min_separation_mm):
        return 0.0, 0.0
    envelope = ti_envelope_on(_montage(positions, params), samples.fields)
    target, focality = sample_scores(envelope, samples.target_count)
    return float(target), float(focality)


class _Objective:
    """Minus the focality of a montage on the optimisation points."""

    def __init__(self, params: FlexSearchParams, samples, progress) -> None:
        self._params = params
        self._samples = samples
        self._progress = progress
        self.calls = 0

    def __call__(self, x: np.ndarray) -> float:
        self.calls += 1
        value = -montage_scores(_positions(x, self._params), self._params,
                                self._samples)[1]
        self._progress.fraction(self.calls / self._params.budget)
        return value


def _random_start(rng: np.random.Generator,
                  params: FlexSearchParams) -> np.ndarray:
    """Area-uniform feasible positions on the allowed cap, as 8 angles."""
    low = np.cos(np.radians(params.max_polar_deg))
    x = None
    for _ in range(_START_TRIES):
        theta = np.degrees(np.arccos(rng.uniform(low, 1.0, size=4)))
        phi = rng.uniform(-180.0, 180.0, size=4)
        x = np.stack([theta, phi], axis=1).ravel()
        if not _too_close(_positions(x, params), params.min_separation_mm):
            break
    return x


def _screened_starts(params: FlexSearchParams, objective: _Objective,
                     rng: np.random.Generator) -> tuple[list[np.ndarray], float]:
    """Random feasible starts, best first, and the best one's value.

    SCREEN_SHARE of the budget scores random montages; the landscape has
    many local optima, and simplexes started from the best of many random
    montages end in better ones than simplexes from arbitrary starts.
    """
    count = max(int(params.budget * SCREEN_SHARE), 1)
    starts = [_random_start(rng, params) for _ in range(count)]
    values = [objective(x) for x in starts]
    order = np.argsort(values, kind="stable")
    return [starts[i] for i in order], float(values[order[0]])


def _search(params: FlexSearchParams, objective: _Objective,
            rng: np.random.Generator) -> tuple[np.ndarray, float, int]:
    """(best x, its objective value, evaluations); everything shares the budget.

    After the screening, a simplex runs from each of the ``restarts`` best
    starts, each with an equal share of what is left; a run whose simplex
    collapses early leaves its rest to the next, and once the planned runs
    are done further simplexes, from the next best starts, use up the rest.
    """
    starts, best_value = _screened_starts(params, objective, rng)
    best_x, used, run = starts[0], objective.calls, 0
    while used < params.budget:
        runs_left = max(params.restarts - run, 1)
        share = max((params.budget - used) // runs_left, 1)
        start = starts[run] if run < len(starts) else _random_start(rng, params)
        found = minimise(objective, start, INITIAL_STEP_DEG, share, TOLERANCE_DEG)
        used += found.evaluations
        run += 1
        if found.value < best_value:
            best_x, best_value = found.x, found.value
    return best_x, best_value, used


def _site_table(params: FlexSearchParams) -> tuple[tuple[str, ...], np.ndarray]:
    """Names and positions (mm) of the 10-10 sites an electrode may take."""
    names = tuple(name for name in electrodes.NAMES
                  if name not in _LANDMARKS
                  and electrodes.angles(name)[0] <= params.max_polar_deg + 1e-9)
    return names, np.array([electrodes.position_mm(name, params.head.radius_mm)
                            for name in names])


def _allowed(choice, sites: np.ndarray, params: FlexSearchParams) -> bool:
    return (len(set(choice)) == 4
            and not _too_close(sites[list(choice)], params.min_separation_mm))


def _nearest_sites(directions: np.ndarray, sites: np.ndarray,
                   count: int) -> np.ndarray:
    """(len(directions), count) indices of the sites nearest each direction."""
    unit = directions / np.linalg.norm(directions, axis=-1, keepdims=True)
    return np.argsort(-(unit @ sites.T), axis=1, kind="stable")[:, :count]


def snap_to_sites(positions: np.ndarray, params: FlexSearchParams,
                  samples) -> tuple[tuple[str, ...], np.ndarray]:
    """The best montage of distinct sites near ``positions``: names, mm.

    Each electrode first takes one of its SNAP_CANDIDATES nearest sites
    (the best allowed combination: four distinct sites ``min_separation_mm``
    apart); then single electrodes move to neighbouring sites while that
    raises the focality on ``samples``. Ties keep the earlier choice.
    """
    names, sites = _site_table(params)

    def focality(choice) -> float:
        return montage_scores(sites[list(choice)], params, samples)[1]

    allowed = [choice for choice in itertools.product(
        *_nearest_sites(positions, sites, SNAP_CANDIDATES))
        if _allowed(choice, sites, params)]
    if not allowed:
        raise ParamError("min_separation_mm", "no four distinct 10-10 sites "
                         f"near the optimum are {params.min_separation_mm:g} "
                         "mm apart; lower the minimum separation")
    scores = [focality(choice) for choice in allowed]
    best, best_score = allowed[int(np.argmax(scores))], max(scores)
    neighbours = _nearest_sites(sites, sites, SNAP_CANDIDATES + 1)
    improved = True
    while improved:   # ends: the score rises strictly over a finite set
        improved = False
        for electrode, rank in itertools.product(range(4), range(SNAP_CANDIDATES + 1)):
            choice = list(best)
            choice[electrode] = neighbours[best[electrode], rank]
            if _allowed(choice, sites, params):
                score = focality(choice)
                if score > best_score:
                    best, best_score, improved = tuple(choice), score, True
    return tuple(names[i] for i in best), sites[list(best)]


def _sample_sets(params: FlexSearchParams):
    """(optimisation points, fresh evaluation points, rng of the starts)."""
    points_rng, starts_rng, fresh_rng = (
        np.random.default_rng(stream)
        for stream in np.random.SeedSequence(params.seed).spawn(3))
    samples = sample_points(params.target, params.sampling, params.head,
                            points_rng, params.clearance_mm)
    bigger = replace(params.sampling,
                     target_points=EVALUATION_FACTOR * params.sampling.target_points,
                     rest_points=EVALUATION_FACTOR * params.sampling.rest_points)
    fresh = sample_points(params.target, bigger, params.head, fresh_rng,
                          params.clearance_mm)
    return (scoring_points(samples, params.head, tabulate=True),
            scoring_points(fresh, params.head, tabulate=False), starts_rng)


def _angle_between(a: np.ndarray, b: np.ndarray) -> float:
    cosine = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


def flex_search(params: FlexSearchParams | None = None,
                progress: ProgressCallback | None = None,
                cancel: CancelToken | None = None) -> FlexResult:
    """Best free montage, placed on distinct 10-10 sites, scored on fresh
    points, and its map."""
    params = (params or FlexSearchParams()).validated()
    samples, fresh, starts_rng = _sample_sets(params)
    reporter = Reporter(progress, cancel)
    reporter.start()
    objective = _Objective(params, samples, reporter.span(0.0, SEARCH_SHARE))
    best_x, best_value, used = _search(params, objective, starts_rng)
    reporter.check()
    free = _positions(best_x, params)
    names, snapped = snap_to_sites(free, params, samples)
    target_value, focality = montage_scores(snapped, params, fresh)
    free_target, free_focality = montage_scores(free, params, fresh)
    placed = placed_electrodes((((names[0], snapped[0]), (names[1], snapped[1])),
                                ((names[2], snapped[2]), (names[3], snapped[3]))))
    montage = _montage(snapped, params)
    sim = simulate_slice(
        "flex_search", lambda points: ti_envelope_at(montage, points, params.head),
        params, placed, reporter.span(SEARCH_SHARE, 1.0))
    reporter.finish()
    return FlexResult(
        "flex_search", sim, _clamped_angles(best_x, params.max_polar_deg), names,
        tuple(_angle_between(f, s) for f, s in zip(free, snapped, strict=True)),
        target_value, focality, used, free_target, free_focality, -best_value)
