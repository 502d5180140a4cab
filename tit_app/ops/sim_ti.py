"""Temporal interference with two electrode pairs: the envelope on a slice."""

from __future__ import annotations

from tit_app.ops.envelope import max_envelope
from tit_app.ops.params import SimTIParams
from tit_app.ops.progress import CancelToken, ProgressCallback, Reporter
from tit_app.ops.results import SimResult
from tit_app.ops.simulation import simulate_montage


def sim_ti(params: SimTIParams | None = None,
           progress: ProgressCallback | None = None,
           cancel: CancelToken | None = None) -> SimResult:
    """TI envelope of two pairs on a slice, at the target and its focality."""
    params = (params or SimTIParams()).validated()
    reporter = Reporter(progress, cancel)
    reporter.start()
    result = simulate_montage("sim_ti", (params.pair1, params.pair2),
                              lambda fields: max_envelope(*fields), params, reporter)
    reporter.finish()
    return result
