"""Convergence study of flex_search: ``.venv/bin/python bench/flex_convergence.py``.

Chooses the defaults of flex_search (docs/ops.md, "Choosing the flex_search
defaults") in two tables. The first varies the number of rest sample points
at a large budget; the second the budget and the number of restarts at the
default sampling. Each row runs the search with several seeds and shows:

* the median and the worst focality of the snapped montage on the fresh
  evaluation points, as a share of the best found for that target by any
  run of the study (1.000 = as good as anything seen);
* for the lateral target, how many seeds put all four electrodes on its
  side of the head (midline sites count as on that side);
* the median optimism: the focality the optimiser saw on its own points
  divided by that of the same free montage on the fresh points;
* the median seconds per run (the machine may be shared: indicative only).

Rerun it whenever the head model or the defaults of the sampling change:
the numbers depend on both. ``--quick`` runs a smaller grid; ``--target``
and ``--seeds`` look closer at one target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

# Run from a source checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from tit_app.ops import FlexSearchParams, Sampling, SliceSpec, Target, flex_search  # noqa: E402

# (name, centre in mm): the lateral target of issue 13, the docs' off-centre
# example and a superficial one under the vertex.
TARGETS = (("lateral", (50.0, 0.0, 0.0)),
           ("off-centre", (20.0, 10.0, 15.0)),
           ("superficial", (0.0, 30.0, 60.0)))
BUDGETS = (1000, 2000, 4000, 8000)
RESTARTS = (4, 16, 32)
REST_POINTS = (256, 1024, 4096)
SAMPLING_RUN = (4000, 16)    # budget and restarts of the sampling table
SEEDS = 6
LATERAL_MM = 40.0            # |x| from which a target counts as lateral
TINY_MAP = SliceSpec(size=8)   # the map is not studied; keep it cheap


@dataclass(frozen=True)
class Run:
    focality: float          # snapped montage, fresh points
    optimism: float          # search focality / free focality on fresh points
    same_side: bool | None   # every site on a lateral target's side (x sign)
    seconds: float


def one_run(centre, budget: int, restarts: int, seed: int,
            sampling: Sampling | None) -> Run:
    params = FlexSearchParams(target=Target(centre), budget=budget,
                              restarts=restarts, seed=seed, slice=TINY_MAP)
    if sampling is not None:
        params = replace(params, sampling=sampling)
    start = time.perf_counter()
    result = flex_search(params)
    seconds = time.perf_counter() - start
    same_side = None
    if abs(centre[0]) >= LATERAL_MM:
        xs = np.array([e.position_mm[0] for e in result.sim.electrodes])
        same_side = bool(np.all(np.sign(centre[0]) * xs >= -1e-6))
    return Run(result.focality, result.search_focality / result.free_focality,
               same_side, seconds)


def _table(name: str, rows: dict, seeds: int) -> None:
    """One line per configuration; shares are of the best run of the table."""
    best = max(run.focality for runs in rows.values() for run in runs)
    for label, runs in rows.items():
        shares = [run.focality / best for run in runs]
        sides = [run.same_side for run in runs if run.same_side is not None]
        side = f"{sum(sides)}/{seeds}" if sides else "-"
        print(f"{name:<12} {label:>16} "
              f"{statistics.median(shares):>7.3f} {min(shares):>7.3f} {side:>9} "
              f"{statistics.median(run.optimism for run in runs):>8.3f} "
              f"{statistics.median(run.seconds for run in runs):>6.2f}")
    print(f"{name:<12} best focality in this table: {best:.3f}")


def _header(label: str) -> None:
    print(f"{'target':<12} {label:>16} {'median':>7} {'worst':>7} "
          f"{'same side':>9} {'optimism':>8} {'s/run':>6}")


def sampling_study(targets, rest_points, seeds: int) -> None:
    """Rest points vs the optimism and spread of the result."""
    budget, restarts = SAMPLING_RUN
    print(f"rest sample points (budget {budget}, {restarts} restarts)")
    _header("rest points")
    for name, centre in targets:
        rows = {f"{count}": [one_run(centre, budget, restarts, seed,
                                     Sampling(rest_points=count))
                             for seed in range(seeds)]
                for count in rest_points}
        _table(name, rows, seeds)


def budget_study(targets, budgets, restarts_list, seeds: int) -> None:
    """Budget and restarts at the default sampling."""
    print("budget and restarts (default sampling)")
    _header("budget/restarts")
    for name, centre in targets:
        rows = {f"{budget}/{restarts}": [one_run(centre, budget, restarts,
                                                 seed, None)
                                         for seed in range(seeds)]
                for budget in budgets for restarts in restarts_list}
        _table(name, rows, seeds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="lateral target only, 3 seeds, a few rows")
    parser.add_argument("--part", choices=("sampling", "budget"),
                        help="run only one of the two tables")
    parser.add_argument("--seeds", type=int, help=f"seeds per row (default {SEEDS}, "
                        "3 with --quick)")
    parser.add_argument("--target", choices=[name for name, _ in TARGETS],
                        help="study only this target")
    args = parser.parse_args()
    targets, seeds = (TARGETS[:1], 3) if args.quick else (TARGETS, SEEDS)
    if args.target:
        targets = tuple(t for t in TARGETS if t[0] == args.target)
    seeds = args.seeds or seeds
    if args.part != "budget":
        sampling_study(targets, REST_POINTS[:2] if args.quick else REST_POINTS, seeds)
    if args.part != "sampling":
        budget_study(targets, (500, 4000) if args.quick else BUDGETS,
                     (1, 8) if args.quick else RESTARTS, seeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
