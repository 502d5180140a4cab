"""Multichannel TI: two TI channels (pairs 1+2 and pairs 3+4) at once.

Both channels beat at the same difference frequency; their carriers are far
apart (e.g. 2 kHz and 4 kHz pairs), so beats between the channels are in the
kHz range and do not add to the slow envelope. Driven in phase, the two slow
modulations add along any direction, and the combined envelope is their
largest sum over directions (see :mod:`tit_app.ops.multichannel`). It lies
between the larger of the two channels' TI envelopes and their sum.
"""

from __future__ import annotations

import numpy as np

from tit_app.ops.multichannel import combined_envelope
from tit_app.ops.params import Head, SimMTIParams
from tit_app.ops.progress import CancelToken, ProgressCallback, Reporter
from tit_app.ops.results import SimResult
from tit_app.ops.simulation import PairPositions, pair_fields, simulate_pairs

# Pixels per chunk: the combination handles 28 candidate directions per
# pixel, so chunks are smaller than for two pairs to keep cancel prompt.
CHUNK_POINTS = 2048


def mti_envelope_at(montage: PairPositions, points_mm: np.ndarray,
                    head: Head) -> np.ndarray:
    """Combined envelope (V/m) of the two channels at the points."""
    e1, e2, e3, e4 = pair_fields(montage, points_mm, head)
    return combined_envelope((e1, e2), (e3, e4))


def sim_mti(params: SimMTIParams | None = None,
            progress: ProgressCallback | None = None,
            cancel: CancelToken | None = None) -> SimResult:
    """Combined envelope of four pairs on a slice, target value, focality."""
    params = (params or SimMTIParams()).validated()
    reporter = Reporter(progress, cancel)
    reporter.start()
    pairs = (params.pair1, params.pair2, params.pair3, params.pair4)
    result = simulate_pairs("sim_mti", pairs, mti_envelope_at, params,
                            reporter, CHUNK_POINTS)
    reporter.finish()
    return result
