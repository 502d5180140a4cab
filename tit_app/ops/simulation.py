"""The simulation library the operations share.

Pair fields, the two-pair TI envelope, and an envelope mapped on a slice.

:func:`~tit_app.ops.sim_ti.sim_ti` and :func:`~tit_app.ops.sim_mti.sim_mti` map
their montage with :func:`simulate_montage`, which also maps each pair's
carrier magnitude and the radial envelope; ``flex_search`` scores montages
with :func:`ti_envelope_on` (fixed sample points, tabulated field), and the
searches map their best montage with :func:`ti_envelope_at`.
"""

from __future__ import annotations

import numpy as np

from tit_app.ops import electrodes, head_model
from tit_app.ops.envelope import max_envelope
from tit_app.ops.field_table import PointFields
from tit_app.ops.grid import SliceGrid, slice_grid, values_on_grid
from tit_app.ops.multichannel import directional_envelope
from tit_app.ops.params import Head
from tit_app.ops.results import PlacedElectrode, SimResult

# A montage in positions: ((anode_mm, cathode_mm, current_ma), ...).
PairPositions = tuple[tuple[np.ndarray, np.ndarray, float], ...]

# Head pixels per chunk of a map: a cancel check between chunks.
CHUNK_POINTS = 8192


def pair_positions(pairs, head: Head) -> PairPositions:
    """Positions of validated :class:`Pair` objects on this head."""
    return tuple((electrodes.position_mm(p.anode, head.radius_mm),
                  electrodes.position_mm(p.cathode, head.radius_mm),
                  p.current_ma) for p in pairs)


def placed_electrodes(pairs) -> tuple[PlacedElectrode, ...]:
    """Labels for drawing: ``pairs`` are ((anode_label, anode_mm), ...)."""
    placed = []
    for number, ((anode, anode_mm), (cathode, cathode_mm)) in enumerate(
            pairs, start=1):
        placed.append(PlacedElectrode(anode, tuple(map(float, anode_mm)),
                                      number, "anode"))
        placed.append(PlacedElectrode(cathode, tuple(map(float, cathode_mm)),
                                      number, "cathode"))
    return tuple(placed)


def _named(pairs, montage: PairPositions) -> tuple[PlacedElectrode, ...]:
    """The electrodes of validated pairs, labelled with their names."""
    return placed_electrodes(((p.anode, m[0]), (p.cathode, m[1]))
                             for p, m in zip(pairs, montage, strict=True))


def pair_fields(montage: PairPositions, points_mm: np.ndarray,
                head: Head) -> list[np.ndarray]:
    """The field (V/m) of each pair at the points, in the head's model."""
    return head_model.pair_fields(head, montage, points_mm)


def ti_envelope_at(montage: PairPositions, points_mm: np.ndarray,
                   head: Head) -> np.ndarray:
    """Two-pair TI envelope (V/m) at points strictly inside the head."""
    first, second = pair_fields(montage, points_mm, head)
    return max_envelope(first, second)


def ti_envelope_on(montage: PairPositions, fields: PointFields) -> np.ndarray:
    """:func:`ti_envelope_at` at the fixed points of ``fields``: the
    searches score many montages on the same points this way."""
    first, second = head_model.pair_fields_from(fields.unit_fields, montage)
    return max_envelope(first, second)


def channels_of(fields) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs 1 + 2, 3 + 4, ...: the TI channels of a montage's pair fields."""
    return list(zip(fields[0::2], fields[1::2], strict=True))


def radial_envelope(fields, points_mm: np.ndarray) -> np.ndarray:
    """Envelope along the radial direction r/|r| (the normal of the spherical
    shells, roughly that of the cortex); 0 at the centre."""
    return directional_envelope(channels_of(fields), points_mm)


def focality_on_slice(grid: SliceGrid, envelope: np.ndarray, target_value:
                      float, target_mm, target_radius_mm: float) -> float:
    """Target value over the mean envelope on the slice outside the target.

    Returns NaN when the slice holds no head pixel outside the target.
    """
    offsets = grid.points_mm - np.asarray(target_mm)
    outside_target = np.einsum("...i,...i->...", offsets, offsets) > \
        target_radius_mm**2
    rest = envelope[grid.inside & outside_target]
    if rest.size == 0 or not np.mean(rest) > 0.0:
        return float("nan")
    return float(target_value / np.mean(rest))


def _slice_of(params) -> SliceGrid:
    spec, head = params.slice, params.head
    return slice_grid(spec.plane, spec.offset_mm, spec.size, head.radius_mm)


def _result(kind: str, params, grid: SliceGrid, image: np.ndarray, placed,
            target_value: float, **maps) -> SimResult:
    target = params.target
    focality = focality_on_slice(grid, image, target_value,
                                 np.asarray(target.centre_mm, dtype=float), target.radius_mm)
    return SimResult(kind, grid, image, placed, tuple(target.centre_mm),
                     float(target.radius_mm), target_value, focality, **maps)


def simulate_slice(kind: str, envelope_at, params, placed, progress,
                   chunk_points: int = CHUNK_POINTS) -> SimResult:
    """Map ``envelope_at(points)`` on the slice and summarise the target.

    Shared by both simulations and by the searches for their best montage.
    """
    grid = _slice_of(params)
    image = values_on_grid(grid, envelope_at, progress, chunk_points)
    centre = np.asarray(params.target.centre_mm, dtype=float)
    return _result(kind, params, grid, image, placed, float(envelope_at(centre[None, :])[0]))


def simulate_pairs(kind: str, pairs, envelope_at, params, progress,
                   chunk_points: int = CHUNK_POINTS) -> SimResult:
    """:func:`simulate_slice` for validated :class:`Pair` objects.

    ``envelope_at(montage, points_mm, head)`` is e.g. :func:`ti_envelope_at`;
    the electrodes are labelled with their names.
    """
    montage = pair_positions(pairs, params.head)
    return simulate_slice(
        kind, lambda points: envelope_at(montage, points, params.head),
        params, _named(pairs, montage), progress, chunk_points)


def simulate_montage(kind: str, pairs, envelope_of, params, progress,
                     chunk_points: int = CHUNK_POINTS) -> SimResult:
    """:func:`simulate_pairs` that also maps each pair's carrier magnitude and
    the radial envelope, from the same fields.

    ``envelope_of(fields)`` combines the pair fields (a list of (m, 3)
    arrays) into the envelope.
    """
    head = params.head
    montage = pair_positions(pairs, head)

    def maps_at(points: np.ndarray) -> np.ndarray:
        """Per point: the envelope, the radial envelope, each pair's |E|."""
        fields = pair_fields(montage, points, head)
        magnitudes = [np.linalg.norm(f, axis=-1) for f in fields]
        return np.stack([envelope_of(fields), radial_envelope(fields, points), *magnitudes],
                        axis=-1)

    grid = _slice_of(params)
    maps = values_on_grid(grid, maps_at, progress, chunk_points)
    centre = np.asarray(params.target.centre_mm, dtype=float)
    target_value = float(maps_at(centre[None, :])[0, 0])
    return _result(kind, params, grid, maps[..., 0], _named(pairs, montage), target_value,
                   radial_envelope=maps[..., 1],
                   carrier_magnitudes=tuple(maps[..., 2 + k] for k in range(len(pairs))))
