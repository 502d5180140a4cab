"""Parameters shared by the operations, and their validation.

Every check raises :class:`ParamError` naming the offending field (dotted,
e.g. ``pair2.cathode``) before any computation starts. ``validated()``
returns a copy with electrode names in their standard spelling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from tit_app.ops import electrodes
from tit_app.ops.grid import PLANE_AXES, PLANES

MIN_GRID, MAX_GRID = 8, 2048


class ParamError(ValueError):
    """A parameter is invalid; ``field`` names it and the message says why."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def number(field_name: str, value, *, positive: bool = False) -> float:
    """A finite real number (and > 0 when asked), or a ParamError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(field_name, f"must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ParamError(field_name, f"must be finite, got {value!r}")
    if positive and value <= 0:
        raise ParamError(field_name, f"must be greater than 0, got {value!r}")
    return float(value)


def integer(field_name: str, value, minimum: int, maximum: int | None = None) -> int:
    """An int in [minimum, maximum], or a ParamError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError(field_name, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise ParamError(field_name, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ParamError(field_name, f"must be at most {maximum}, got {value}")
    return value


def electrode(field_name: str, name) -> str:
    """The standard spelling of a 10-10 name, or a ParamError."""
    canonical = electrodes.canonical_name(name)
    if canonical is None:
        raise ParamError(field_name, f"unknown electrode {name!r}; use a "
                         "10-10 name such as Fp1, Cz, T7 or PO8")
    return canonical


def claim_electrode(field_name: str, name: str, used: dict[str, str]) -> None:
    """Record that ``field_name`` uses ``name``; reject a second use."""
    if name in used:
        raise ParamError(field_name, f"electrode {name} is already used by "
                         f"{used[name]}; each electrode carries one current")
    used[name] = field_name


FOUR_SHELL, HOMOGENEOUS = "four-shell", "homogeneous"
HEAD_MODELS = (FOUR_SHELL, HOMOGENEOUS)
SHELL_NAMES = ("brain", "CSF", "skull", "scalp")


@dataclass(frozen=True)
class Head:
    """The spherical head: its radius, and which model conducts the current.

    ``four-shell`` (the default): brain, CSF, skull and scalp with
    ``shell_conductivities_s_per_m`` (inside out) and the outer three
    ``shell_thicknesses_mm`` (CSF, skull, scalp), so the brain's radius is
    the head radius minus their sum. Defaults: SimNIBS conductivities, Naess
    et al. 2017 thicknesses (docs/ops.md).
    ``homogeneous``: one tissue of ``conductivity_s_per_m``.
    """

    radius_mm: float = 92.0
    conductivity_s_per_m: float = 0.33
    model: str = FOUR_SHELL
    shell_conductivities_s_per_m: tuple[float, ...] = (0.275, 1.654, 0.010, 0.465)
    shell_thicknesses_mm: tuple[float, ...] = (1.0, 5.0, 5.0)

    def validated(self) -> Head:
        radius = number("head.radius_mm", self.radius_mm, positive=True)
        number("head.conductivity_s_per_m", self.conductivity_s_per_m,
               positive=True)
        if self.model not in HEAD_MODELS:
            raise ParamError("head.model", f"must be one of {', '.join(HEAD_MODELS)}, "
                             f"got {self.model!r}")
        conductivities = _numbers("head.shell_conductivities_s_per_m",
                                  self.shell_conductivities_s_per_m, len(SHELL_NAMES))
        thicknesses = _numbers("head.shell_thicknesses_mm", self.shell_thicknesses_mm,
                               len(SHELL_NAMES) - 1)
        if self.model == FOUR_SHELL and sum(thicknesses) >= radius:
            raise ParamError("head.shell_thicknesses_mm", f"CSF, skull and scalp "
                             f"({sum(thicknesses):g} mm together) leave no brain inside "
                             f"the head radius ({radius:g} mm)")
        return replace(self, shell_conductivities_s_per_m=conductivities,
                       shell_thicknesses_mm=thicknesses)

    def shell_radii_mm(self) -> tuple[float, ...]:
        """Outer radius of the brain, CSF, skull and scalp."""
        radii = [self.radius_mm]
        for thickness in reversed(self.shell_thicknesses_mm):
            radii.insert(0, radii[0] - thickness)
        return tuple(radii)


def _numbers(field_name: str, values, count: int) -> tuple[float, ...]:
    """``count`` positive numbers, or a ParamError."""
    if isinstance(values, str) or not hasattr(values, "__len__") or len(values) != count:
        raise ParamError(field_name, f"needs {count} numbers, got {values!r}")
    return tuple(number(f"{field_name}[{i}]", v, positive=True)
                 for i, v in enumerate(values))


@dataclass(frozen=True)
class Pair:
    """Current flows in at the anode and out at the cathode."""

    anode: str
    cathode: str
    current_ma: float = 1.0

    def validated(self, prefix: str, used: dict[str, str]) -> Pair:
        anode = electrode(f"{prefix}.anode", self.anode)
        claim_electrode(f"{prefix}.anode", anode, used)
        cathode = electrode(f"{prefix}.cathode", self.cathode)
        claim_electrode(f"{prefix}.cathode", cathode, used)
        number(f"{prefix}.current_ma", self.current_ma, positive=True)
        return replace(self, anode=anode, cathode=cathode)


@dataclass(frozen=True)
class Target:
    """A spherical region of interest (centre in mm, head frame)."""

    centre_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    radius_mm: float = 10.0

    def validated(self, head: Head) -> Target:
        centre = self.centre_mm
        if not isinstance(centre, (tuple, list)) or len(centre) != 3:
            raise ParamError("target.centre_mm",
                             f"needs three numbers (x, y, z) in mm, got {centre!r}")
        xyz = tuple(number("target.centre_mm", c) for c in centre)
        if math.dist(xyz, (0.0, 0.0, 0.0)) >= head.radius_mm:
            raise ParamError("target.centre_mm",
                             f"{xyz} mm lies outside the head "
                             f"(radius {head.radius_mm:g} mm)")
        radius = number("target.radius_mm", self.radius_mm, positive=True)
        if radius >= head.radius_mm:
            raise ParamError("target.radius_mm", "must be smaller than the "
                             f"head radius ({head.radius_mm:g} mm)")
        return replace(self, centre_mm=xyz)


@dataclass(frozen=True)
class SliceSpec:
    """Which slice to map; ``offset_mm=None`` puts it through the target."""

    plane: str = "axial"
    offset_mm: float | None = None
    size: int = 128

    def validated(self, head: Head, target: Target) -> SliceSpec:
        if self.plane not in PLANES:
            raise ParamError("slice.plane", f"must be one of "
                             f"{', '.join(PLANES)}, got {self.plane!r}")
        integer("slice.size", self.size, MIN_GRID, MAX_GRID)
        offset = self.offset_mm
        if offset is None:
            normal_axis = PLANE_AXES[self.plane][0]
            offset = target.centre_mm[normal_axis]
        offset = number("slice.offset_mm", offset)
        if abs(offset) >= head.radius_mm:
            raise ParamError("slice.offset_mm", f"{offset:g} mm misses the "
                             f"head (radius {head.radius_mm:g} mm)")
        return replace(self, offset_mm=offset)


@dataclass(frozen=True)
class Sampling:
    """Sample points the searches score montages on.

    Rest points are drawn inside ``brain_fraction`` of the head radius so the
    singular field right under the electrodes (scalp and skull in a real
    head) does not dominate the comparison.
    """

    target_points: int = 16
    rest_points: int = 256
    brain_fraction: float = 0.85

    def validated(self) -> Sampling:
        integer("sampling.target_points", self.target_points, 1, 10_000)
        integer("sampling.rest_points", self.rest_points, 1, 100_000)
        fraction = number("sampling.brain_fraction", self.brain_fraction,
                          positive=True)
        if fraction >= 1.0:
            raise ParamError("sampling.brain_fraction", "must be below 1")
        return self


@dataclass(frozen=True)
class SimTIParams:
    pair1: Pair = Pair("F7", "P7")
    pair2: Pair = Pair("F8", "P8")
    target: Target = field(default_factory=Target)
    slice: SliceSpec = field(default_factory=SliceSpec)
    head: Head = field(default_factory=Head)

    def validated(self) -> SimTIParams:
        return validate_sim(self, ("pair1", "pair2"))


@dataclass(frozen=True)
class SimMTIParams:
    """Pairs 1 and 2 form TI channel A, pairs 3 and 4 channel B."""

    pair1: Pair = Pair("F7", "P7")
    pair2: Pair = Pair("F8", "P8")
    pair3: Pair = Pair("FC5", "CP5")
    pair4: Pair = Pair("FC6", "CP6")
    target: Target = field(default_factory=Target)
    slice: SliceSpec = field(default_factory=SliceSpec)
    head: Head = field(default_factory=Head)

    def validated(self) -> SimMTIParams:
        return validate_sim(self, ("pair1", "pair2", "pair3", "pair4"))


def validate_sim(params, pair_fields: tuple[str, ...]):
    """Shared checks of the simulation parameter sets."""
    head = params.head.validated()
    target = params.target.validated(head)
    used: dict[str, str] = {}
    pairs = {}
    for name in pair_fields:
        pair = getattr(params, name)
        if not isinstance(pair, Pair):
            raise ParamError(name, f"must be a Pair, got {pair!r}")
        pairs[name] = pair.validated(name, used)
    return replace(params, head=head, target=target,
                   slice=params.slice.validated(head, target), **pairs)
