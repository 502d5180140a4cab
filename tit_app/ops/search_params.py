"""Parameters of the two montage searches, and their validation.

Defaults, and why (docs/ops.md, "Sample points of the searches",
"Choosing the flex_search defaults" and "Ranking"):

* ``clearance_mm`` (12 mm): sample points stay this far below the scalp,
  hence from every electrode (tit_app.ops.sampling).
* flex ``budget`` and ``restarts``: from the convergence study
  bench/flex_convergence.py.
* flex ``min_separation_mm`` (25 mm): below the distance between
  neighbouring 10-10 sites on the 92 mm head (about 27-36 mm), so
  neighbours may be used together, yet no two electrodes overlap.
* ex ``rank_by`` ("focality") and ``min_target_fraction`` (0.5):
  tit_app.ops.ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tit_app.ops.params import (
    Head,
    ParamError,
    Sampling,
    SliceSpec,
    Target,
    claim_electrode,
    electrode,
    integer,
    number,
)
from tit_app.ops.ranking import DEFAULT_MIN_TARGET_FRACTION, DEFAULT_RANK_BY, RANK_BY
from tit_app.ops.sampling import DEFAULT_CLEARANCE_MM

# The 10-20 positions plus Oz: twenty classic sites.
CLASSIC_20 = ("Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz",
              "C4", "T8", "P7", "P3", "Pz", "P4", "P8", "O1", "Oz", "O2")


def clearance(value, head: Head) -> float:
    """The electrode clearance of the sample points, checked."""
    distance = number("clearance_mm", value)
    if not 0.0 <= distance < head.radius_mm:
        raise ParamError("clearance_mm", "must be between 0 and the head "
                         f"radius ({head.radius_mm:g} mm), got {distance:g}")
    return distance


@dataclass(frozen=True)
class FlexSearchParams:
    """Free positions for 4 electrodes: pair 1 = electrodes 1-2, pair 2 = 3-4."""

    target: Target = field(default_factory=Target)
    budget: int = 4000
    restarts: int = 16
    seed: int = 0
    current1_ma: float = 1.0
    current2_ma: float = 1.0
    max_polar_deg: float = 112.5
    min_separation_mm: float = 25.0
    clearance_mm: float = DEFAULT_CLEARANCE_MM
    sampling: Sampling = field(default_factory=Sampling)
    slice: SliceSpec = field(default_factory=SliceSpec)
    head: Head = field(default_factory=Head)

    def validated(self) -> FlexSearchParams:
        head = self.head.validated()
        target = self.target.validated(head)
        integer("budget", self.budget, 1, 10_000_000)
        integer("restarts", self.restarts, 1, 10_000)
        integer("seed", self.seed, 0)
        number("current1_ma", self.current1_ma, positive=True)
        number("current2_ma", self.current2_ma, positive=True)
        polar = number("max_polar_deg", self.max_polar_deg, positive=True)
        if polar > 180.0:
            raise ParamError("max_polar_deg", "must be at most 180 degrees")
        separation = number("min_separation_mm", self.min_separation_mm)
        if not 0.0 <= separation < head.radius_mm:
            raise ParamError("min_separation_mm", "must be between 0 and the "
                             f"head radius ({head.radius_mm:g} mm)")
        clearance(self.clearance_mm, head)
        return replace(self, head=head, target=target,
                       sampling=self.sampling.validated(),
                       slice=self.slice.validated(head, target))


@dataclass(frozen=True)
class ExSearchParams:
    """Every montage of 4 of ``electrodes`` split into two pairs."""

    electrodes: tuple[str, ...] = CLASSIC_20
    target: Target = field(default_factory=Target)
    current1_ma: float = 1.0
    current2_ma: float = 1.0
    top_n: int = 5
    seed: int = 0
    rank_by: str = DEFAULT_RANK_BY
    min_target_fraction: float = DEFAULT_MIN_TARGET_FRACTION
    clearance_mm: float = DEFAULT_CLEARANCE_MM
    sampling: Sampling = field(default_factory=Sampling)
    slice: SliceSpec = field(default_factory=SliceSpec)
    head: Head = field(default_factory=Head)

    def validated(self) -> ExSearchParams:
        head = self.head.validated()
        target = self.target.validated(head)
        if isinstance(self.electrodes, str) or not hasattr(self.electrodes,
                                                           "__iter__"):
            raise ParamError("electrodes", "must be a list of 10-10 names")
        used: dict[str, str] = {}
        names = []
        for index, name in enumerate(self.electrodes):
            canonical = electrode(f"electrodes[{index}]", name)
            claim_electrode(f"electrodes[{index}]", canonical, used)
            names.append(canonical)
        if len(names) < 4:
            raise ParamError("electrodes", "needs at least 4 distinct "
                             f"electrodes, got {len(names)}")
        number("current1_ma", self.current1_ma, positive=True)
        number("current2_ma", self.current2_ma, positive=True)
        integer("top_n", self.top_n, 1, 10_000)
        integer("seed", self.seed, 0)
        if self.rank_by not in RANK_BY:
            raise ParamError("rank_by", f"must be one of {', '.join(RANK_BY)}, "
                             f"got {self.rank_by!r}")
        fraction = number("min_target_fraction", self.min_target_fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ParamError("min_target_fraction", "must be between 0 and 1 "
                             f"(a share of the strongest montage), got {fraction:g}")
        clearance(self.clearance_mm, head)
        return replace(self, electrodes=tuple(names), head=head, target=target,
                       sampling=self.sampling.validated(),
                       slice=self.slice.validated(head, target))
