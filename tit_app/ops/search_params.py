"""Parameters of the two montage searches, and their validation."""

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

# The 10-20 positions plus Oz: twenty classic sites.
CLASSIC_20 = ("Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz",
              "C4", "T8", "P7", "P3", "Pz", "P4", "P8", "O1", "Oz", "O2")


@dataclass(frozen=True)
class FlexSearchParams:
    """Free positions for 4 electrodes: pair 1 = electrodes 1-2, pair 2 = 3-4."""

    target: Target = field(default_factory=Target)
    budget: int = 500
    restarts: int = 4
    seed: int = 0
    current1_ma: float = 1.0
    current2_ma: float = 1.0
    max_polar_deg: float = 112.5
    min_separation_mm: float = 20.0
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
        return replace(self, electrodes=tuple(names), head=head, target=target,
                       sampling=self.sampling.validated(),
                       slice=self.slice.validated(head, target))
