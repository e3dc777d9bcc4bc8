r"""Experiment: the forms of kernelised attention agree within rounding, and the linear ones cost $O(n)$.

**katharopoulos2020.** Five forms of kernelised attention (:mod:`numerics.linear_attention.forms`), each a pure
function of the features $a = \phi(Q)$, $b = \phi(K)$ and the values $v$ (so that the feature map's rounding is
shared and cancels): :func:`quadratic` ($(ab^\top)v$, masked when causal), :func:`linear` ($a(b^\top v)$),
:func:`causal_cumsum` (prefix sums of the $n$ outer products $b_j v_j^\top$: it stores $n m d$ numbers, small $n$
only), :func:`causal_scan` (the RNN, one ``lax.scan`` step per token) and :func:`causal_chunked` (quadratic inside
chunks of ``chunk`` tokens, the RNN state between chunks). Their outputs differ by at most
$2\beta\,\tilde N_{ic}/D_i$ (:func:`theorems.linear_attention.katharopoulos.forms_rounding_bound`), measured entry
by entry, and their gradients (of $L = \sum G \odot V'$ for a random cotangent $G$, with respect to $a, b, v$) by
at most :func:`theorems.linear_attention.katharopoulos.gradient_rounding_bound` times the gradient's absolute
scale (measured by :mod:`numerics.linear_attention.exactness`, ``replicates`` independent draws of each shape).

The sharp partner. On random data the forms differ by 0.5 to 9% of these worst-case bounds: a check against them
could not see an error ten times too large. So every form also runs in float32, and the root-mean-square of the
normalised difference $|V'_{\rm form} - V'_{\rm quad}| / (u\,\tilde N/D)$ (and of the gradients') is compared
between float32 and float64 by :func:`numerics.rounding_model.format_ratio_check`, per form, the shapes its groups
and the draws its samples: the probabilistic model of rounding (Higham and Mary 2019, 2020) predicts the ratio 1,
within a factor 2 for kernels that differ between formats. The float32 run needs $|Q|, |K| \le 40$ (``input_scale``
at most 40). The wrong neighbours (:data:`NEIGHBOURS`; the three that compute something else are measured by
:mod:`numerics.linear_attention.wrong_forms`): the normaliser dropped, the causal mask off by one, the feature map
without its $+1$, a quadratic cost for the linear forms, and single precision ten times less accurate (looser).

Inputs and the normaliser. :func:`feature_map` computes $\phi(x) = x + 1$ for $x > 0$ and $e^x$ otherwise.
``jax.nn.elu(x) + 1`` is *not* used: it evaluates $\mathrm{expm1}(x) + 1$, which rounds to exactly 0 for
$x < -37$ in float64 ($x < -17$ in float32), and the normaliser then becomes $0/0$ for a query far from every key.
With ``exp`` directly, $\phi(x) \ge e^{-R}$ for $|x| \le R$, and $D_i \ge e^{-2R}$ stays a normal number for
$R \le 350$ in float64 and $R \le 43$ in float32 (subnormals are flushed on CPU). No $\epsilon$ is added to the
denominator (the reference implementation adds $10^{-6}$, which breaks exactness).

Low precision. The normaliser is a sum of $n m$ products of mean $\mu^2$, $\mu = \mathbb{E}\phi(x) \approx 1.1605$
for standard normal inputs (:func:`theorems.linear_attention.katharopoulos.mean_feature`), so in float16 (largest
finite 65504) it overflows near $n^* = 65504/(m\mu^2) \approx 760$ at $m = 64$; the output is then $x/\infty = 0$,
silently. Measured (seed 0, XLA:CPU): no row overflows at $n \le 512$, 99.8% of rows at $n = 1024$, all at $n \ge
2048$. :func:`linear_stabilised` divides the key features by $n$ (exact in real arithmetic) and stays finite to $n =
4096$, with worst error $4\cdot10^{-4}\,\tilde N/D$ (float16's $u = 4.9\cdot10^{-4}$); bfloat16 has float32's range
and no overflow, worst error $3\cdot10^{-3}\,\tilde N/D$ ($u = 3.9\cdot10^{-3}$). The rounding bound $\gamma_{n+m}$
is void there ($(n+m)u > 1$ beyond $n \approx 2000$ in float16, $200$ in bfloat16): the measured errors are far
smaller than worst case, and are reported, not checked.

**Scaling** (:mod:`numerics.linear_attention.scaling`). Operations counted by :func:`numerics.opcount.count_ops`
(walks the jaxpr, a scan body times its length: nothing is compiled or allocated) for $n = 2^6 \dots 2^{20}$, and
the fitted log-log exponent over $n \ge 2^{10}$, where the lower-order terms of the SymPy costs are below 1% of the
leading one (the interval is twice the SymPy cost's own deviation from 2 or 1 there, plus 0.01). Beside it, XLA's
cost analysis of the lowered program: it agrees with the count to $10^{-5}$ for the loop-free forms and counts a
``lax.scan`` body once, so its flops for the RNN form do not grow with $n$ at all (checked, as the trap it is), and
for the chunked form, whose only loop adds the $K = n/c$ chunk states, it misses $(K-1)(md+m)$ additions (added
back, then checked to $1/\mathrm{width}^2$). The cumsum form is not in the counts: XLA lowers ``jnp.cumsum`` to a
reduce_window that the unoptimised cost analysis counts at $n(n-1)$ flops and the compiled one at about 17 an
element (:func:`causal_cumsum`). Memory from XLA's compiled memory analysis (compile only, $n = 2^{11}, 2^{14},
2^{17}$) with XLA:CPU's one-fusion attention switched off (``xla_cpu_experimental_ynn_fusion_type=''``, otherwise
its temporary memory reads 0): the quadratic form's temporaries grow like $n^2$, the linear and chunked forms'
totals like $n$ (the chunked form's temporaries, all chunks' $c\times c$ blocks and $m\times d$ states, are $n(c +
md/c)$ numbers, linear in $n$; the constant parts, the $m\times d$ state and the masks, are under 5% of the total
from $n = 2^{11}$: the interval is $\pm 0.05$).

Random numbers come from JAX's ``rbg`` generator seeded by the given key (:func:`fast_key`): threefry's bit
generation for millions of draws takes about 6 s to compile on this CPU, rbg under 0.5 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import numpy as np

from numerics.bridge import to_jax
from numerics.linear_attention.compiling import run_fast
from numerics.linear_attention.exactness import exactness
from numerics.linear_attention.forms import forms_for
from numerics.linear_attention.low_precision import precision_checks, precision_measurements
from numerics.linear_attention.scaling import (SCALED_FORMS, count_scaling, exponent_tolerance, fitted_exponent,
                                               memory_scaling, scaling_checks)
from numerics.linear_attention.wrong_forms import wrong_forms
from numerics.measure import unit_roundoff
from numerics.neighbours import Neighbour, scaled
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.rounding_model import MIN_SAMPLES, format_ratio_check
from numerics.validation import require_counts, require_fields, require_positive
from theorems.core import Check, numeric
from theorems.linear_attention import katharopoulos as statement
from theorems.rounding import u

ID = statement.ID


@dataclass(frozen=True)
class Config:
    """Exactness: shapes (n, m, d), independent draws of each, chunk size, input scale; scaling: log2 n grid,
    m = d for the counts; low precision: log2 n grid."""

    shapes: tuple[tuple[int, int, int], ...] = ((1, 1, 1), (7, 3, 5), (33, 8, 4), (128, 16, 32))
    chunk: int = 16
    input_scale: float = 2.0
    log2_sizes: tuple[int, ...] = (6, 8, 10, 12, 14, 16, 18, 20)
    fit_from_log2: int = 10
    width: int = 64
    memory_log2_sizes: tuple[int, ...] = (11, 14, 17)
    precision_log2_sizes: tuple[int, ...] = (6, 7, 8, 9, 10, 11, 12)
    replicates: int = 16

    def __post_init__(self):
        require_fields(self)
        for shape in self.shapes:
            if len(shape) != 3 or min(shape) < 1:
                raise ValueError(f"shapes must be (n, m, d) with n, m, d >= 1, got {shape!r}")
        require_counts(self, "chunk", "width", "fit_from_log2", "replicates")
        if self.replicates < MIN_SAMPLES:
            raise ValueError(f"replicates must be >= {MIN_SAMPLES} (the rounding model's normal approximation), got "
                             f"{self.replicates!r}")
        require_positive(self, "input_scale")
        if self.input_scale > 40:
            raise ValueError(f"input_scale must be <= 40 (the normaliser's float32 range), got {self.input_scale!r}")
        if len(self.log2_sizes) < 3 or min(self.log2_sizes) < 1 or max(self.log2_sizes) > 24:
            raise ValueError(f"log2_sizes must be >= 3 values in [1, 24], got {self.log2_sizes!r}")
        if sum(x >= self.fit_from_log2 for x in self.log2_sizes) < 3:
            raise ValueError(f"log2_sizes must have >= 3 values >= fit_from_log2 = {self.fit_from_log2}, got "
                             f"{self.log2_sizes!r}")
        if len(self.memory_log2_sizes) < 3 or min(self.memory_log2_sizes) < 4 or max(self.memory_log2_sizes) > 24:
            raise ValueError(f"memory_log2_sizes must be >= 3 values in [4, 24], got {self.memory_log2_sizes!r}")
        if not self.precision_log2_sizes or min(self.precision_log2_sizes) < 1 or max(self.precision_log2_sizes) > 16:
            raise ValueError(f"precision_log2_sizes must be values in [1, 16], got {self.precision_log2_sizes!r}")
        require_memory(self, ("shapes", "chunk", "width", "precision_log2_sizes", "replicates"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64), summed over the programs that run (the scaling programs are compiled, not
        run). Exactness, vmapped over shapes x replicates, each padded to the bucket (max n, max m, max d), in
        float64 and float32 (counted as float64): the features and values (n, 2m + 2d), the quadratic form's two
        n x n matrices, and about ten outputs and gradients per form (n, m + d), and the chunked form's padded
        blocks: K = ceil(n / chunk) chunks of (chunk, chunk) scores and (chunk, m + d) features and values, with
        their gradients, twice. Precision: q, k, v, the features and their float16/bfloat16 copies, (2^max,
        width) each, about ten."""
        n, m, d = (max(s[t] for s in self.shapes) for t in range(3))
        padded = -(-n // self.chunk) * self.chunk
        chunked = 2 * array_bytes(padded, self.chunk + m + d)
        one = array_bytes(n, 2 * n + 2 * m + 2 * d + 10 * (m + d)) + chunked
        exactness_bytes = 2 * len(self.shapes) * self.replicates * one
        precision = 10 * array_bytes(2 ** max(self.precision_log2_sizes), self.width)
        return exactness_bytes + precision

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: three shapes, counts to n = 2^12, memory at 2^11..2^13, float16 on both sides of n*."""
        return cls(shapes=((1, 1, 1), (7, 3, 5), (33, 8, 4)), log2_sizes=(6, 8, 10, 11, 12),
                   memory_log2_sizes=(11, 12, 13), precision_log2_sizes=(8, 11))


@dataclass(frozen=True)
class Result:
    """Exactness, indexed [shape, causal (0/1), form slot]: worst |form − quadratic| / bound of outputs and of
    gradients over the draws, float64 (NaN where a form does not apply), and whether every value of both formats
    was finite; indexed [format (float64, float32), shape, causal, slot, draw]: the mean over entries of the squared
    normalised difference (|form − quadratic| / (u scale))^2 of outputs and of gradients. Scaling: ``sizes``,
    ``ops[form, size]`` (counted operations), ``xla_flops[form, size]`` (XLA's cost analysis of the lowered program,
    which counts a scan body once), ``cost[form, size]`` (the SymPy cost where one exists, else NaN),
    ``memory_sizes``, ``memory[form, size]`` (argument + output + temporary bytes) and ``temp[form, size]``. Low
    precision, by ``precision_sizes`` (m = d = width, standard normal inputs): fraction of rows whose float16
    normaliser overflows; non-finite outputs and worst error / (A|V|)/D of the stabilised float16 form (key
    features divided by n); the same error in bfloat16.
    """

    output_ratio: np.ndarray
    gradient_ratio: np.ndarray
    finite: np.ndarray
    output_error_ms: np.ndarray
    gradient_error_ms: np.ndarray
    sizes: np.ndarray
    ops: np.ndarray
    xla_flops: np.ndarray
    cost: np.ndarray
    memory_sizes: np.ndarray
    memory: np.ndarray
    temp: np.ndarray
    precision_sizes: np.ndarray
    float16_overflow: np.ndarray
    float16_stabilised_nonfinite: np.ndarray
    float16_stabilised_error: np.ndarray
    bfloat16_error: np.ndarray


_forms_bound = to_jax([statement.n, statement.m, u], statement.forms_rounding_bound())
_gradient_bound = to_jax([statement.n, statement.m, statement.d, u], statement.gradient_rounding_bound())
FORMATS = ("float64", "float32")
NOT_A_FORM = len(forms_for(False)) - 1
"""The non-causal row has one form (linear) against the quadratic; its slots from this one on are not forms."""


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Exactness and gradients of every form at every shape (float64 and float32, ``replicates`` draws), counted
    operations and compiled memory by size, float16 and bfloat16 by size."""
    shapes = tuple(tuple(s) for s in config.shapes)
    measured = exactness(fast_key(key), shapes, config.chunk, float(config.input_scale), config.replicates)
    # measured: [shape, draw, format, causal, slot, field]
    output_ratio = np.zeros((len(shapes), 2, measured.shape[4]))
    gradient_ratio = np.zeros_like(output_ratio)
    for s_idx, (n, mm, dd) in enumerate(shapes):
        bound_out = float(_forms_bound(float(n), float(mm), unit_roundoff("float64")))
        bound_grad = float(_gradient_bound(float(n), float(mm), float(dd), unit_roundoff("float64")))
        output_ratio[s_idx] = measured[s_idx, :, 0, :, :, 0].max(axis=0) / bound_out
        gradient_ratio[s_idx] = measured[s_idx, :, 0, :, :, 1].max(axis=0) / bound_grad
    finite = (measured[..., 2] > 0).all(axis=(1, 2))
    finite[:, 0, NOT_A_FORM:] = True
    output_ratio[:, 0, NOT_A_FORM:] = np.nan
    gradient_ratio[:, 0, NOT_A_FORM:] = np.nan
    units = np.array([unit_roundoff(f) for f in FORMATS])[:, None, None, None, None] ** 2
    output_ms, gradient_ms = (np.moveaxis(measured[..., k], (0, 1, 2), (1, 4, 0)) / units for k in (3, 4))
    sizes, ops, xla_flops, cost = count_scaling(config)
    memory_sizes, memory, temp = memory_scaling(config)
    precision_sizes = np.array([2**p for p in config.precision_log2_sizes], dtype=np.int64)
    low = np.asarray(run_fast(precision_measurements, jax.random.fold_in(fast_key(key), 1),
                              sizes=tuple(int(s) for s in precision_sizes), width=config.width))
    return Result(output_ratio=output_ratio, gradient_ratio=gradient_ratio, finite=finite,
                  output_error_ms=output_ms, gradient_error_ms=gradient_ms, sizes=sizes, ops=ops,
                  xla_flops=xla_flops, cost=cost, memory_sizes=memory_sizes, memory=memory, temp=temp,
                  precision_sizes=precision_sizes, float16_overflow=low[:, 0], float16_stabilised_nonfinite=low[:, 1],
                  float16_stabilised_error=low[:, 2], bfloat16_error=low[:, 3])


def _form_slots():
    """(causal, slot, name) of every form compared with the quadratic one."""
    return [(causal, slot, name) for causal in (0, 1) for slot, name in enumerate(forms_for(bool(causal))[1:])]


def worst_case_checks(result: Result, config: Config) -> list[Check]:
    """Outputs and gradients of every form within their rounding bounds (float64), per shape; no non-finite value."""
    out: list[Check] = []
    for s_idx, (n, mm, dd) in enumerate(config.shapes):
        for causal, slot, name in _form_slots():
            tag = f"n={n} m={mm} d={dd}{' causal' if causal else ''}"
            out.append(numeric(ID, f"|{name} - quadratic| / 2 beta (A|V|)/D, float64, {tag}",
                               result.output_ratio[s_idx, causal, slot], "<=", 1.0))
            out.append(numeric(ID, f"|grad {name} - grad quadratic| / gradient bound, float64, {tag}",
                               result.gradient_ratio[s_idx, causal, slot], "<=", 1.0))
    out.append(numeric(ID, "non-finite outputs or gradients, every form and shape, float64 and float32 (inputs "
                           f"scaled by {config.input_scale:g})", float(np.sum(~result.finite)), "==", 0.0))
    return out


def model_checks(result: Result, config: Config) -> list[Check]:
    """The sharp partners of the worst-case checks, per form, outputs and gradients: the RMS of |form − quadratic|
    / (u scale) in float32 over that in float64, each shape a group of ``replicates`` independent draws, against
    the rounding model's ratio 1 (:mod:`numerics.rounding_model`)."""
    out = []
    for causal, slot, name in _form_slots():
        groups = model_groups(name, config)
        for what, ms in (("outputs", result.output_error_ms), ("gradients", result.gradient_error_ms)):
            if groups:
                out.append(format_ratio_check(
                    ID, f"RMS |{name} - quadratic| / (u scale), {what}{', causal' if causal else ''}, float32 over "
                        f"float64, {len(groups)} shapes x {config.replicates} draws",
                    ms[1, groups, causal, slot], ms[0, groups, causal, slot]))
    return out


def model_groups(name: str, config: Config) -> list[int]:
    """The shapes whose draws form the model's groups for form ``name``: every shape, except for the chunked form,
    which at n <= chunk is one masked quadratic block, the quadratic form up to the order its kernels sum in (in
    float64 on XLA:CPU the very same operations, a difference of exactly 0, in float32 not): only n > chunk."""
    return [s for s, (n, _, _) in enumerate(config.shapes) if name != "causal_chunked" or n > config.chunk]


@uses_float64
def checks(result: Result, config: Config) -> list[Check]:
    """Outputs and gradients of every form within their rounding bounds (float64), and their float32/float64 error
    ratios within the rounding model's interval; no non-finite value; the chunked form beyond one block; the
    scaling checks of :func:`numerics.linear_attention.scaling.scaling_checks`; the float16 overflow checks of
    :func:`numerics.linear_attention.low_precision.precision_checks`."""
    return (worst_case_checks(result, config) + model_checks(result, config) + chunk_span_checks(result, config)
            + scaling_checks(result, config) + precision_checks(result, config))


def chunk_span_checks(result: Result, config: Config) -> list[Check]:
    """The chunked form checked beyond one block. At n <= c it is one masked quadratic block, the quadratic form
    itself up to summation order (its gradient ratio is then exactly 0); at n > 2c it spans K = ceil(n/c) >= 3
    chunks and the state of K - 1 earlier chunks enters the last one. So: the longest n spans >= 3 chunks, and at
    every such n the chunked form's outputs and gradients differ from the quadratic form's by rounding (a zero
    difference at every entry, of n d outputs rounded along different paths, would mean the chunk path was not
    taken)."""
    slot = forms_for(True)[1:].index("causal_chunked")
    spans = [-(-n // config.chunk) for n, _, _ in config.shapes]
    spanning = [i for i, k in enumerate(spans) if k >= 3]
    differs = sum(int(result.output_ratio[i, 1, slot] > 0 and result.gradient_ratio[i, 1, slot] > 0)
                  for i in spanning)
    return [numeric(ID, f"causal_chunked: chunks of {config.chunk} spanned by the longest n (>= 3: two chunks' "
                        "state enters a later one)", float(max(spans)), ">=", 3.0),
            numeric(ID, f"causal_chunked differs from quadratic by rounding (outputs and gradients) at every n "
                        f"spanning >= 3 chunks ({len(spanning)} shapes)", float(differs), "==", float(len(spanning)))]


# ---------------------------------------------------------------------------------------------------------------
# Wrong neighbours (theorems.linear_attention.katharopoulos)
# ---------------------------------------------------------------------------------------------------------------


@uses_float64
def _wrong_form_checks(measured: np.ndarray, config: Config, claim: str) -> list[Check]:
    """Per shape: the worst of ``measured[shape, draw]`` (a difference over its scale) within 2 beta."""
    return [numeric(ID, f"{claim} / 2 beta, float64, n={n} m={mm} d={dd}",
                    float(measured[s].max()) / float(_forms_bound(float(n), float(mm), unit_roundoff("float64"))),
                    "<=", 1.0)
            for s, (n, mm, dd) in enumerate(config.shapes)]


def normaliser_dropped_checks(wrong, config: Config) -> list[Check]:
    return _wrong_form_checks(wrong.unnormalised, config, "|phi(Q)(phi(K)^T V) - quadratic| / ((A|V|)/D)")


def next_token_checks(wrong, config: Config) -> list[Check]:
    return _wrong_form_checks(wrong.next_token, config, "|causal_scan - attention over j <= i+1| / its scale")


def elu_checks(wrong, config: Config) -> list[Check]:
    return [numeric(ID, f"rows whose normaliser is not positive, phi = elu, {int(wrong.rows.sum())} rows",
                    float(wrong.nonpositive_rows.sum()), "==", 0.0)]


def quadratic_cost_checks(result: Result, config: Config) -> list[Check]:
    """The fitted exponents of the linear and the RNN form's counted operations, claimed 2 (within the true
    checks' tolerance)."""
    tol = exponent_tolerance(config)
    return [numeric(ID, f"fitted exponent of counted ops, {name}, claimed 2", fitted_exponent(
                result.sizes, result.ops[SCALED_FORMS.index(name)], 2**config.fit_from_log2), "in", (2 - tol, 2 + tol))
            for name in ("linear", "causal_scan")]


def loose_single_precision_checks(result: Result, config: Config) -> list[Check]:
    """float32's forms ten times less accurate than the standard model: the error ratios' intervals x10."""
    return [scaled(c, statement.LOOSE_SINGLE_PRECISION) for c in model_checks(result, config)]


NEIGHBOURS = (
    Neighbour("normaliser-dropped", "attention is phi(Q)(phi(K)^T V), without the normaliser phi(Q)(phi(K)^T 1)",
              normaliser_dropped_checks, experiment=wrong_forms),
    Neighbour("causal-mask-next-token", "the RNN's output at token i is attention over j <= i + 1 (the causal mask "
                                        "off by one)", next_token_checks, experiment=wrong_forms),
    Neighbour("feature-map-without-one", "phi(x) = elu(x), without the +1, keeps the normaliser positive",
              elu_checks, experiment=wrong_forms),
    Neighbour("linear-cost-quadratic", "the linear and the RNN form cost O(n^2) operations, like the quadratic one",
              quadratic_cost_checks),
    Neighbour("single-precision-x10", "in float32 the forms differ by up to ten times the standard model's error",
              loose_single_precision_checks, looser=True),
)
"""The wrong statements next to the theorem; every one is rejected by the checks named in ``mathai verify
--controls``."""
