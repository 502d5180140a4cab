"""Free electrode positions: optimise a two-pair TI montage on the scalp.

The 8 unknowns are (theta, phi) in degrees of electrodes 1-4 (pair 1 is
electrodes 1 and 2, pair 2 is 3 and 4). Theta is clamped to
[0, max_polar_deg] so electrodes stay on the part of the scalp the 10-10
system covers. The score to maximise is focality on sample points: the
mean envelope in the target ball over the mean envelope in the rest of the
brain region. Montages with two electrodes closer than
``min_separation_mm`` score 0. The search is random restarts, each
followed by a Nelder-Mead simplex, all sharing one evaluation budget that
is always spent in full (more restarts follow if the planned ones converge
early). The same parameters and seed give the same montage.
"""

from __future__ import annotations

import numpy as np

from tit_app.ops import electrodes
from tit_app.ops.nelder_mead import minimise
from tit_app.ops.progress import CancelToken, ProgressCallback, Reporter
from tit_app.ops.results import FlexResult
from tit_app.ops.sampling import sample_points, sample_scores
from tit_app.ops.search_params import FlexSearchParams
from tit_app.ops.simulation import placed_electrodes, simulate_slice, ti_envelope_at

INITIAL_STEP_DEG = 15.0
TOLERANCE_DEG = 0.05
_START_TRIES = 1000
SEARCH_SHARE = 0.9          # of the progress bar; the final map takes the rest


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


class _Objective:
    """Minus the focality of a montage on the sample points."""

    def __init__(self, params: FlexSearchParams, samples, progress) -> None:
        self._params = params
        self._samples = samples
        self._progress = progress
        self.calls = 0

    def scores(self, x: np.ndarray) -> tuple[float, float]:
        """(mean target envelope, focality); (0, 0) if infeasible."""
        positions = _positions(x, self._params)
        if _too_close(positions, self._params.min_separation_mm):
            return 0.0, 0.0
        envelope = ti_envelope_at(_montage(positions, self._params),
                                  self._samples.points_mm, self._params.head)
        target, focality = sample_scores(envelope, self._samples.target_count)
        return float(target), float(focality)

    def __call__(self, x: np.ndarray) -> float:
        self.calls += 1
        value = -self.scores(x)[1]
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


def _search(params: FlexSearchParams, objective: _Objective,
            rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Restarts share the budget until it is spent.

    The first ``restarts`` runs each get an equal share of what is left; a
    run whose simplex collapses early leaves its rest to the next, and once
    the planned runs are done further random restarts use up the remainder.
    """
    best_x, best_value, used, run = None, np.inf, 0, 0
    while used < params.budget:
        runs_left = max(params.restarts - run, 1)
        share = max((params.budget - used) // runs_left, 1)
        found = minimise(objective, _random_start(rng, params),
                         INITIAL_STEP_DEG, share, TOLERANCE_DEG)
        used += found.evaluations
        run += 1
        if found.value < best_value:
            best_x, best_value = found.x, found.value
    return best_x, used


def flex_search(params: FlexSearchParams | None = None,
                progress: ProgressCallback | None = None,
                cancel: CancelToken | None = None) -> FlexResult:
    """Best free montage for the target, its nearest 10-10 names and map."""
    params = (params or FlexSearchParams()).validated()
    rng = np.random.default_rng(params.seed)
    samples = sample_points(params.target, params.sampling, params.head, rng)
    reporter = Reporter(progress, cancel)
    reporter.start()
    objective = _Objective(params, samples, reporter.span(0.0, SEARCH_SHARE))
    best_x, used = _search(params, objective, rng)
    target_value, focality = objective.scores(best_x)
    angles = _clamped_angles(best_x, params.max_polar_deg)
    positions = _positions(best_x, params)
    nearest = [electrodes.nearest_name(p) for p in positions]
    # "~F3" reads "near F3": the optimum is rarely exactly on a 10-10 site.
    marks = [(f"~{name}", position) for (name, _), position
             in zip(nearest, positions, strict=True)]
    placed = placed_electrodes(((marks[0], marks[1]), (marks[2], marks[3])))
    montage = _montage(positions, params)
    sim = simulate_slice(
        "flex_search", lambda points: ti_envelope_at(montage, points, params.head),
        params, placed, reporter.span(SEARCH_SHARE, 1.0))
    reporter.finish()
    return FlexResult("flex_search", sim, angles,
                      tuple(name for name, _ in nearest),
                      tuple(offset for _, offset in nearest),
                      target_value, focality, used)
