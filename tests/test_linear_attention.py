"""Linear attention: the statements (SymPy), the forms' exactness and gradients, random features, Linformer."""

from __future__ import annotations

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

import numerics.linear_attention as num
from numerics.bridge import to_jax
from theorems import linear_attention as thm
from theorems.rounding import u
from theorems.sums import equal_up_to_reindexing

FAST_PROOFS = (thm.prove_associativity, thm.prove_normaliser, thm.prove_causal, thm.prove_recurrence,
               thm.prove_feature_map_positive, thm.prove_cost_orders, thm.prove_positive_features,
               thm.prove_pair_failure_at_paper_k, thm.prove_chernoff_lower, thm.prove_polarisation,
               thm.prove_isserlis_row, thm.prove_expected_error_symbolic, thm.prove_k_exceeds_n)

# ------------------------------------------------------------------------------------------------------------------
# Statements
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("proof", FAST_PROOFS, ids=lambda p: p.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


@pytest.mark.slow
def test_slow_symbolic_proofs_hold():
    for theorem in thm.THEOREMS:
        for proof in theorem.proofs:
            if proof not in FAST_PROOFS:
                assert proof().holds, proof.__name__


def test_wrong_association_is_not_proved():
    """Summing V over the query's index instead of the key's is not the linear form: the proof says no."""
    wrong = sp.Sum(thm.A[thm.i, thm.l] * sp.Sum(thm.B[thm.j, thm.l] * thm.V[thm.i, thm.c], (thm.j, 0, thm.n - 1)),
                   (thm.l, 0, thm.m - 1))
    assert not equal_up_to_reindexing(thm._distribute(thm.quadratic_numerator()), thm._distribute(wrong))


def test_causal_form_differs_from_strict_mask():
    """Masking j < i instead of j <= i is a different sum: the causal proof must not accept it."""
    strict = thm._distribute(thm.linear_numerator(thm.i - 1))
    assert not equal_up_to_reindexing(thm._distribute(thm.quadratic_numerator(thm.i)), strict)


def test_distribute_refuses_a_factor_that_depends_on_the_index():
    bad = sp.Sum(thm.V[thm.j, thm.c] * sp.Sum(thm.B[thm.j, thm.l], (thm.j, 0, thm.n - 1)), (thm.l, 0, thm.m - 1))
    with pytest.raises(ValueError, match="depends on an index"):
        thm._distribute(bad)


_costs = [sp.lambdify([thm.n, thm.m, thm.d], e) for e in (thm.quadratic_cost(), thm.linear_cost(), thm.crossover())]


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

_forms_bound = to_jax([thm.n, thm.m, u], thm.forms_rounding_bound())


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
    bound = float(_forms_bound(float(n), float(mm), float(np.finfo(dtype).eps) / 2))
    assert np.all(np.abs(quad.astype(np.float64) - lin) <= bound * scale.astype(np.float64) * (1 + 1e-6))


def test_a_wrong_normaliser_exceeds_the_bound():
    """Dropping one key from the normaliser is a relative error of about 1/n, far above rounding: caught."""
    rng = np.random.default_rng(0)
    a, b, v = np.exp(rng.uniform(-1, 1, (16, 4))), np.exp(rng.uniform(-1, 1, (16, 4))), rng.standard_normal((16, 3))
    quad, _, scale = _np_forms(a, b, v)
    wrong = (a @ (b.T @ v)) / (a @ b[1:].sum(axis=0))[:, None]
    assert np.max(np.abs(quad - wrong) / scale) > float(_forms_bound(16.0, 4.0, 2.0**-53))


BUCKET = (40, 6, 5)
CHUNK = 8


@cache
def _bucket_forward(dtype: str = "float64"):
    """Every form's outputs for an (n, m, d) problem padded into BUCKET, in ``dtype``: one compiled program."""

    def run(q, k, v, size):
        q, k, v = (x.astype(dtype) for x in (q, k, v))
        a, b = num.feature_map(q), num.feature_map(k)
        a, b, v, _, out_mask, _ = num.pad_problem(a, b, v, v, *size)
        rows = []
        for causal in (False, True):
            outs = [num.form(name, causal, CHUNK)(a, b, v) for name in num.forms_for(causal)]
            scale = num.output_scale(a, b, v, causal)
            rows += [num._worst(jnp.abs(o - outs[0]), scale, out_mask) for o in outs[1:]]
        sim = num.quadratic(a, b, jnp.ones_like(v))  # any finite output proves a positive normaliser
        den = jnp.where(out_mask[:, :1], (a @ b.T).sum(axis=1)[:, None], 1.0)
        return jnp.stack(rows), jnp.min(den), jnp.all(jnp.isfinite(sim))

    spec = jax.ShapeDtypeStruct((BUCKET[0], BUCKET[1]), jnp.float64)
    return num._fast_compile(run, spec, spec, jax.ShapeDtypeStruct((BUCKET[0], BUCKET[2]), jnp.float64),
                             jax.ShapeDtypeStruct((3,), jnp.int32))


def _inputs(scale):
    elements = st.floats(-scale, scale, allow_nan=False, allow_infinity=False)
    return (hnp.arrays(np.float64, (BUCKET[0], BUCKET[1]), elements=elements),
            hnp.arrays(np.float64, (BUCKET[0], BUCKET[1]), elements=elements),
            hnp.arrays(np.float64, (BUCKET[0], BUCKET[2]), elements=st.floats(-4, 4)))


@settings(max_examples=25)
@given(*_inputs(4.0), st.integers(1, BUCKET[0]), st.integers(1, BUCKET[1]), st.integers(1, BUCKET[2]))
def test_every_form_agrees_with_quadratic_within_rounding_bound(q, k, v, n, mm, dd):
    ratios, _, _ = _bucket_forward()(q, k, v, np.array([n, mm, dd], np.int32))
    assert np.all(np.asarray(ratios) <= float(_forms_bound(float(n), float(mm), 2.0**-53)))


@pytest.mark.slow
@settings(max_examples=25)
@given(*_inputs(4.0), st.integers(1, BUCKET[0]), st.integers(1, BUCKET[1]), st.integers(1, BUCKET[2]))
def test_every_form_agrees_with_quadratic_within_rounding_bound_float32(q, k, v, n, mm, dd):
    """The same bound with float32's unit roundoff (matrix products at precision HIGHEST)."""
    ratios, _, _ = _bucket_forward("float32")(q, k, v, np.array([n, mm, dd], np.int32))
    assert np.all(np.asarray(ratios) <= float(_forms_bound(float(n), float(mm), 2.0**-24)))


@settings(max_examples=25)
@given(*_inputs(300.0), st.integers(1, BUCKET[0]), st.integers(1, BUCKET[1]), st.integers(1, BUCKET[2]))
def test_normaliser_is_positive_on_the_stated_range(q, k, v, n, mm, dd):
    """|q|, |k| <= 300: the normaliser is a positive normal float64 and every output is finite."""
    _, smallest, finite = _bucket_forward()(q, k, v, np.array([n, mm, dd], np.int32))
    assert float(smallest) >= np.finfo(np.float64).tiny and bool(finite)


def test_elu_plus_one_underflows_where_the_feature_map_does_not():
    x = jnp.array([-40.0, -700.0])
    assert float(jax.nn.elu(x[0]) + 1) == 0.0  # expm1(x) + 1 cancels: the trap the module avoids
    assert bool(jnp.all(num.feature_map(x) > 0))


@pytest.mark.slow
@settings(max_examples=5)
@given(st.integers(0, 2**31 - 1))
def test_gradients_of_every_form_agree_within_bound(seed):
    shapes = ((7, 3, 5), (40, 6, 5))
    measured = num.exactness(jax.random.key(seed), shapes, CHUNK, 2.0)
    for (n, mm, dd), row in zip(shapes, measured):
        bound = float(num._gradient_bound(float(n), float(mm), float(dd), 2.0**-53))
        grads = row[:, :, 1]
        assert np.all(grads[~np.isnan(grads)] <= bound)
        assert np.all(row[1, :, 2] > 0)


CUMSUM_COMPILED_FLOPS = {"0.10.2": {16: 240, 1024: 17423, 4096: 69887, 16384: 279567}}
"""XLA:CPU's compiled cost analysis of jnp.cumsum on float32 vectors, by JAX version (measured)."""


@pytest.mark.parametrize("n", [16, 1024, 4096, 16384])
def test_cumsum_is_a_reduce_window_that_xla_counts_far_above_n_additions(n):
    """The cumsum trap of :func:`num.causal_cumsum`: the lowered program counts n(n - 1) flops (a window of n
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
    n, width, chunk = 2**12, 64, num.SCALING_CHUNK
    fn = num._scaling_fn("causal_chunked", chunk)
    spec = jax.ShapeDtypeStruct((n, width), jnp.float32)
    counted = num.count_ops(fn, spec, spec, spec).total
    xla = num.lowered_flops(fn, n, width)
    skipped = (n // chunk - 1) * (width**2 + width)
    assert abs((xla + skipped) / counted - 1) <= width**-2 < abs(xla / counted - 1)


def test_exactness_check_fails_for_a_wrong_ratio():
    config = num.Config(shapes=((4, 2, 2),), log2_sizes=(10, 12, 14), memory_log2_sizes=(11, 12, 13))
    ratios = np.full((1, 2, 3), 1.5)
    result = num.Result(ratios, ratios, np.ones((1, 2, 3), bool), np.array([2**10, 2**12, 2**14]),
                        np.ones((4, 3)), np.ones((4, 3)), np.full((4, 3), np.nan), np.array([1, 2, 4]), np.ones((3, 3)),
                        np.ones((3, 3)), np.array([64, 4096]), np.array([0.5, 0.5]), np.zeros(2), np.zeros(2),
                        np.zeros(2))
    checks = num.checks(result, config)
    outputs = [c for c in checks if c.claim.startswith("|")]
    assert outputs and not any(c.holds for c in outputs)
    exponents = [c for c in checks if "exponent" in c.claim]
    assert exponents and not any(c.holds for c in exponents)  # flat counts: exponent 0, not 2 or 1
    overflow = num.precision_checks(result, config)
    assert not overflow[0].holds and not overflow[1].holds  # half the rows overflowing at n = 64 and n = 4096


@pytest.mark.parametrize("kwargs", [dict(shapes=((0, 1, 1),)), dict(chunk=0), dict(input_scale=400.0),
                                    dict(log2_sizes=(4, 5)), dict(memory_log2_sizes=(11,))])
def test_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        num.Config(**kwargs)


@pytest.mark.parametrize("cls,kwargs", [(num.PerformerConfig, dict(norms_sq=(1.5,))),
                                        (num.PerformerConfig, dict(features=(12,))),
                                        (num.PerformerConfig, dict(trials=10)),
                                        (num.LinformerConfig, dict(eps=1.0)),
                                        (num.LinformerConfig, dict(lengths=(4,), trials=(8,)))])
def test_other_configs_reject_bad_values(cls, kwargs):
    with pytest.raises(ValueError):
        cls(**kwargs)


def test_form_rejects_a_causal_mismatch():
    with pytest.raises(ValueError, match="causal"):
        num.form("linear", True)
    with pytest.raises(ValueError, match="not one of"):
        num.form("softmax", False)


# ------------------------------------------------------------------------------------------------------------------
# Random features and Linformer, in NumPy: the closed forms against samples, and wrong formulas caught
# ------------------------------------------------------------------------------------------------------------------

_rel_mse = sp.lambdify([thm.norm_sum_sq, thm.features], thm.relative_mse())
_expected = sp.lambdify([thm.P_F2, thm.V_F2, thm.PV_F2, thm.k],
                        thm.expected_squared_error(thm.P_F2, thm.V_F2, thm.PV_F2, thm.k))


def _performer_z(rng, r2, m_, trials=4000, dim=4, wrong=False):
    x, y = rng.standard_normal(dim), rng.standard_normal(dim)
    s = math.sqrt(r2) / np.linalg.norm(x + y)
    x, y = x * s, y * s
    w = rng.standard_normal((trials, m_, dim))
    est = np.mean(np.exp(w @ x - x @ x / 2) * np.exp(w @ y - y @ y / 2), axis=1)
    sq = (est / math.exp(x @ y) - 1) ** 2
    closed = (math.exp(2 * r2) - 1) / m_ if wrong else _rel_mse(r2, m_)
    return abs(sq.mean() - closed) / (sq.std(ddof=1) / math.sqrt(trials))


@settings(max_examples=10)
@given(st.sampled_from([0.2, 0.6, 1.0]), st.sampled_from([4, 16]), st.integers(0, 2**32 - 1))
def test_relative_mse_matches_closed_form(r2, m_, seed):
    assert _performer_z(np.random.default_rng(seed), r2, m_) <= num.Z_BOUND


def test_relative_mse_test_catches_a_wrong_exponent():
    assert _performer_z(np.random.default_rng(1), 1.0, 4, trials=20000, wrong=True) > num.Z_BOUND


def _linformer_t(rng, n_=32, k_=8, trials=100, variance=None):
    p = rng.random((n_, n_))
    p /= p.sum(axis=1, keepdims=True)
    v = rng.standard_normal((n_, 3))
    pv = p @ v
    e = rng.standard_normal((trials, k_, n_)) * math.sqrt(variance if variance is not None else 1 / k_)
    sq = np.array([np.sum((p @ et.T @ (et @ v) - pv) ** 2) for et in e])
    expected = _expected(np.sum(p**2), np.sum(v**2), np.sum(pv**2), k_)
    return abs(sq.mean() - expected) / (sq.std(ddof=1) / math.sqrt(trials))


@settings(max_examples=4)
@given(st.integers(0, 2**32 - 1))
def test_linformer_mean_squared_error_matches_exact_expectation(seed):
    assert _linformer_t(np.random.default_rng(seed)) <= num.t_bound(100)


def test_linformer_z_test_catches_a_wrong_scaling():
    """E with variance 1/n instead of 1/k (a common slip) is caught by the same test."""
    assert _linformer_t(np.random.default_rng(0), variance=1 / 32) > num.t_bound(100)


@pytest.mark.slow
def test_orthogonal_features_are_marginally_gaussian_norms():
    w = np.asarray(num.orthogonal_gaussian(num.fast_key(jax.random.key(0)), 4 * 512, 4)).reshape(-1, 4, 4)
    gram = np.einsum("bij,bkj->bik", w / np.linalg.norm(w, axis=-1, keepdims=True),
                     w / np.linalg.norm(w, axis=-1, keepdims=True))
    assert np.allclose(gram, np.eye(4), atol=1e-12)  # each block is orthogonal
    sq = np.sum(w**2, axis=-1).ravel()  # chi^2_4: mean 4, variance 8
    assert abs(sq.mean() - 4) <= num.Z_BOUND * math.sqrt(8 / sq.size)


def test_energy_rank():
    assert num.energy_rank(np.array([3.0, 1.0, 0.0])) == 1
    assert num.energy_rank(np.ones(10)) == 9
