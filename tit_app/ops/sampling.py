"""Sample points the searches score montages on: in the target and the rest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tit_app.ops.params import Head, ParamError, Sampling, Target

_MAX_BATCHES = 200


@dataclass(frozen=True)
class SamplePoints:
    points_mm: np.ndarray    # (target_count + rest_count, 3), target first
    target_count: int


def _uniform_in_ball(rng: np.random.Generator, count: int,
                     radius: float) -> np.ndarray:
    direction = rng.normal(size=(count, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    # r = R * u^(1/3) makes the density uniform in volume.
    return direction * radius * np.cbrt(rng.uniform(size=(count, 1)))


def _draw(rng, count: int, radius: float, keep) -> np.ndarray:
    """``count`` uniform points of a ball that satisfy ``keep`` (rejection).

    Gives up with a ParamError when the region is (nearly) empty rather
    than looping for ever.
    """
    kept = np.empty((0, 3))
    for _ in range(_MAX_BATCHES):
        if len(kept) >= count:
            break
        batch = _uniform_in_ball(rng, 2 * count + 16, radius)
        kept = np.concatenate([kept, batch[keep(batch)]])
    if len(kept) < count:
        raise ParamError("target.radius_mm", "leaves too little of the head "
                         "to sample; use a smaller target")
    return kept[:count]


def sample_points(target: Target, sampling: Sampling, head: Head,
                  rng: np.random.Generator) -> SamplePoints:
    """The target centre plus points in the target ball (inside the head),
    then points of the brain region outside the target ball.
    """
    centre = np.asarray(target.centre_mm, dtype=float)
    inner_limit = head.radius_mm * 0.999

    def in_head(offsets):
        return np.linalg.norm(offsets + centre, axis=1) < inner_limit

    around = _draw(rng, sampling.target_points - 1, target.radius_mm, in_head)
    in_target = np.concatenate([centre[None, :], around + centre])

    def off_target(points):
        return np.linalg.norm(points - centre, axis=1) > target.radius_mm

    rest = _draw(rng, sampling.rest_points,
                 head.radius_mm * sampling.brain_fraction, off_target)
    return SamplePoints(np.concatenate([in_target, rest]), len(in_target))


def sample_scores(envelope: np.ndarray,
                  target_count: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean target envelope, focality) from the envelope on sample points.

    The last axis runs over the points, target first. Focality is the
    target mean over the mean on the rest, 0 where that mean is not
    positive. Both searches score montages with it.
    """
    target = envelope[..., :target_count].mean(axis=-1)
    rest = envelope[..., target_count:].mean(axis=-1)
    focality = np.divide(target, rest, out=np.zeros_like(target),
                         where=rest > 0.0)
    return target, focality
