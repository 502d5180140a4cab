"""A small Nelder-Mead simplex minimiser with a hard evaluation budget.

Standard coefficients (reflect 1, expand 2, contract 1/2, shrink 1/2). The
budget counts every call of the objective, including the first simplex, so
a search never exceeds what it was given; it stops early once the simplex
has collapsed (all vertices within ``x_tolerance`` of the best one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

REFLECT, EXPAND, CONTRACT, SHRINK = 1.0, 2.0, 0.5, 0.5


class _BudgetSpent(Exception):
    """Internal: the objective may not be called again."""


@dataclass(frozen=True)
class Minimum:
    x: np.ndarray
    value: float
    evaluations: int


class _Counted:
    """Wraps the objective: counts calls, remembers the best point seen."""

    def __init__(self, objective: Callable[[np.ndarray], float], budget: int):
        self._objective = objective
        self._budget = budget
        self.calls = 0
        self.best_x: np.ndarray | None = None
        self.best_value = np.inf

    def __call__(self, x: np.ndarray) -> float:
        if self.calls >= self._budget:
            raise _BudgetSpent
        self.calls += 1
        value = float(self._objective(x))
        if value < self.best_value or self.best_x is None:
            self.best_x, self.best_value = x.copy(), value
        return value


def _step(f: _Counted, simplex: np.ndarray, values: np.ndarray) -> None:
    """One Nelder-Mead iteration, updating simplex and values in place."""
    order = np.argsort(values, kind="stable")
    simplex[:] = simplex[order]
    values[:] = values[order]
    centroid = simplex[:-1].mean(axis=0)
    worst = simplex[-1]
    reflected = centroid + REFLECT * (centroid - worst)
    f_reflected = f(reflected)
    if f_reflected < values[0]:
        expanded = centroid + EXPAND * (reflected - centroid)
        f_expanded = f(expanded)
        if f_expanded < f_reflected:
            simplex[-1], values[-1] = expanded, f_expanded
        else:
            simplex[-1], values[-1] = reflected, f_reflected
        return
    if f_reflected < values[-2]:
        simplex[-1], values[-1] = reflected, f_reflected
        return
    # Contract towards the better of the worst point and its reflection.
    toward = reflected if f_reflected < values[-1] else worst
    contracted = centroid + CONTRACT * (toward - centroid)
    f_contracted = f(contracted)
    if f_contracted < min(f_reflected, values[-1]):
        simplex[-1], values[-1] = contracted, f_contracted
        return
    for i in range(1, len(simplex)):
        simplex[i] = simplex[0] + SHRINK * (simplex[i] - simplex[0])
        values[i] = f(simplex[i])


def minimise(objective: Callable[[np.ndarray], float], start, step: float,
             budget: int, x_tolerance: float = 1e-3) -> Minimum:
    """Minimise from ``start`` with an initial simplex of edge ``step``."""
    f = _Counted(objective, budget)
    x0 = np.asarray(start, dtype=float)
    simplex = np.vstack([x0, x0 + step * np.eye(len(x0))])
    values = np.full(len(simplex), np.inf)
    try:
        for i, vertex in enumerate(simplex):
            values[i] = f(vertex)
        while np.max(np.abs(simplex - simplex[np.argmin(values)])) > x_tolerance:
            _step(f, simplex, values)
    except _BudgetSpent:
        pass
    return Minimum(f.best_x, f.best_value, f.calls)
