r"""How the forms of kernelised attention scale with $n$: counted operations, XLA's flops, compiled memory.

The measuring half of :mod:`numerics.linear_attention.katharopoulos` (whose docstring states the claims and their
intervals), for the forms in :data:`SCALED_FORMS` at width $m = d$, float32, nothing allocated or run:
:func:`count_scaling` counts operations with :func:`numerics.opcount.count_ops` (it walks the jaxpr, a scan body
times its length) beside XLA's cost analysis of the lowered program (:func:`lowered_flops`, which counts a
``lax.scan`` body once) and the SymPy costs of :mod:`theorems.linear_attention.katharopoulos`;
:func:`memory_scaling` reads XLA's compiled memory analysis (:func:`compiled_memory`) for :data:`MEMORY_FORMS`.
:func:`scaling_checks` turns them into the fitted exponents 2 and 1 and the ratios to the SymPy cost, with the
tolerance of :func:`exponent_tolerance`.
"""

from __future__ import annotations

import math
from functools import cache

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.linear_attention.forms import form
from numerics.measure import loglog_slope
from numerics.opcount import count_ops
from numerics.precision import uses_float64
from theorems.core import Check, numeric
from theorems.linear_attention import katharopoulos as statement

SCALED_FORMS = ("quadratic", "linear", "causal_scan", "causal_chunked")
SCALING_CHUNK = 64
"""Chunk of the causal chunked form in the operation counts and memory (the benchmark's chunk)."""
MEMORY_FORMS = ("quadratic", "linear", "causal_chunked")


def scaled_form(name: str, chunk: int):
    """The form ``name`` as a function of (a, b, v) alone, causal for the causal forms, for counting."""
    causal = name != "linear" and name != "quadratic"
    f = form(name, causal, chunk)
    return lambda a, b, v: f(a, b, v)


def _sympy_cost(name: str):
    """The SymPy cost of form ``name`` as a function of (n, m, d); None for a form that has none."""
    expr = {"quadratic": statement.quadratic_cost(), "linear": statement.linear_cost(),
            "causal_scan": statement.causal_linear_cost()}.get(name)
    return None if expr is None else to_jax([statement.n, statement.m, statement.d], expr)


def lowered_flops(fn, n: int, width: int) -> float:
    """XLA's cost analysis of the lowered (unoptimised) program at (n, width) float32: nothing is compiled."""
    spec = jax.ShapeDtypeStruct((n, width), jnp.float32)
    cost = jax.jit(fn).lower(spec, spec, spec).cost_analysis()
    cost = cost[0] if isinstance(cost, (list, tuple)) else cost
    return float(cost.get("flops", np.nan))


@uses_float64
def count_scaling(config) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counted operations, XLA's flops and the SymPy costs of each form in SCALED_FORMS at n = 2^log2_sizes,
    width m = d = ``config.width`` (``config``: a :class:`numerics.linear_attention.katharopoulos.Config`).
    Returns (sizes, ops[form, size], xla_flops[form, size], cost[form, size], NaN where a form has no SymPy cost)."""
    sizes = np.array([2**p for p in config.log2_sizes], dtype=np.int64)
    ops = np.zeros((len(SCALED_FORMS), len(sizes)))
    xla = np.zeros_like(ops)
    cost = np.full((len(SCALED_FORMS), len(sizes)), np.nan)
    w_ = config.width
    for f_idx, name in enumerate(SCALED_FORMS):
        fn, expr = scaled_form(name, SCALING_CHUNK), _sympy_cost(name)
        for s_idx, size in enumerate(sizes):
            spec = jax.ShapeDtypeStruct((int(size), w_), jnp.float32)
            ops[f_idx, s_idx] = count_ops(fn, spec, spec, spec).total
            xla[f_idx, s_idx] = lowered_flops(fn, int(size), w_)
            if expr is not None:
                cost[f_idx, s_idx] = float(expr(float(size), float(w_), float(w_)))
    return sizes, ops, xla, cost


def compiled_memory(fn, n: int, width: int) -> tuple[float, float]:
    """(argument + output + temp bytes, temp bytes) of ``jax.jit(fn)`` at (n, width) float32, compiled only,
    with XLA:CPU's attention fusion off so that temporaries are reported."""
    spec = jax.ShapeDtypeStruct((n, width), jnp.float32)
    options = {"xla_cpu_experimental_ynn_fusion_type": ""} if jax.default_backend() == "cpu" else None
    stats = jax.jit(fn).lower(spec, spec, spec).compile(compiler_options=options).memory_analysis()
    total = stats.argument_size_in_bytes + stats.output_size_in_bytes + stats.temp_size_in_bytes
    return float(total), float(stats.temp_size_in_bytes)


@cache
def _form_memory(name: str, n: int, width: int, backend: str, x64: bool) -> tuple[float, float]:
    """:func:`compiled_memory` of form ``name`` (chunk SCALING_CHUNK), once per process (``backend`` and ``x64``
    key the cache: the memory analysis is a function of the compiled program alone)."""
    del backend, x64
    return compiled_memory(scaled_form(name, SCALING_CHUNK), n, width)


