"""TI computations on a spherical head model (numpy, Qt-free).

The full user documentation, with CLI examples, is docs/ops.md; this is the
same model in brief.

Geometry
    A sphere of radius 92 mm (``Head.radius_mm``), by default four
    concentric shells: brain, CSF, skull, scalp (``Head.model =
    "four-shell"``); ``"homogeneous"`` is one conductivity, 0.33 S/m
    (``Head.conductivity_s_per_m``). Frame: x to the right ear (RPA), y to
    the nose (Nz), z to the vertex (Cz), origin at the centre, millimetres.
    Currents are zero-to-peak amplitudes in mA.

Electrodes (:mod:`.electrodes`)
    Points on the scalp named by the 10-10 system (85 sites: every row AF,
    F, FC, C, CP, P, PO from 9/10 through z, plus Fp1/Fpz/Fp2, O1/Oz/O2, Nz
    and Iz; T3/T4/T5/T6 are accepted for T7/T8/P7/P8; LPA/RPA are
    fiducials). Standard spherical coordinates in degrees: theta from +z
    (Cz = 0), phi from +x towards +y (T8 = 0, Fpz = 90, T7 = 180,
    Oz = -90). Fpz-T7-Oz-T8 is the equator; Nz, Iz, LPA, RPA and the 9/10
    sites are 22.5 degrees below it.

Field (:mod:`.head_model`)
    Point electrodes on the scalp, insulating air outside. Four shells: the
    Legendre series of :mod:`.shells`; homogeneous: the closed form of
    :mod:`.field`. Limits: a sphere rather than a head shape, point
    contacts (the field is singular right under each electrode, so maps and
    scores ignore the outer shell where that matters), no anisotropy.
    Fields are linear in current: I mA gives I times the 1 mA field.

Envelope (:mod:`.envelope`, Grossman et al., Cell 2017)
    With E2 flipped where the angle to E1 exceeds 90 degrees and
    |E1| >= |E2|: 2|E2| if |E2| <= |E1| cos(alpha), else
    2|E2 x (E1 - E2)| / |E1 - E2|. Along a direction n:
    | |(E1 + E2) . n| - |(E1 - E2) . n| |. Multichannel TI
    (:mod:`.multichannel`): the coherent model with the beat phase (both
    channels at one difference frequency, in phase, carriers far apart),
    | ||(E_a + E_b) . n|| - ||(E_a - E_b) . n|| | maximised over n.

Operations, each ``op(params=None, progress=None, cancel=None)``:
    :func:`sim_ti` (two pairs) and :func:`sim_mti` (four pairs) return a
    :class:`SimResult` with the envelope on a slice (NaN outside the head),
    the value at the target and the focality, and each pair's carrier
    magnitude and the radial envelope; :func:`flex_search` optimises
    four free electrode positions; :func:`ex_search` scores every montage
    from a list. Progress is a callable taking non-decreasing int percents
    ending at 100; cancel is a :class:`CancelToken` (raises
    :class:`Cancelled`). Bad parameters raise :class:`ParamError` naming the
    field, before any work. :func:`save` writes FILE.png (the figure),
    FILE.npz (the numbers), FILE.json (parameters, model, definitions) and,
    for a ranking, FILE.csv; :func:`read_result` opens them again. Each
    number has one name and definition (:mod:`.figures`).
"""

from tit_app.ops.electrodes import NAMES as ELECTRODE_NAMES
from tit_app.ops.ex_search import ex_search, montage_count
from tit_app.ops.flex_search import flex_search
from tit_app.ops.grid import PLANES
from tit_app.ops.options import build_params
from tit_app.ops.params import (
    HEAD_MODELS,
    Head,
    Pair,
    ParamError,
    Sampling,
    SimMTIParams,
    SimTIParams,
    SliceSpec,
    Target,
)
from tit_app.ops.progress import Cancelled, CancelToken
from tit_app.ops.output import load, read_result, save
from tit_app.ops.results import ExSearchResult, FlexResult, RankedMontage, SimResult
from tit_app.ops.search_params import ExSearchParams, FlexSearchParams
from tit_app.ops.sim_mti import sim_mti
from tit_app.ops.sim_ti import sim_ti
from tit_app.ops.summary import summary_lines

__all__ = [
    "ELECTRODE_NAMES", "HEAD_MODELS", "PLANES", "CancelToken", "Cancelled", "ExSearchParams",
    "ExSearchResult", "FlexResult", "FlexSearchParams", "Head", "Pair",
    "ParamError", "RankedMontage", "Sampling", "SimMTIParams", "SimResult",
    "SimTIParams", "SliceSpec", "Target", "build_params", "ex_search",
    "flex_search", "load", "montage_count", "read_result", "save", "sim_mti", "sim_ti",
    "summary_lines",
]
