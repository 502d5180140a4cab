"""Multichannel TI: two TI channels (pairs 1+2 and pairs 3+4) at once.

Both channels beat at the same difference frequency, in phase; their
carriers are far apart (e.g. 2 kHz and 4 kHz pairs), so the kHz beats between
the channels average out and only the slow beat remains. The combined
envelope is the largest modulation depth over directions of the coherent
model in :mod:`tit_app.ops.multichannel` (docs/ops.md). Reversing one pair
shifts its channel's beat by half a period against the other's, which
changes the map. The result is at most the sum of the two channels' TI
envelopes and can be below either.
"""

from __future__ import annotations

from tit_app.ops.multichannel import combined_envelope
from tit_app.ops.params import SimMTIParams
from tit_app.ops.progress import CancelToken, ProgressCallback, Reporter
from tit_app.ops.results import SimResult
from tit_app.ops.simulation import channels_of, simulate_montage

# Pixels per chunk: the search over directions costs ~100 eigenvector
# evaluations per pixel, so chunks are smaller than for two pairs to keep
# cancel prompt.
CHUNK_POINTS = 1024


def mti_envelope(fields):
    """Combined envelope (V/m) of pair fields [E1, E2, E3, E4]."""
    return combined_envelope(*channels_of(fields))


def sim_mti(params: SimMTIParams | None = None,
            progress: ProgressCallback | None = None,
            cancel: CancelToken | None = None) -> SimResult:
    """Combined envelope of four pairs on a slice, target value, focality."""
    params = (params or SimMTIParams()).validated()
    reporter = Reporter(progress, cancel)
    reporter.start()
    pairs = (params.pair1, params.pair2, params.pair3, params.pair4)
    result = simulate_montage("sim_mti", pairs, mti_envelope, params, reporter, CHUNK_POINTS)
    reporter.finish()
    return result