def memory_scaling(config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sizes, total bytes[form, size], temporary bytes[form, size]) of each form in MEMORY_FORMS at
    n = 2^memory_log2_sizes, width ``config.width``, compiled only (each program once per process)."""
    memory_sizes = np.array([2**p for p in config.memory_log2_sizes], dtype=np.int64)
    memory = np.zeros((len(MEMORY_FORMS), len(memory_sizes)))
    temp = np.zeros_like(memory)
    for f_idx, name in enumerate(MEMORY_FORMS):
        for s_idx, size in enumerate(memory_sizes):
            memory[f_idx, s_idx], temp[f_idx, s_idx] = _form_memory(name, int(size), config.width,
                                                                    jax.default_backend(),
                                                                    bool(jax.config.jax_enable_x64))
    return memory_sizes, memory, temp


def fitted_exponent(sizes, values, from_size) -> float:
    """The log-log slope of ``values`` against ``sizes`` over the sizes >= ``from_size``."""
    keep = np.asarray(sizes) >= from_size
    return loglog_slope(np.asarray(sizes)[keep], np.asarray(values)[keep]).slope


@uses_float64
def exponent_tolerance(config) -> float:
    """How far a fitted exponent may sit from 2 or 1: the largest gap between the fitted slope of the SymPy cost
    over the fit range and its leading power, doubled, plus 0.01 for the counter's lower-order differences (a
    reduction of n numbers counted n, the feature map's O(n m) operations)."""
    sizes = np.array([2.0**p for p in config.log2_sizes if p >= config.fit_from_log2])
    gaps = []
    for name, power in (("quadratic", 2), ("linear", 1), ("causal_scan", 1)):
        f = _sympy_cost(name)
        values = np.array([float(f(x, config.width, config.width)) for x in sizes])
        gaps.append(abs(loglog_slope(sizes, values).slope - power))
    return 2 * max(gaps) + 0.01


def scaling_checks(result, config) -> list[Check]:
    """Fitted exponents of counted operations 2 (quadratic) and 1 (linear, causal); counted operations within
    1/width of the SymPy cost at the largest n; XLA's flops against the count (the scan trap, the chunked form's
    uncounted steps); memory exponents 2 (quadratic temporaries) and 1 (linear and chunked totals).
    ``result`` and ``config``: a :class:`numerics.linear_attention.katharopoulos.Result` and its Config."""
    out: list[Check] = []
    tid = statement.ID
    tol = exponent_tolerance(config)
    start = 2**config.fit_from_log2
    for f_idx, name in enumerate(SCALED_FORMS):
        power = 2.0 if name == "quadratic" else 1.0
        slope = fitted_exponent(result.sizes, result.ops[f_idx], start)
        out.append(numeric(tid, f"fitted exponent of counted ops, {name}, n = 2^{config.fit_from_log2}.."
                                f"2^{max(config.log2_sizes)} (m = d = {config.width})", slope, "in",
                           (power - tol, power + tol)))
        if np.isfinite(result.cost[f_idx, -1]):
            # the counter takes a length-k dot product as 2k operations (SymPy: 2k - 1) and a sum of n numbers as
            # n (SymPy: n - 1): at most one extra operation per output of a contraction or reduction, a relative
            # excess below 1/min(m, d) of the leading term
            out.append(numeric(tid, f"counted ops / SymPy cost, {name}, n = 2^{max(config.log2_sizes)}",
                               result.ops[f_idx, -1] / result.cost[f_idx, -1], "in",
                               (1.0, 1.0 + 1.0 / config.width)))
    top = int(result.sizes[-1])
    for f_idx, name in enumerate(SCALED_FORMS):
        if name == "causal_scan":
            # the trap: XLA counts a loop body once, so its flops do not grow with n at all
            out.append(numeric(tid, f"XLA flops of {name} at n = 2^{max(config.log2_sizes)} / at n = "
                                    f"2^{min(config.log2_sizes)} (scan body counted once)",
                               result.xla_flops[f_idx, -1] / result.xla_flops[f_idx, 0], "==", 1.0))
            continue
        # no loop, or (chunked) a loop over the K = n/c chunk states whose body, m d + m additions, XLA counts
        # once: add the K - 1 uncounted steps back; then XLA and the jaxpr counter differ by O(n + m d) operations
        # (a reduction of n numbers, a dot product's last addition, the mask's selects) against at least
        # 4 n m d: relative 1/width^2 covers it
        skipped = 0.0
        what = "XLA flops"
        if name == "causal_chunked":
            skipped = (math.ceil(top / SCALING_CHUNK) - 1) * (config.width**2 + config.width)
            what = f"(XLA flops + (K-1)(md+m), K = n/{SCALING_CHUNK} scan steps counted once)"
        out.append(numeric(tid, f"{what} / counted ops, {name}, n = 2^{max(config.log2_sizes)}",
                           (result.xla_flops[f_idx, -1] + skipped) / result.ops[f_idx, -1], "in",
                           (1 - config.width**-2, 1 + config.width**-2)))
    for f_idx, name in enumerate(MEMORY_FORMS):
        values, power = (result.temp[f_idx], 2.0) if name == "quadratic" else (result.memory[f_idx], 1.0)
        what = "temporary" if name == "quadratic" else "total"
        fit = loglog_slope(result.memory_sizes, values).slope
        out.append(numeric(tid, f"fitted exponent of compiled {what} memory, {name}", fit, "in",
                           (power - 0.05, power + 0.05)))
    return out
