"""Wrong neighbours of :mod:`numerics.architectures.convolution`: the plausible wrong statements its checks reject.

* ``stride-every-shift``: sub-sampling by $s$ keeps equivariance for every shift (rejected: the CNN layer's
  invariance error is of order one at $t \\not\\equiv 0$, and the invariance moment lies many standard errors from 0);
* ``subsampling-breaks-every-shift``: the slide's "sub-sampling breaks invariance" read for every shift (rejected:
  the error is exactly 0 at the multiples of $s$);
* ``fft-exact``: the FFT form is exact like the direct form (rejected: its error is of order $u$, not 0);
* ``zero-padded-commutes``: linear convolution with zero padding commutes with cyclic shifts (rejected: by whole
  integers);
* ``subsampled-outputs-decorrelated``: off the multiples of $s$ the sub-sampled outputs are uncorrelated, moment 2
  (rejected by the two-sided moment check alone: the exact $\rho(t)$ lies many standard errors away);
* ``fft-at-tf32``: the FFT form meets the float32 model with its spectra rounded to 10 mantissa bits (its own
  experiment; rejected by the worst-case bound already);
* ``fft-three-bits-short``: the same with 20 mantissa bits, errors 8x the float32 ones: within the worst-case bound,
  rejected by the complex64/complex128 format ratio alone;
* ``fft-float32-ten-times`` (looser): the FFT form's float32 error is ten times its rounding model, a bound ten
  times too generous read as the error. The worst-case checks, scaled by ten, accept it; the format-ratio check,
  scaled by ten, rejects it.

Each is the list of checks that would hold were it the theorem, on the result module's Result (read at call time:
that module imports this one).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from numerics.measure import unit_roundoff
from numerics.neighbours import Neighbour, scaled
from theorems.architectures.convolution import ID
from theorems.core import numeric


def _module():
    from numerics.architectures import convolution

    return convolution


def _every_shift_checks(result, config) -> list:
    zero = np.zeros_like(result.moment_exact)
    return [numeric(ID, f"stride {config.stride}: CNN layer invariant at every shift, float64",
                    float(np.max(result.subsampled_error[1])), "==", 0.0),
            numeric(ID, "max |z| of the invariance moment vs 0 at every shift",
                    float(np.max(_module().moment_z(result, config, zero))), "<=", config.z)]


def _breaks_every_shift_checks(result, config) -> list:
    moved = result.shifts != 0
    return [numeric(ID, f"stride {config.stride}: invariance error non-zero (>= u) at every shift t != 0, float64",
                    float(np.min(result.subsampled_error[1, moved])), ">=", unit_roundoff("float64"))]


def _fft_exact_checks(result, config) -> list:
    return [numeric(ID, f"FFT form equals the direct form exactly, {dtype}", float(np.max(result.fft_error[d])),
                    "==", 0.0) for d, dtype in enumerate(_module().FFT_DTYPES)]


def _zero_padded_checks(result, config) -> list:
    return [numeric(ID, "zero-padded convolution commutes with S_t exactly, int32",
                    float(np.max(result.padded_error)), "==", 0.0)]


def _decorrelated_checks(result, config) -> list:
    """The theorem's own moment check (the last sub-sampling check), against the prediction 2 off the multiples."""
    predicted = np.where(result.shifts % config.stride == 0, 0.0, 2.0)
    moment = _module()._subsampling_checks(dataclasses.replace(result, moment_exact=predicted), config)[-1]
    return [dataclasses.replace(moment, claim=moment.claim + " [predicted: 2 off the multiples of s]")]


def _rounded_spectra(bits: int):
    """The experiment with complex64's spectra rounded to ``bits`` mantissa bits."""
    return lambda config, key: _module().experiment(dataclasses.replace(config, fft_mantissa_bits=bits), key)


def _fft_ten_times_checks(result, config) -> list:
    worst_case = _module().fft_checks(result, config)[::2]  # ||z_fft - z|| over its bound, per format
    return [scaled(check, 10.0) for check in (*worst_case, _module().format_check(result, config))]


NEIGHBOURS = (
    Neighbour("stride-every-shift", "sub-sampling by s keeps equivariance (and pooled invariance) for every shift",
              _every_shift_checks),
    Neighbour("subsampling-breaks-every-shift", "sub-sampling breaks invariance for every non-zero shift (the "
              "slide read literally)", _breaks_every_shift_checks),
    Neighbour("fft-exact", "the FFT form is exact in floating point, like the direct form", _fft_exact_checks),
    Neighbour("zero-padded-commutes", "linear (zero-padded) convolution commutes with cyclic shifts",
              _zero_padded_checks),
    Neighbour("subsampled-outputs-decorrelated", "off the multiples of s, the sub-sampled outputs of S_t x and x are "
              "uncorrelated: E(g(S_t x) - g(x))^2 / E g^2 = 2", _decorrelated_checks),
    Neighbour("fft-at-tf32", "the FFT form meets its float32 rounding model with its spectra at TF32's 10 mantissa bits",
              lambda result, config: _module().checks(result, config), experiment=_rounded_spectra(10)),
    Neighbour("fft-three-bits-short", "the FFT form meets its float32 rounding model with its spectra three bits short "
              "(20 mantissa bits: errors 8x larger, well inside the worst-case bound)",
              lambda result, config: _module().checks(result, config), experiment=_rounded_spectra(20)),
    Neighbour("fft-float32-ten-times", "the FFT form's float32 error is ten times its rounding model (a bound 10x "
              "too generous, read as the error)", _fft_ten_times_checks, looser=True),
)
"""Wrong neighbours (module docstring)."""
