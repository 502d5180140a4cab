"""The field of electrodes in the chosen head model (``Head.model``).

``four-shell`` (the default) is :mod:`tit_app.ops.shells`, the Legendre
series for brain, CSF, skull and scalp; ``homogeneous`` is the closed form of
:mod:`tit_app.ops.field`. Both give V/m per mA, linear in current; docs/ops.md
describes them and their limits.
"""

from __future__ import annotations

import numpy as np

from tit_app.ops.field import scale_v_per_m, unit_source_field
from tit_app.ops.params import HOMOGENEOUS, Head
from tit_app.ops.shells import ShellCoefficients, shell_coefficients, shell_source_fields


def head_shells(head: Head) -> ShellCoefficients:
    """The series coefficients of a four-shell head (cached per head)."""
    rho = tuple(r / head.radius_mm for r in head.shell_radii_mm())
    return shell_coefficients(rho, tuple(head.shell_conductivities_s_per_m))


def unit_fields(head: Head, electrodes_mm, points_mm: np.ndarray) -> np.ndarray:
    """Field (V/m) of 1 mA entering at each electrode: (points, electrodes, 3).

    Electrodes are on the scalp (k, 3) in mm; points strictly inside the head.
    A pair's field is that of its anode minus that of its cathode, times
    the current.
    """
    sources = np.atleast_2d(np.asarray(electrodes_mm, dtype=float))
    points = np.asarray(points_mm, dtype=float).reshape(-1, 3)
    if head.model == HOMOGENEOUS:
        scale = scale_v_per_m(1.0, head.conductivity_s_per_m)
        return scale * np.stack([unit_source_field(s, points, head.radius_mm)
                                 for s in sources], axis=1)
    return shell_source_fields(head_shells(head), head.radius_mm, sources / head.radius_mm, points)


def pair_fields(head: Head, montage, points_mm: np.ndarray) -> list[np.ndarray]:
    """The field (V/m, (points, 3)) of each pair ((anode_mm, cathode_mm, current_ma), ...)."""
    return pair_fields_from(lambda electrodes: unit_fields(head, electrodes, points_mm),
                            montage)


def pair_fields_from(unit_fields_of, montage) -> list[np.ndarray]:
    """:func:`pair_fields` with ``unit_fields_of(electrodes_mm)`` giving the
    (points, electrodes, 3) unit fields (e.g. a
    :class:`~tit_app.ops.field_table.PointFields`)."""
    electrodes = [e for anode, cathode, _ in montage for e in (anode, cathode)]
    fields = unit_fields_of(electrodes)
    return [current * (fields[:, 2 * i] - fields[:, 2 * i + 1])
            for i, (_, _, current) in enumerate(montage)]
