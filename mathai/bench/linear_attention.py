"""Benchmark: linear attention (non-causal and causal-chunked) against ``jax.nn.dot_product_attention``, and the
non-causal form against the plainest correct einsum code (:func:`bench_against_plain_einsum`).

One head, head width d = 64, float32, sequence length n = 2^4 .. 2^14 (``quick``: up to 2^12). Every form is
jitted and compiled once (warm-up); then, at each n, the four forms are timed *interleaved* in one run
(:func:`timeit_interleaved`): rounds of calls that alternate between the forms, each form with its own number of
calls (3 for a dot_product_attention call of seconds, about 3 s worth for the fast forms; the two linear forms
the same number, so that they alternate call by call), so that the load of a shared machine falls on all of them
alike; the speed-up ratios are ratios of the medians.
``dot_product_attention`` takes (batch, length, heads, head_dim): the (n, d) arrays are viewed as (1, n, 1, d).
Linear attention includes its feature map phi = elu + 1 on Q and K. The crossover is the smallest n of the grid
from which on linear attention is faster than dot_product_attention.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import time
from typing import Callable

import jax
import jax.numpy as jnp

from mathai.bench import Row, Timing
from numerics.linear_attention import forms
from theorems.linear_attention import katharopoulos as statement

WIDTH = 64
CHUNK = 64
"""Chunk size c of the causal form (:func:`numerics.linear_attention.forms.causal_chunked`: every chunk's c x c block in
one batched matmul, only the sum of the n/c chunk states sequential). It costs 4nmd + 2nc(m + d) flops against
4nmd for the non-causal form: (1 + c/64) times as many at m = d = 64. :func:`bench_chunk_sizes` times chunks 32 to
80 side by side; on the idle 2-core CPU at n = 2^14 no chunk in that range was reliably faster than another (run to
run the ratios move by 10-20%), so 64 is kept for the fewer sequential steps. Why none reaches 2x the non-causal
time: :func:`bench_batched_dot`."""

CHUNK_GRID = (32, 40, 48, 56, 64, 80)

SLOW_CALL_SECONDS = 1.0
"""A form whose call takes longer than this is timed :data:`SLOW_REPEATS` times; the others for
:data:`FAST_SECONDS` seconds each (at least :data:`FAST_REPEATS` calls)."""
SLOW_REPEATS = 3
FAST_REPEATS = 30
FAST_SECONDS = 3.0


def timeit_interleaved(fns: dict[str, Callable], *args, repeats: dict[str, int]) -> dict[str, Timing]:
    """Time each ``fns[name](*args)`` ``repeats[name]`` times, the calls interleaved: one warm-up (compiling) call
    each, then ``min(repeats)`` rounds; in each round every form is called its share of ``repeats[name] /
    rounds`` times, round-robin (a, b, c, a, b, a, ...), each call blocked until ready. Returns each form's
    :class:`~mathai.bench.Timing` (median, min, max over its calls)."""
    if set(repeats) != set(fns) or min(repeats.values()) < 1:
        raise ValueError(f"repeats needs a count >= 1 for every form {sorted(fns)}, got {repeats}")
    compile_seconds = {}
    for name, fn in fns.items():
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        compile_seconds[name] = time.perf_counter() - start
    rounds = min(repeats.values())
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(rounds):
        # this round's share: the calls left, spread over the rounds left
        left = {name: math.ceil((repeats[name] - len(samples[name])) / (rounds - r)) for name in fns}
        while any(left.values()):
            for name, fn in fns.items():
                if left[name]:
                    left[name] -= 1
                    start = time.perf_counter()
                    jax.block_until_ready(fn(*args))
                    samples[name].append(time.perf_counter() - start)
    return {name: Timing(statistics.median(s), min(s), max(s), len(s), compile_seconds[name])
            for name, s in samples.items()}


def repeat_counts(fns: dict[str, Callable], *args, paired: tuple[str, ...] = ()) -> dict[str, int]:
    """Calls per form: compile, time one call; :data:`SLOW_REPEATS` for a call over :data:`SLOW_CALL_SECONDS`,
    else enough for :data:`FAST_SECONDS` (at least :data:`FAST_REPEATS`, at most 2000). The ``paired`` forms all
    get the largest of their counts, so that :func:`timeit_interleaved` alternates them call by call throughout."""
    counts = {}
    for name, fn in fns.items():
        jax.block_until_ready(fn(*args))  # compile
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        seconds = time.perf_counter() - start
        counts[name] = (SLOW_REPEATS if seconds > SLOW_CALL_SECONDS
                        else min(2000, max(FAST_REPEATS, math.ceil(FAST_SECONDS / max(seconds, 1e-6)))))
    if paired:
        most = max(counts[name] for name in paired)
        counts.update({name: most for name in paired})
    return counts


def cores_used(fn: Callable, *args, calls: int) -> float:
    """Process CPU seconds per wall second over ``calls`` calls of ``fn(*args)`` (after a warm-up): 1 for a
    computation that keeps one core busy, up to the core count for one that runs on all of them."""
    jax.block_until_ready(fn(*args))
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        jax.block_until_ready(fn(*args))
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def bench_batched_dot(quick: bool) -> list[Row]:
    """The batched matmuls of the chunked causal form against one plain matmul of the same flops.

    Both compute 2 n m d flops with m = d = 64: ``(n/c, c, m) @ (n/c, m, d)`` (the shape of the chunked form's
    a_k S_k, and, up to transposes, of its other three products) and ``(n, m) @ (m, d)`` (the non-causal form's
    a (b^T v)). Rows: time batched / plain (interleaved, as :func:`bench_against_dot_product_attention`), and
    each one's CPU seconds per wall second (:func:`cores_used`). Measured on XLA:CPU (JAX 0.10.2, 2 cores, n =
    2^14): the batched product keeps one core busy (1.00) where the plain one keeps 1.8, whichever XLA:CPU dot
    library runs it (YNNPACK, XNNPACK, oneDNN, Eigen), so the chunked form's four batched products run at about
    half the speed per flop of the non-causal form's plain ones.
    """
    n = 2**12 if quick else 2**14
    chunks = n // CHUNK
    keys = jax.random.split(jax.random.key(n), 2)
    a = jax.random.normal(keys[0], (n, WIDTH), jnp.float32)
    states = jax.random.normal(keys[1], (chunks, WIDTH, WIDTH), jnp.float32)
    fns = {"batched": jax.jit(lambda a, s: jnp.einsum("kcm,kmd->kcd", a.reshape(chunks, CHUNK, WIDTH), s)),
           "plain": jax.jit(lambda a, s: a @ s[0])}
    repeats = repeat_counts(fns, a, states, paired=tuple(fns))
    times = {name: t.median for name, t in timeit_interleaved(fns, a, states, repeats=repeats).items()}
    case = f"n={n} m=d={WIDTH}, {chunks} chunks of {CHUNK}"
    ratio = times["batched"] / times["plain"]
    rows = [Row(statement.ID, "batched dot", f"(n/c, c, m) @ (n/c, m, d) vs (n, m) @ (m, d), {case}", ratio, "x",
                ratio=ratio, ratio_of="batched / plain", note="the same 2 n m d flops")]
    for name, fn in fns.items():
        rows.append(Row(statement.ID, "cores used", f"{name} dot, {case}",
                        cores_used(fn, a, states, calls=repeats[name]), "CPU s / wall s",
                        note=f"{os.cpu_count()} cores"))
    return rows


def bench_chunk_sizes(quick: bool) -> list[Row]:
    """Causal-chunked / non-causal linear attention time for each chunk of :data:`CHUNK_GRID`, all forms timed
    interleaved in one run (n = 2^12 quick, 2^14 full; d = 64)."""
    n = 2**12 if quick else 2**14
    q, k, v = _queries_keys_values(n)
    fns = {"linear": _linear(), **{f"chunk {c}": _causal_chunked(c) for c in CHUNK_GRID}}
    repeats = repeat_counts(fns, q, k, v, paired=tuple(fns))
    times = {name: t.median for name, t in timeit_interleaved(fns, q, k, v, repeats=repeats).items()}
    return [Row(statement.ID, "chunk size", f"causal chunked / non-causal linear, {name}, n={n} d={WIDTH}",
                times[name] / times["linear"], "x", ratio=times[name] / times["linear"],
                ratio_of=f"linear causal ({name}) / linear", note=f"median of {repeats[name]} interleaved calls")
            for name in fns if name != "linear"]


def _queries_keys_values(n: int) -> tuple[jax.Array, ...]:
    """Standard normal (n, d) float32 Q, K and V, from a key fixed by n."""
    return tuple(jax.random.normal(kk, (n, WIDTH), jnp.float32) for kk in jax.random.split(jax.random.key(n), 3))


def _dpa(causal: bool):
    def run(q, k, v):
        return jax.nn.dot_product_attention(q[None, :, None], k[None, :, None], v[None, :, None],
                                            is_causal=causal)[0, :, 0]
    return jax.jit(run)


def _linear():
    return jax.jit(lambda q, k, v: forms.linear(forms.feature_map(q), forms.feature_map(k), v))


def _causal_chunked(chunk: int = CHUNK):
    return jax.jit(lambda q, k, v: forms.causal_chunked(forms.feature_map(q), forms.feature_map(k), v, chunk=chunk))


PLAIN_SIZES = (2**12, 2**14)
PLAIN_REPETITIONS = 3


def plain_einsum(q: jax.Array, k: jax.Array, v: jax.Array) -> jax.Array:
    """Non-causal linear attention as the plainest correct code would write it: elu + 1 features, the m x d state
    by einsum, then queries times state over queries times the summed keys; default precision, nothing else."""
    a, b = jax.nn.elu(q) + 1, jax.nn.elu(k) + 1
    state = jnp.einsum("nm,nd->md", b, v)
    return jnp.einsum("nm,md->nd", a, state) / jnp.einsum("nm,m->n", a, jnp.sum(b, axis=0))[:, None]


def bench_against_plain_einsum(quick: bool) -> list[Row]:
    """mathai's non-causal form (:func:`numerics.linear_attention.forms.linear` with its feature map, every product
    at ``precision="highest"``) against :func:`plain_einsum`, at n = 2^12 and 2^14 (quick and full alike), d = 64,
    float32: :data:`PLAIN_REPETITIONS` interleaved runs (:func:`timeit_interleaved`, the two forms alternating call
    by call); the row is the median of the runs' mathai / plain ratios, the note their spread. A library form
    slower than these three lines would be a defect (the bar: mathai / plain <= 1.05)."""
    fns = {"mathai": _linear(), "plain": jax.jit(plain_einsum)}
    rows = []
    for n in PLAIN_SIZES:
        q, k, v = _queries_keys_values(n)
        repeats = repeat_counts(fns, q, k, v, paired=tuple(fns))
        ratios = []
        for _ in range(PLAIN_REPETITIONS):
            timings = timeit_interleaved(fns, q, k, v, repeats=repeats)
            ratios.append(timings["mathai"].median / timings["plain"].median)
        ratio = statistics.median(ratios)
        rows.append(Row(statement.ID, "plain einsum", f"linear (mathai) vs plain einsum, n={n} d={WIDTH}", ratio,
                        "x", ratio=ratio, ratio_of="mathai / plain",
                        note=f"median of {PLAIN_REPETITIONS} runs of {repeats['mathai']} interleaved calls each; "
                             f"runs {min(ratios):.3f}-{max(ratios):.3f}"))
    return rows


def bench_against_dot_product_attention(quick: bool) -> list[Row]:
    """Seconds per call of each form by n (interleaved, one run); ratios dot_product_attention / linear, causal and
    not, and causal / non-causal linear."""
    top = 12 if quick else 14
    sizes = [2**p for p in range(4, top + 1, 2)]
    forms = {"dot_product_attention": _dpa(False), "dot_product_attention causal": _dpa(True),
             "linear": _linear(), "linear causal (chunked)": _causal_chunked()}
    rows: list[Row] = []
    ratios: dict[bool, list[float]] = {False: [], True: []}
    for n in sizes:
        q, k, v = _queries_keys_values(n)
        repeats = repeat_counts(forms, q, k, v, paired=("linear", "linear causal (chunked)"))
        timings = timeit_interleaved(forms, q, k, v, repeats=repeats)
        times = {name: t.median for name, t in timings.items()}
        case = f"n={n} d={WIDTH}"
        for name, t in timings.items():
            rows.append(Row(statement.ID, "attention time", f"{name}, {case}", t.median, "s",
                            note=f"median of {t.repeats} interleaved calls, min {t.min:.3g} s, max {t.max:.3g} s"))
        for causal, (ref, lin) in {False: ("dot_product_attention", "linear"),
                                   True: ("dot_product_attention causal", "linear causal (chunked)")}.items():
            ratio = times[ref] / times[lin]
            rows.append(Row(statement.ID, "speed-up", f"{lin} vs {ref}, {case}", ratio, "x", ratio=ratio,
                            ratio_of=f"{ref} / {lin}"))
            ratios[causal].append(ratio)
        ratio = times["linear causal (chunked)"] / times["linear"]
        rows.append(Row(statement.ID, "causal cost", f"causal chunked / non-causal linear, {case}", ratio, "x",
                        ratio=ratio, ratio_of="linear causal (chunked) / linear", note=f"chunk {CHUNK}"))
    device = jax.devices()[0].device_kind
    for causal, measured in ratios.items():
        # the smallest n from which linear attention is faster at every larger n of the grid
        from_here = [n for idx, n in enumerate(sizes) if all(r > 1 for r in measured[idx:])]
        rows.append(Row(statement.ID, "crossover", f"linear{' causal' if causal else ''} faster from this n on, "
                                                   f"{device}", float(from_here[0]) if from_here else float("nan"),
                        "tokens", note=f"grid n = 2^4, 2^6, ..., 2^{top}"))
    return rows


def attention_time_vs_n(rows: list[Row]):
    """Seconds per call of each form against n, log-log, from the rows of
    :func:`bench_against_dot_product_attention`, with the crossovers it found; None without those rows."""
    import matplotlib.pyplot as plt

    times: dict[str, list[tuple[int, float]]] = {}
    for r in rows:
        if r.benchmark == "attention time":
            name, size = re.fullmatch(r"(.+), n=(\d+) d=\d+", r.case).groups()
            times.setdefault(name, []).append((int(size), r.value))
    if not times:
        return None
    fig, ax = plt.subplots()
    colors = {}
    for name, points in times.items():
        sizes, seconds = zip(*sorted(points))
        (line,) = ax.loglog(sizes, seconds, "o-" if "linear" in name else "s--", markersize=3, label=name)
        colors[name] = line.get_color()
    for r in rows:
        if r.benchmark == "crossover" and math.isfinite(r.value):
            form = "linear causal (chunked)" if "causal" in r.case else "linear"
            ax.axvline(r.value, color=colors.get(form, "k"), linestyle=":", linewidth=1,
                       label=f"{r.case.split(',')[0]}: n = {r.value:g}")
    ax.set_xlabel("sequence length n")
    ax.set_ylabel("seconds per call (median)")
    ax.set_title(f"Attention time, one head, d = {WIDTH}, float32")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


BENCHMARKS = {statement.ID: (bench_against_dot_product_attention, bench_against_plain_einsum, bench_chunk_sizes,
                             bench_batched_dot)}
PLOTS = {statement.ID: (attention_time_vs_n,)}
