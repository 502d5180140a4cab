"""Sample points the searches score montages on: in the target and the rest.

Every sample point lies at least ``clearance_mm`` below the scalp, hence at
least that far from any electrode. Point electrodes make the field singular
right under them (docs/ops.md, "Honest limits"); without the clearance a
superficial target's score is decided by a few points in what would be
scalp and skull, where the envelope grows without bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tit_app.ops.params import Head, ParamError, Sampling, Target

# A refinement makes the lattice at most 8 times denser; 3 of them give up on
# regions under ~0.2 % of the ball instead of building huge lattices.
_MAX_REFINEMENTS = 4

# Scalp plus skull is roughly 10-15 mm thick; 12 mm keeps the sampled part of
# the head inside the brain and CSF of a 92 mm sphere.
DEFAULT_CLEARANCE_MM = 12.0


@dataclass(frozen=True)
class SamplePoints:
    points_mm: np.ndarray    # (target_count + rest_count, 3), target first
    target_count: int


def _lattice_in_ball(rng: np.random.Generator, radius: float,
                     spacing: float) -> np.ndarray:
    """The points of a cubic lattice, randomly shifted, inside a ball."""
    shift = rng.uniform(0.0, spacing, size=3)
    axis = np.arange(-radius - spacing, radius + spacing, spacing)
    grid = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"),
                    axis=-1).reshape(-1, 3) + shift
    return grid[np.einsum("ij,ij->i", grid, grid) < radius * radius]


def _draw(rng, count: int, radius: float, keep, field_name: str,
          message: str) -> np.ndarray:
    """``count`` evenly spread points of a ball that satisfy ``keep``.

    A randomly shifted cubic lattice whose spacing is tuned until it gives
    just over ``count`` kept points, of which ``count`` are picked at
    random. Means over such points vary far less from one seed to the next
    than means over independent uniform points, so a search's score is
    decided by the montage rather than by where the points fell. Gives up
    with a ParamError when the region is (nearly) empty.
    """
    if count == 0:
        return np.empty((0, 3))
    spacing = radius * (4.0 * np.pi / (3.0 * count)) ** (1.0 / 3.0)
    for _ in range(_MAX_REFINEMENTS):
        points = _lattice_in_ball(rng, radius, spacing)
        kept = points[keep(points)]
        if len(kept) >= count:
            chosen = rng.choice(len(kept), size=count, replace=False)
            return kept[np.sort(chosen)]
        # Aim 3 % above count, at most halving the spacing per step.
        shortfall = max(len(kept), 1) / (1.03 * count)
        spacing *= max(shortfall ** (1.0 / 3.0), 0.5)
    raise ParamError(field_name, message)


def _target_points(target: Target, count: int, limit: float,
                   rng) -> np.ndarray:
    """The centre (if deep enough) and evenly spread points of the target
    ball that are deep enough: ``count`` points in all."""
    centre = np.asarray(target.centre_mm, dtype=float)
    centre_kept = bool(np.linalg.norm(centre) < limit)

    def deep_enough(offsets):
        return np.linalg.norm(offsets + centre, axis=1) < limit

    around = _draw(rng, count - centre_kept, target.radius_mm, deep_enough,
                   "target.centre_mm", "the target lies (almost) entirely "
                   "within the electrode clearance of the scalp; move it "
                   "deeper, enlarge it or lower the clearance")
    points = around + centre
    return np.concatenate([centre[None, :], points]) if centre_kept else points


def sample_points(target: Target, sampling: Sampling, head: Head,
                  rng: np.random.Generator,
                  clearance_mm: float = DEFAULT_CLEARANCE_MM) -> SamplePoints:
    """Points of the target ball, then points of the brain region outside
    it; all at least ``clearance_mm`` below the scalp.

    The brain region is ``sampling.brain_fraction`` of the head radius, or
    less if the clearance asks for it.
    """
    limit = head.radius_mm - clearance_mm
    in_target = _target_points(target, sampling.target_points, limit, rng)
    centre = np.asarray(target.centre_mm, dtype=float)

    def off_target(points):
        return np.linalg.norm(points - centre, axis=1) > target.radius_mm

    rest_radius = min(head.radius_mm * sampling.brain_fraction, limit)
    rest = _draw(rng, sampling.rest_points, rest_radius, off_target,
                 "target.radius_mm", "leaves too little of the head to "
                 "sample; use a smaller target")
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
