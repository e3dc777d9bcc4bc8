r"""The probabilistic model of rounding errors, and the two-sided check that compares two formats with it.

A worst-case bound such as $|\hat s - s| \le \gamma_N \sum_k |x_k y_k|$ is attained only when every rounding error
has its largest size and the same sign; on random data the measured error sits orders of magnitude below it (here
$10^{-6}$ to $10^{-1}$ of it), so a check against it cannot see an error ten times too large. This module supplies
the sharp partner: a check of the measured error against its *model*, two-sided.

**The model** (N. J. Higham and T. Mary, "A new approach to probabilistic rounding error analysis", SIAM J. Sci.
Comput. 41(5), 2019, and "Sharper probabilistic backward error analysis for basic linear algebra kernels with
random data", SIAM J. Sci. Comput. 42(5), 2020). Each operation $r$ of a computation returns $x_r(1 + \delta_r)$,
the $\delta_r$ independent with mean zero. For round to nearest the error $\mathrm{fl}(x) - x$ of a generic $x$ is
uniform on $\pm\mathrm{ulp}(x)/2$ and $\mathrm{ulp}(x)/|x| \in (u, 2u]$, so $\mathbb E\,\delta_r^2 = \sigma_r^2
u^2$ with $\sigma_r^2 \in [1/12, 1/3]$ a function of where $x_r$ falls in its binade, the same function in every
binary format. To first order in $u$ the error of a fixed sequence of operations is $\sum_r \delta_r P_r$ ($P_r$
the exact intermediate results, times the sensitivity of the output to them), so its normalised form
$e = |\hat s - s| / (u \cdot \mathrm{scale})$ has $\mathbb E\,e^2 = \sum_r \sigma_r^2 P_r^2/\mathrm{scale}^2$: **no
$u$ left**. Run the same program on data of the same distribution in two formats (float32 and float64, complex64
and complex128) and $e$ has the same distribution in both; the ratio $\rho$ of the root-mean-square $e$ of the
low format to that of the high one is 1. (For zero-mean data $e = O(1)$, independent of the length $N$: Higham and
Mary 2020; measured here 0.2 to 1.)

**What may move $\rho$.** XLA compiles one program to kernels that may differ between formats: a SIMD register
holds twice as many float32 as float64 numbers, and a kernel may unroll differently, which changes the summation
trees. A sum of $N$ random-sign terms accumulated in $K$ interleaved partial sums has $\sum_r P_r^2 \propto N^2/K$,
so $f$ times as many partial sums in one format change $\rho$ by $\sqrt f$. :data:`ALLOWANCE` $\kappa = 2$ covers
$f \le 4$ (twice the lanes and twice the unrolling): the model says $\rho \in [1/\kappa, \kappa]$. Measured on
XLA:CPU: per shape 0.52 (the float64 matrix product of $8\times512$ matrices keeps a quarter of float32's partial
sums) to 1.17, pooled 0.77 to 1.2.

**The check** (:func:`format_ratio_check`). Errors come in groups (a shape, a form) of independent samples (matrix
pairs, independent draws): per group the mean squared $e$ of each format, $\hat\rho_g = (\overline{e^2_{\rm low}}
/ \overline{e^2_{\rm high}})^{1/2}$, and $\log\hat\rho = \operatorname{mean}_g \log\hat\rho_g$ (every group
weighs the same), with the delta-method standard error $s$ from the samples' variances. It holds when
$\hat\rho \in [\kappa^{-1} e^{-z s}, \kappa\, e^{z s}]$, $z$ = :data:`Z_MAX` = 4: if $\rho$ lies in $[1/\kappa,
\kappa]$, it fails with probability about $2\Phi(-4) = 6\cdot10^{-5}$ (normal approximation of each group's mean
of at least :data:`MIN_SAMPLES` samples; the squared errors are bounded by the worst-case bound, so every moment
is finite). It sees what the worst-case bound cannot: products run at TF32's precision (inputs rounded to 10
mantissa bits, :func:`round_mantissa`) make $\rho \approx 10^3$; an error ten times the measured one makes it 10;
a neighbour that claims the low format ten times less accurate predicts $[10/\kappa, 10\kappa]\,e^{\pm zs}$.

Groups where both formats measure exactly zero (the two sides run the same operations, as for a $1\times n$
inner product) carry no information and are left out; a group where only one does is kept and fails the check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from theorems.core import Check, numeric

ALLOWANCE = 2.0
"""kappa: how far kernels that differ between formats may move the ratio of normalised errors (see above)."""
Z_MAX = 4.0
"""z bound on the sampling error of log(ratio): two-sided false-alarm rate 2 Phi(-4) = 6.3e-5."""
MIN_SAMPLES = 16
"""Independent samples a group needs for the normal approximation of its mean."""


def round_mantissa(x: jax.Array, bits: int) -> jax.Array:
    """``x`` rounded to nearest (ties to even) with ``bits`` explicit mantissa bits, exponent range kept: TF32 is
    float32 with ``bits=10``. Complex arrays are rounded part by part."""
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        return jax.lax.complex(round_mantissa(x.real, bits), round_mantissa(x.imag, bits))
    exponent_bits = {jnp.dtype(jnp.float32): 8, jnp.dtype(jnp.float64): 11}[jnp.dtype(x.dtype)]
    return jax.lax.reduce_precision(x, exponent_bits=exponent_bits, mantissa_bits=bits)


@dataclass(frozen=True)
class FormatRatio:
    """The geometric mean over groups of RMS(e_low) / RMS(e_high), the standard error of its log, the groups used."""

    ratio: float
    log_se: float
    groups: int


def format_ratio(low_squared, high_squared) -> FormatRatio:
    """Compare squared normalised errors of the low and the high format, arrays ``[group, sample]`` (samples
    independent within a group; NaN marks a missing sample). Groups where both formats are exactly zero are left
    out; a group with one format all zero gives a ratio of 0 or infinity."""
    low, high = np.asarray(low_squared, np.float64), np.asarray(high_squared, np.float64)
    if low.shape != high.shape or low.ndim != 2:
        raise ValueError(f"need two [group, sample] arrays of one shape, got {low.shape} and {high.shape}")
    logs, variances = [], []
    for lo, hi in zip(low, high):
        lo, hi = lo[~np.isnan(lo)], hi[~np.isnan(hi)]
        if min(lo.size, hi.size) < MIN_SAMPLES:
            raise ValueError(f"a group has {min(lo.size, hi.size)} samples, fewer than {MIN_SAMPLES}")
        if not (lo.any() or hi.any()):
            continue
        mean_lo, mean_hi = lo.mean(), hi.mean()
        with np.errstate(divide="ignore", invalid="ignore"):
            logs.append(0.5 * (np.log(mean_lo) - np.log(mean_hi)))
            variances.append(0.25 * (lo.var(ddof=1) / (lo.size * mean_lo**2) + hi.var(ddof=1) / (hi.size * mean_hi**2)))
    if not logs:
        return FormatRatio(math.nan, math.nan, 0)
    count = len(logs)
    return FormatRatio(float(np.exp(np.mean(logs))), float(np.sqrt(np.sum(variances)) / count), count)


def format_ratio_check(theorem: str, claim: str, low_squared, high_squared, allowance: float = ALLOWANCE,
                       z: float = Z_MAX) -> Check:
    """RMS normalised error of the low format over that of the high one (geometric mean over groups) in
    [1/kappa e^(-z s), kappa e^(z s)]: the model's ratio 1, the kernels' allowance kappa, the sampling error z s."""
    found = format_ratio(low_squared, high_squared)
    half = math.log(allowance) + z * found.log_se if math.isfinite(found.log_se) else math.inf
    bound = (math.exp(-half), math.exp(half)) if math.isfinite(half) else (math.nan, math.nan)
    return numeric(theorem, f"{claim} (model: 1 within x{allowance:g} for the kernels, z = {z:g})", found.ratio,
                   "in", bound)
