"""Benchmark: linear attention (non-causal and causal-chunked) against ``jax.nn.dot_product_attention``.

One head, head width d = 64, float32, sequence length n = 2^4 .. 2^14 (``quick``: up to 2^12). Every form is
jitted, compiled once (warm-up), then timed with :func:`mathai.bench.timeit`; the speed-up ratios are measured in
the same run, side by side. ``dot_product_attention`` takes (batch, length, heads, head_dim): the (n, d) arrays are
viewed as (1, n, 1, d). Linear attention includes its feature map phi = elu + 1 on Q and K. The crossover is the
smallest n of the grid from which on linear attention is faster than dot_product_attention.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from mathai.bench import Row, timeit
from numerics import linear_attention as la
from theorems.linear_attention import KATHAROPOULOS

WIDTH = 64
CHUNK = 64
"""Chunk size of the causal form, tuned on the shared 2-core CPU at n = 2^14, d = 64 (median of 10 calls; non-causal
linear 8.4 ms in the same run): chunk 32: 17 ms, 64: 14 ms, 128: 24 ms, 256: 73 ms. It balances the quadratic work
inside chunks against the number of sequential scan steps. A scan-free variant (chunk states, then an exclusive
cumsum over chunks) was 2x slower here: XLA:CPU's cumsum is a reduce_window."""


def _dpa(causal: bool):
    def run(q, k, v):
        return jax.nn.dot_product_attention(q[None, :, None], k[None, :, None], v[None, :, None],
                                            is_causal=causal)[0, :, 0]
    return jax.jit(run)


def _linear():
    return jax.jit(lambda q, k, v: la.linear(la.feature_map(q), la.feature_map(k), v))


def _causal_chunked():
    return jax.jit(lambda q, k, v: la.causal_chunked(la.feature_map(q), la.feature_map(k), v, chunk=CHUNK))


def bench_against_dot_product_attention(quick: bool) -> list[Row]:
    """Seconds per call of each form by n; ratios dot_product_attention / linear, causal and not."""
    top = 12 if quick else 14
    sizes = [2**p for p in range(4, top + 1, 2)]
    forms = {"dot_product_attention": _dpa(False), "dot_product_attention causal": _dpa(True),
             "linear": _linear(), "linear causal (chunked)": _causal_chunked()}
    rows: list[Row] = []
    ratios: dict[bool, list[float]] = {False: [], True: []}
    for n in sizes:
        keys = jax.random.split(jax.random.key(n), 3)
        q, k, v = (jax.random.normal(kk, (n, WIDTH), jnp.float32) for kk in keys)
        slow = n >= 2**13
        times = {name: timeit(fn, q, k, v, repeats=2 if slow else 5, min_seconds=0.0 if slow else 0.2).median
                 for name, fn in forms.items()}
        case = f"n={n} d={WIDTH}"
        for name, seconds in times.items():
            rows.append(Row(KATHAROPOULOS, "attention time", f"{name}, {case}", seconds, "s"))
        for causal, (ref, lin) in {False: ("dot_product_attention", "linear"),
                                   True: ("dot_product_attention causal", "linear causal (chunked)")}.items():
            ratio = times[ref] / times[lin]
            rows.append(Row(KATHAROPOULOS, "speed-up", f"{lin} vs {ref}, {case}", ratio, "x", ratio=ratio,
                            ratio_of=f"{ref} / {lin}"))
            ratios[causal].append(ratio)
        ratio = times["linear causal (chunked)"] / times["linear"]
        rows.append(Row(KATHAROPOULOS, "causal cost", f"causal chunked / non-causal linear, {case}", ratio, "x",
                        ratio=ratio, ratio_of="linear causal (chunked) / linear", note=f"chunk {CHUNK}"))
    device = jax.devices()[0].device_kind
    for causal, measured in ratios.items():
        # the smallest n from which linear attention is faster at every larger n of the grid
        from_here = [n for idx, n in enumerate(sizes) if all(r > 1 for r in measured[idx:])]
        rows.append(Row(KATHAROPOULOS, "crossover", f"linear{' causal' if causal else ''} faster from this n on, "
                                                    f"{device}", float(from_here[0]) if from_here else float("nan"),
                        "tokens", note=f"grid n = 2^4, 2^6, ..., 2^{top}"))
    return rows


BENCHMARKS = {KATHAROPOULOS: (bench_against_dot_product_attention,)}
