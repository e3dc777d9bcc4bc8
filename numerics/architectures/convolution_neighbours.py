"""Wrong neighbours of :mod:`numerics.architectures.convolution`: the plausible wrong statements its checks reject.

* ``stride-every-shift``: sub-sampling by $s$ keeps equivariance for every shift (rejected: the CNN layer's
  invariance error is of order one at $t \\not\\equiv 0$, and the invariance moment lies many standard errors from 0);
* ``subsampling-breaks-every-shift``: the slide's "sub-sampling breaks invariance" read for every shift (rejected:
  the error is exactly 0 at the multiples of $s$);
* ``fft-exact``: the FFT form is exact like the direct form (rejected: its error is of order $u$, not 0);
* ``zero-padded-commutes``: linear convolution with zero padding commutes with cyclic shifts (rejected: by whole
  integers);
* ``fft-float32-ten-times`` (looser): the FFT form's float32 error is ten times its rounding model, a bound ten
  times too generous read as the error. The worst-case checks, scaled by ten, accept it; the format-ratio check,
  scaled by ten, rejects it.

Each is the list of checks that would hold were it the theorem, on the result module's Result (read at call time:
that module imports this one).
"""

from __future__ import annotations

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
    Neighbour("fft-float32-ten-times", "the FFT form's float32 error is ten times its rounding model (a bound 10x "
              "too generous, read as the error)", _fft_ten_times_checks, looser=True),
)
"""Wrong neighbours (module docstring)."""
