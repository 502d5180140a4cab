"""Multichannel TI against a time-domain simulation of the summed carriers.

The reference here shares nothing with tit_app.ops.multichannel but the pair
fields: it sums the four sinusoids (channel A at 2000 and 2010 Hz, channel B
at 4000 and 4010 Hz, all starting in phase) over one beat period, takes the
analytic signal by FFT, keeps the slow part of the instantaneous power (below
the 2 kHz beat between the channels, which the neurons cannot follow), and
reads the modulation depth max - min of the amplitude along many directions.
"""

import numpy as np
import pytest

from tit_app.ops import Pair, SimMTIParams, SliceSpec, sim_mti
from tit_app.ops.simulation import pair_fields, pair_positions

CARRIERS_HZ = (2000.0, 2010.0, 4000.0, 4010.0)   # pair 1, 2 (channel A), 3, 4 (B)
BEAT_HZ = 10.0
RATE_HZ = 40960.0


def _fields_at_centre(params):
    params = params.validated()
    pairs = (params.pair1, params.pair2, params.pair3, params.pair4)
    montage = pair_positions(pairs, params.head)
    return [f[0] for f in pair_fields(montage, np.zeros((1, 3)), params.head)]


def _slow_power_matrix(fields):
    """Slow part of Re(Z Z^H) over one beat period, Z the analytic field, (times, 3, 3)."""
    t = np.arange(int(RATE_HZ / BEAT_HZ)) / RATE_HZ
    signal = sum(np.outer(np.cos(2 * np.pi * f * t), e) for f, e in zip(CARRIERS_HZ, fields))
    frequencies = np.fft.fftfreq(len(t), 1.0 / RATE_HZ)
    spectrum = np.fft.fft(signal, axis=0)
    analytic = np.fft.ifft(np.where((frequencies > 0)[:, None], 2.0 * spectrum, 0.0), axis=0)
    power = np.einsum("ti,tj->tij", analytic, analytic.conj()).real
    slow = np.abs(frequencies) < (CARRIERS_HZ[2] - CARRIERS_HZ[0]) / 2
    power_spectrum = np.fft.fft(power, axis=0)
    return np.fft.ifft(np.where(slow[:, None, None], power_spectrum, 0.0), axis=0).real[::16]


def _time_domain_envelope(fields, directions=40_000):
    power = _slow_power_matrix(fields)
    golden_angle = np.pi * (3.0 - np.sqrt(5.0))
    k = np.arange(directions) + 0.5
    z = 1.0 - 2.0 * k / directions
    n = np.stack([np.sqrt(1 - z * z) * np.cos(golden_angle * k),
                  np.sqrt(1 - z * z) * np.sin(golden_angle * k), z], axis=-1)
    amplitude = np.sqrt(np.maximum(np.einsum("di,tij,dj->dt", n, power, n), 0.0))
    return float(np.max(amplitude.max(axis=1) - amplitude.min(axis=1)))


REVERSED = dict(pair1=Pair("P7", "F7"))


@pytest.mark.parametrize("changes", [{}, REVERSED], ids=["default", "pair 1 reversed"])
def test_mti_matches_the_time_domain_envelope(changes):
    params = SimMTIParams(slice=SliceSpec(size=16), **changes)
    expected = _time_domain_envelope(_fields_at_centre(params))
    assert sim_mti(params).target_value == pytest.approx(expected, rel=0.01)


def test_reversing_one_pair_lowers_the_centre_and_changes_the_map():
    spec = SliceSpec(size=24)
    default = sim_mti(SimMTIParams(slice=spec))
    reversed_ = sim_mti(SimMTIParams(slice=spec, **REVERSED))
    # Channel A now beats half a period against channel B at the centre.
    assert reversed_.target_value < 0.5 * default.target_value
    inside = np.isfinite(default.envelope)
    assert np.max(np.abs(default.envelope - reversed_.envelope)[inside]) > 0.05
