"""Kernelised attention (katharopoulos2020): the statement (SymPy), the forms' exactness and gradients within their
rounding bounds, the cost counts, and the checks' power to fail."""

from __future__ import annotations

import dataclasses
import math
from functools import cache

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from numerics.bridge import to_jax
from numerics.linear_attention import exactness, forms, katharopoulos, scaling, wrong_forms
from numerics.linear_attention.compiling import fast_compile
from numerics.opcount import count_ops
from numerics.precision import uses_float64
from numerics.rounding_model import format_ratio_check, round_mantissa
from theorems.linear_attention import katharopoulos as statement
from theorems.rounding import u
from theorems.sums import equal_up_to_reindexing

pytestmark = pytest.mark.katharopoulos2020

FAST_PROOFS = (statement.prove_associativity, statement.prove_normaliser, statement.prove_causal,
               statement.prove_recurrence, statement.prove_feature_map_positive, statement.prove_cost_orders)

# ------------------------------------------------------------------------------------------------------------------
# Statement
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("proof", FAST_PROOFS, ids=lambda p: p.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


@pytest.mark.slow
def test_slow_symbolic_proofs_hold():
    for proof in statement.THEOREM.proofs:
        if proof not in FAST_PROOFS:
            assert proof().holds, proof.__name__


def test_wrong_association_is_not_proved():
    """Summing V over the query's index instead of the key's is not the linear form: the proof says no."""
    A, B, V, i, j, l, c = (statement.A, statement.B, statement.V, statement.i, statement.j, statement.l,
                           statement.c)
    wrong = sp.Sum(A[i, l] * sp.Sum(B[j, l] * V[i, c], (j, 0, statement.n - 1)), (l, 0, statement.m - 1))
    assert not equal_up_to_reindexing(statement._distribute(statement.quadratic_numerator()),
                                      statement._distribute(wrong))


def test_causal_form_differs_from_strict_mask():
    """Masking j < i instead of j <= i is a different sum: the causal proof must not accept it."""
    strict = statement._distribute(statement.linear_numerator(statement.i - 1))
    assert not equal_up_to_reindexing(statement._distribute(statement.quadratic_numerator(statement.i)), strict)


def test_distribute_refuses_a_factor_that_depends_on_the_index():
    B, V, j, l, c = statement.B, statement.V, statement.j, statement.l, statement.c
    bad = sp.Sum(V[j, c] * sp.Sum(B[j, l], (j, 0, statement.n - 1)), (l, 0, statement.m - 1))
    with pytest.raises(ValueError, match="depends on an index"):
        statement._distribute(bad)


_costs = [sp.lambdify([statement.n, statement.m, statement.d], e)
          for e in (statement.quadratic_cost(), statement.linear_cost(), statement.crossover())]


@given(st.integers(1, 512), st.integers(1, 512))
def test_crossover_separates_the_cheaper_form(mm, dd):
    """Below n* the quadratic form costs less, above it the linear form does."""
    quad, lin, cross = _costs
    star = float(cross(1, mm, dd))
    above = math.floor(star) + 1
    assert quad(above, mm, dd) > lin(above, mm, dd)
    below = math.ceil(star) - 1
    if below >= 1:
        assert quad(below, mm, dd) < lin(below, mm, dd)


# ------------------------------------------------------------------------------------------------------------------
# Exactness: NumPy at many shapes (the bound itself), the jitted forms in one bucket
# ------------------------------------------------------------------------------------------------------------------

_forms_bound = to_jax([statement.n, statement.m, u], statement.forms_rounding_bound())


def forms_bound(n: int, mm: int, unit: float) -> float:
    """2 beta at (n, m) and unit roundoff ``unit``, evaluated in float64."""
    with jax.enable_x64(True):
        return float(_forms_bound(float(n), float(mm), unit))


def _np_forms(a, b, v):
    sim = a @ b.T
    quad = (sim @ v) / sim.sum(axis=1, keepdims=True)
    lin = (a @ (b.T @ v)) / (a @ b.sum(axis=0))[:, None]
    scale = (sim @ np.abs(v)) / sim.sum(axis=1, keepdims=True)
    return quad, lin, scale


@given(st.integers(1, 40), st.integers(1, 12), st.integers(1, 12), st.sampled_from(["float32", "float64"]),
       st.integers(0, 2**32 - 1))
def test_quadratic_and_linear_agree_within_rounding_bound_numpy(n, mm, dd, dtype, seed):
    rng = np.random.default_rng(seed)
    a = np.exp(rng.uniform(-3, 3, (n, mm))).astype(dtype)
    b = np.exp(rng.uniform(-3, 3, (n, mm))).astype(dtype)
    v = rng.standard_normal((n, dd)).astype(dtype)
    quad, lin, scale = _np_forms(a, b, v)
    bound = forms_bound(n, mm, float(np.finfo(dtype).eps) / 2)
    assert np.all(np.abs(quad.astype(np.float64) - lin) <= bound * scale.astype(np.float64) * (1 + 1e-6))


def test_a_wrong_normaliser_exceeds_the_bound():
    """Dropping one key from the normaliser is a relative error of about 1/n, far above rounding: caught."""
    rng = np.random.default_rng(0)
    a, b, v = np.exp(rng.uniform(-1, 1, (16, 4))), np.exp(rng.uniform(-1, 1, (16, 4))), rng.standard_normal((16, 3))
    quad, _, scale = _np_forms(a, b, v)
    wrong = (a @ (b.T @ v)) / (a @ b[1:].sum(axis=0))[:, None]
    assert np.max(np.abs(quad - wrong) / scale) > forms_bound(16, 4, 2.0**-53)


BUCKET = (40, 6, 5)
CHUNK = 8


@cache
def _bucket_forward(dtype: str = "float64"):
    """Every form's outputs for an (n, m, d) problem padded into BUCKET, in ``dtype``: one compiled program (compiled
    and called with x64 on)."""

    def run(q, k, v, size):
        q, k, v = (x.astype(dtype) for x in (q, k, v))
        a, b = forms.feature_map(q), forms.feature_map(k)
        a, b, v, _, out_mask, _ = exactness.pad_problem(a, b, v, v, *size)
        rows = []
        for causal in (False, True):
            outs = [forms.form(name, causal, CHUNK)(a, b, v) for name in forms.forms_for(causal)]
            scale = exactness.output_scale(a, b, v, causal)
            rows += [exactness.worst(jnp.abs(o - outs[0]), scale, out_mask) for o in outs[1:]]
        sim = forms.quadratic(a, b, jnp.ones_like(v))  # any finite output proves a positive normaliser
        den = jnp.where(out_mask[:, :1], (a @ b.T).sum(axis=1)[:, None], 1.0)
        return jnp.stack(rows), jnp.min(den), jnp.all(jnp.isfinite(sim))

    spec = jax.ShapeDtypeStruct((BUCKET[0], BUCKET[1]), jnp.float64)
    return fast_compile(run, spec, spec, jax.ShapeDtypeStruct((BUCKET[0], BUCKET[2]), jnp.float64),
                        jax.ShapeDtypeStruct((3,), jnp.int32))


NORMAL_FLOAT32_VALUES = st.one_of(st.just(0.0), st.floats(2.0**-60, 4), st.floats(-4, -(2.0**-60)))
"""Values whose products with features in [e^-4, 5] stay normal in float32 (the bound assumes no underflow: a value
of 1e-38 times a key feature flushes to zero on CPU, an error of 100%)."""


def _inputs(scale, values=st.floats(-4, 4)):
    elements = st.floats(-scale, scale, allow_nan=False, allow_infinity=False)
    return (hnp.arrays(np.float64, (BUCKET[0], BUCKET[1]), elements=elements),
            hnp.arrays(np.float64, (BUCKET[0], BUCKET[1]), elements=elements),
            hnp.arrays(np.float64, (BUCKET[0], BUCKET[2]), elements=values))


@settings(max_examples=25)
@given(*_inputs(4.0), st.integers(1, BUCKET[0]), st.integers(1, BUCKET[1]), st.integers(1, BUCKET[2]))
@uses_float64
def test_every_form_agrees_with_quadratic_within_rounding_bound(q, k, v, n, mm, dd):
    ratios, _, _ = _bucket_forward()(q, k, v, np.array([n, mm, dd], np.int32))
    assert np.all(np.asarray(ratios) <= forms_bound(n, mm, 2.0**-53))


@pytest.mark.slow
@settings(max_examples=25)
@given(*_inputs(4.0, NORMAL_FLOAT32_VALUES), st.integers(1, BUCKET[0]), st.integers(1, BUCKET[1]),
       st.integers(1, BUCKET[2]))
@uses_float64
def test_every_form_agrees_with_quadratic_within_rounding_bound_float32(q, k, v, n, mm, dd):
    """The same bound with float32's unit roundoff (matrix products at precision HIGHEST)."""
    ratios, _, _ = _bucket_forward("float32")(q, k, v, np.array([n, mm, dd], np.int32))
    assert np.all(np.asarray(ratios) <= forms_bound(n, mm, 2.0**-24))


@settings(max_examples=25)
@given(*_inputs(300.0), st.integers(1, BUCKET[0]), st.integers(1, BUCKET[1]), st.integers(1, BUCKET[2]))
@uses_float64
def test_normaliser_is_positive_on_the_stated_range(q, k, v, n, mm, dd):
    """|q|, |k| <= 300: the normaliser is a positive normal float64 and every output is finite."""
    _, smallest, finite = _bucket_forward()(q, k, v, np.array([n, mm, dd], np.int32))
    assert float(smallest) >= np.finfo(np.float64).tiny and bool(finite)


@uses_float64
def test_elu_plus_one_underflows_where_the_feature_map_does_not():
    x = jnp.array([-40.0, -700.0])
    assert float(jax.nn.elu(x[0]) + 1) == 0.0  # expm1(x) + 1 cancels: the trap the module avoids
    assert bool(jnp.all(forms.feature_map(x) > 0))


@pytest.mark.slow
@settings(max_examples=5)
@given(st.integers(0, 2**31 - 1))
@uses_float64
def test_gradients_of_every_form_agree_within_bound(seed):
    shapes = ((7, 3, 5), (40, 6, 5))
    measured = exactness.exactness(jax.random.key(seed), shapes, CHUNK, 2.0, formats=("float64",))[:, 0, 0]
    for (n, mm, dd), row in zip(shapes, measured):
        bound = float(katharopoulos._gradient_bound(float(n), float(mm), float(dd), 2.0**-53))
        grads = row[:, :, exactness.FIELDS.index("gradient")]
        assert np.all(grads[~np.isnan(grads)] <= bound)
        assert np.all(row[1, :, exactness.FIELDS.index("finite")] > 0)


def test_form_rejects_a_causal_mismatch():
    with pytest.raises(ValueError, match="causal"):
        forms.form("linear", True)
    with pytest.raises(ValueError, match="not one of"):
        forms.form("softmax", False)


# ------------------------------------------------------------------------------------------------------------------
# Costs: the counts XLA gets wrong
# ------------------------------------------------------------------------------------------------------------------

CUMSUM_COMPILED_FLOPS = {"0.10.2": {16: 240, 1024: 17423, 4096: 69887, 16384: 279567}}
"""XLA:CPU's compiled cost analysis of jnp.cumsum on float32 vectors, by JAX version (measured)."""


@pytest.mark.parametrize("n", [16, 1024, 4096, 16384])
def test_cumsum_is_a_reduce_window_that_xla_counts_far_above_n_additions(n):
    """The cumsum trap of :func:`forms.causal_cumsum`: the lowered program counts n(n - 1) flops (a window of n
    per output), the compiled one (16-wide blocked windows) exactly the measured counts on the JAX version they
    were measured on, 15-17.1 an element; on any version more than the one addition an element a prefix sum
    needs."""
    lowered = jax.jit(jnp.cumsum).lower(jax.ShapeDtypeStruct((n,), jnp.float32))
    assert lowered.cost_analysis()["flops"] == n * (n - 1)
    compiled = lowered.compile().cost_analysis()
    compiled = (compiled[0] if isinstance(compiled, (list, tuple)) else compiled)["flops"]
    assert compiled > n
    pinned = CUMSUM_COMPILED_FLOPS.get(jax.__version__)
    if pinned is not None:
        assert compiled == pinned[n]


def test_xla_misses_only_the_chunk_state_additions_of_the_chunked_form():
    """The chunked form's one loop adds K = n/c states of m x d + m numbers: XLA counts its body once, so adding
    (K - 1)(m d + m) back matches the jaxpr count to 1/width^2, and leaving it out does not."""
    n, width, chunk = 2**12, 64, scaling.SCALING_CHUNK
    fn = scaling.scaled_form("causal_chunked", chunk)
    spec = jax.ShapeDtypeStruct((n, width), jnp.float32)
    counted = count_ops(fn, spec, spec, spec).total
    xla = scaling.lowered_flops(fn, n, width)
    skipped = (n // chunk - 1) * (width**2 + width)
    assert abs((xla + skipped) / counted - 1) <= width**-2 < abs(xla / counted - 1)


# ------------------------------------------------------------------------------------------------------------------
# The checks fail where they should; the config refuses what it cannot run
# ------------------------------------------------------------------------------------------------------------------


def test_exactness_check_fails_for_a_wrong_ratio():
    config = katharopoulos.Config(shapes=((4, 2, 2),), log2_sizes=(10, 12, 14), memory_log2_sizes=(11, 12, 13))
    ratios = np.full((1, 2, 3), 1.5)
    result = katharopoulos.Result(
        output_ratio=ratios, gradient_ratio=ratios, finite=np.ones((1, 2, 3), bool),
        output_error_ms=np.ones((2, 1, 2, 3, 16)), gradient_error_ms=np.ones((2, 1, 2, 3, 16)),
        sizes=np.array([2**10, 2**12, 2**14]), ops=np.ones((4, 3)), xla_flops=np.ones((4, 3)),
        cost=np.full((4, 3), np.nan), memory_sizes=np.array([1, 2, 4]), memory=np.ones((3, 3)), temp=np.ones((3, 3)),
        precision_sizes=np.array([64, 4096]), float16_overflow=np.array([0.5, 0.5]),
        float16_stabilised_nonfinite=np.zeros(2), float16_stabilised_error=np.zeros(2), bfloat16_error=np.zeros(2))
    checks = katharopoulos.checks(result, config)
    outputs = [c for c in checks if c.claim.startswith("|")]
    assert outputs and not any(c.holds for c in outputs)
    exponents = [c for c in checks if "exponent" in c.claim]
    assert exponents and not any(c.holds for c in exponents)  # flat counts: exponent 0, not 2 or 1
    overflow = katharopoulos.precision_checks(result, config)
    assert not overflow[0].holds and not overflow[1].holds  # half the rows overflowing at n = 64 and n = 4096


def test_chunk_span_checks_fail_for_one_block_or_an_unused_chunk_path():
    def result(ratio):
        ratios = np.full((1, 2, 3), ratio)
        return katharopoulos.Result(
            output_ratio=ratios, gradient_ratio=ratios, finite=np.ones((1, 2, 3), bool),
            output_error_ms=np.ones((2, 1, 2, 3, 16)), gradient_error_ms=np.ones((2, 1, 2, 3, 16)), sizes=np.ones(3),
            ops=np.ones((4, 3)), xla_flops=np.ones((4, 3)), cost=np.ones((4, 3)), memory_sizes=np.ones(3),
            memory=np.ones((3, 3)), temp=np.ones((3, 3)), precision_sizes=np.ones(1), float16_overflow=np.ones(1),
            float16_stabilised_nonfinite=np.ones(1), float16_stabilised_error=np.ones(1), bfloat16_error=np.ones(1))

    one_block = katharopoulos.Config(shapes=((16, 2, 2),), chunk=16)
    three = katharopoulos.Config(shapes=((33, 2, 2),), chunk=16)
    assert [c.holds for c in katharopoulos.chunk_span_checks(result(0.5), one_block)] == [False, True]
    assert [c.holds for c in katharopoulos.chunk_span_checks(result(0.5), three)] == [True, True]
    assert [c.holds for c in katharopoulos.chunk_span_checks(result(0.0), three)] == [True, False]


# ------------------------------------------------------------------------------------------------------------------
# The sharp partners see what the worst-case bounds cannot; the wrong neighbours are what they say
# ------------------------------------------------------------------------------------------------------------------


def test_model_checks_fail_for_an_error_ten_times_the_measured_one_that_the_bound_accepts(small_run):
    """The float64 forms' differences made ten times larger: at n = 33 the worst-case checks still hold (they sit
    below a tenth of their bound), and every float32/float64 ratio check fails (the ratio drops to about 0.1)."""
    config, result = katharopoulos.Config.small(), small_run(katharopoulos)
    injected = dataclasses.replace(
        result, output_ratio=result.output_ratio * 10, gradient_ratio=result.gradient_ratio * 10,
        output_error_ms=result.output_error_ms * np.array([100.0, 1.0])[:, None, None, None, None],
        gradient_error_ms=result.gradient_error_ms * np.array([100.0, 1.0])[:, None, None, None, None])
    longest = [c for c in katharopoulos.worst_case_checks(injected, config) if "n=33 " in c.claim]
    assert longest and all(c.holds for c in longest)
    model = katharopoulos.model_checks(injected, config)
    assert len(model) == 8 and not any(c.holds for c in model)


def _tf32_matmul(x, y):
    """A matrix product with float32 inputs rounded to TF32's 10 mantissa bits (a GPU's default precision)."""
    if x.dtype == jnp.float32:
        x, y = round_mantissa(x, 10), round_mantissa(y, 10)
    return jnp.matmul(x, y, precision=jax.lax.Precision.HIGHEST)


@uses_float64
def _linear_against_quadratic(draws: int = 16) -> np.ndarray:
    """[draw, format (float64, float32)]: mean over entries of (|linear - quadratic| / (u (A|V|)/D))^2 at BUCKET,
    queries and keys 2 N(0, 1), values N(0, 1)."""
    rng = np.random.default_rng(0)
    n, mm, dd = BUCKET
    q, k, v = 2 * rng.standard_normal((draws, n, mm)), 2 * rng.standard_normal((draws, n, mm)), rng.standard_normal(
        (draws, n, dd))

    def one(q, k, v):
        out = []
        for dtype in (jnp.float64, jnp.float32):
            a, b, v_ = forms.feature_map(q.astype(dtype)), forms.feature_map(k.astype(dtype)), v.astype(dtype)
            scale = exactness.output_scale(a, b, v_, False)
            error = jnp.abs(forms.linear(a, b, v_) - forms.quadratic(a, b, v_)) / scale
            out.append(jnp.mean(error.astype(jnp.float64) ** 2) / float(jnp.finfo(dtype).eps / 2) ** 2)
        return jnp.stack(out)
    return np.asarray(jax.jit(jax.vmap(one))(q, k, v))


def test_model_check_fails_for_products_at_tf32_precision(monkeypatch):
    """The forms' matrix products at TF32's precision in float32: |linear - quadratic| in units of u is about 10^3
    times float64's, and the ratio check fails (with IEEE products it holds: the contract test's small run). The
    worst-case checks are float64's: they cannot see a float32 kernel at all."""
    monkeypatch.setattr(forms, "matmul", _tf32_matmul)
    tf32 = _linear_against_quadratic()
    check = format_ratio_check(katharopoulos.ID, "linear vs quadratic", tf32[None, :, 1], tf32[None, :, 0])
    assert not check.holds and check.measured > 100


def test_wrong_neighbours_are_other_statements():
    """The off-by-one mask is a different sum (not proved equal); the unnormalised output differs from attention at
    n = m = d = 1; elu is negative at -1 where elu + 1 is positive; the jnp elu is the SymPy one."""
    i = statement.i
    assert not equal_up_to_reindexing(statement._distribute(statement.linear_numerator(i)),
                                      statement._distribute(statement.quadratic_numerator(i + 1)))
    attention, unnormalised = statement.unnormalised_statement.args
    one = {statement.n: 1, statement.m: 1, statement.d: 1}
    assert sp.simplify(attention.subs(one).doit() - unnormalised.subs(one).doit()) != 0
    x = sp.Symbol("x", real=True)
    assert statement.elu(x).subs(x, -1) < 0 < statement.elu_plus_one(x).subs(x, -1)
    points = np.array([-3.0, -0.5, 0.0, 0.5, 2.0])
    assert np.allclose(np.asarray(wrong_forms.elu_features(jnp.asarray(points))),
                       [float(statement.elu(x).subs(x, p)) for p in points])


@pytest.mark.parametrize("kwargs", [dict(shapes=((0, 1, 1),)), dict(chunk=0), dict(input_scale=50.0),
                                    dict(log2_sizes=(4, 5)), dict(memory_log2_sizes=(11,)), dict(replicates=8)])
def test_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        katharopoulos.Config(**kwargs)
