"""The field at fixed points for electrodes anywhere on the scalp, fast.

flex_search scores thousands of montages on the same few hundred sample
points (its optimisation points use this module; maps, ex_search and
flex_search's fresh evaluation points use the series). In a spherically
symmetric head the field of 1 mA entering at the scalp point R s depends,
at a point p, only on |p| and on the angle between p and s: in the
notation of :mod:`tit_app.ops.shells`,

    E = -(I / (4 pi R^2)) (S_r(x) r_hat + S_x(x) (s - x r_hat)),  x = r_hat . s,

so the series is summed once per point at ``NODES`` values of x, and each
later evaluation interpolates S_r and S_x (cubic, 4 nodes) and applies the
same formula (:func:`tit_app.ops.shells.field_from_sums`: one definition of
the physics).

The nodes are equally spaced in t = log(D^2 / D_min^2) / log(D_max^2 / D_min^2),
D the distance from the point to the electrode: the field varies fastest
when the electrode passes over the point, and on this scale that peak is as
wide as the rest. Near the centre t tends to (1 - x) / 2, so no point is
special there. With 96 nodes the interpolated field agrees with the series
to about 1e-7 of the point's largest field 12 mm below the scalp (the
searches' default clearance) and to 2e-6 at 5 mm (skull);
tests/ops/test_field_table.py checks 1e-5.

Points in the scalp layer or less than ``MIN_DEPTH`` of the radius below the
scalp, and every point of the homogeneous head (whose closed form is as fast
as the table), use the exact field (:func:`tit_app.ops.head_model.unit_fields`).
"""

from __future__ import annotations

import numpy as np

from tit_app.ops.head_model import head_shells, unit_fields
from tit_app.ops.params import HOMOGENEOUS, Head
from tit_app.ops.shells import field_from_sums, layer_of, shell_sums, unit_directions

NODES = 96
# Of the head radius: 4.6 mm on the default 92 mm head.
MIN_DEPTH = 0.05
# Radii below this (of R) use the small-radius limit of the node spacing.
_TINY_RHO = 1e-9


class FieldTable:
    """S_r and S_x at ``NODES`` angles per point, for points deep in the head."""

    def __init__(self, head: Head, points_mm: np.ndarray) -> None:
        self._radius = head.radius_mm
        self._shells = head_shells(head)
        r, self._r_hat = unit_directions(points_mm)
        rho = np.maximum(r / head.radius_mm, _TINY_RHO)
        # D^2 / D_min^2 = 1 + k (1 - x), with k = 2 rho / (1 - rho)^2.
        self._k = 2.0 * rho / (1.0 - rho) ** 2
        self._span = np.log1p(2.0 * self._k)
        t = np.linspace(0.0, 1.0, NODES)
        x = 1.0 - np.expm1(t[None, :] * self._span[:, None]) / self._k[:, None]
        s_r, s_x = shell_sums(self._shells, r / head.radius_mm, x)
        # (points * NODES, 2): the 4 nodes around each x are one gather.
        self._sums = np.stack([s_r, s_x], axis=-1).reshape(-1, 2)

    def unit_fields(self, sources: np.ndarray) -> np.ndarray:
        """Field (V/m) of 1 mA entering at each unit vector: (points, k, 3)."""
        x = np.clip(self._r_hat @ sources.T, -1.0, 1.0)
        t = np.log1p(self._k[:, None] * (1.0 - x)) / self._span[:, None]
        position = t * (NODES - 1)
        left = np.clip(position.astype(np.intp), 1, NODES - 3)
        u = position - left
        weights = np.stack([-u * (u - 1.0) * (u - 2.0) / 6.0,
                            (u + 1.0) * (u - 1.0) * (u - 2.0) / 2.0,
                            -(u + 1.0) * u * (u - 2.0) / 2.0,
                            (u + 1.0) * u * (u - 1.0) / 6.0], axis=-1)
        rows = (np.arange(len(t))[:, None] * NODES + left - 1)[..., None] + np.arange(4)
        sums = np.einsum("pkn,pknc->cpk", weights, self._sums[rows])
        return field_from_sums(sums[0], sums[1], self._r_hat, x, sources, self._radius)


class PointFields:
    """Unit fields at fixed points, for many electrode positions.

    In the four-shell head the points deep enough use a :class:`FieldTable`
    (unless ``tabulate`` is false: points scored only a few times are
    cheaper exact than tabulated), the others the exact series; in the
    homogeneous head all use the closed form.
    """

    def __init__(self, head: Head, points_mm: np.ndarray, tabulate: bool = True) -> None:
        self.head = head
        self.points_mm = np.asarray(points_mm, dtype=float).reshape(-1, 3)
        self._table, self._tabled = None, np.zeros(len(self.points_mm), dtype=bool)
        if tabulate and head.model != HOMOGENEOUS:
            rho = np.linalg.norm(self.points_mm, axis=-1) / head.radius_mm
            shells = head_shells(head)
            self._tabled = (rho <= 1.0 - MIN_DEPTH) & (layer_of(rho, shells) < len(shells.rho) - 1)
            if self._tabled.any():
                self._table = FieldTable(head, self.points_mm[self._tabled])

    def unit_fields(self, electrodes_mm) -> np.ndarray:
        """Field (V/m) of 1 mA entering at each electrode: (points, electrodes, 3)."""
        electrodes = np.atleast_2d(np.asarray(electrodes_mm, dtype=float))
        if self._table is None:
            return unit_fields(self.head, electrodes, self.points_mm)
        if self._tabled.all():
            return self._table.unit_fields(electrodes / self.head.radius_mm)
        fields = np.empty((len(self.points_mm), len(electrodes), 3))
        fields[self._tabled] = self._table.unit_fields(electrodes / self.head.radius_mm)
        fields[~self._tabled] = unit_fields(self.head, electrodes, self.points_mm[~self._tabled])
        return fields
