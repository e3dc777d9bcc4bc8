"""Gradient-descent step sizes (gd_step_size): the SymPy statement, the exact least-squares data, the theorem's
bracket and constants against the experiment, and the sharp checks failing on the errors they are meant to see."""

from __future__ import annotations

import dataclasses
import math

import jax
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from numerics.optimisation import exact_least_squares as data
from numerics.optimisation import step_size
from numerics.optimisation import step_size_runs as runs
from theorems import get
from theorems.optimisation import step_size as statement

pytestmark = pytest.mark.gd_step_size

BUCKETS = ((16, 4), (64, 16))
SPECTRA = st.tuples(st.floats(0.01, 0.5), st.floats(0.6, 4.0))


SLOW_PROOFS = (statement.prove_convergence_interval, statement.prove_exact_line_search,
               statement.prove_logistic_hessian)


@pytest.mark.parametrize("proof", [p for p in statement.THEOREM.proofs if p not in SLOW_PROOFS],
                         ids=lambda p: p.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


@pytest.mark.slow  # about 1.5 s together (solveset, a rational simplification, exponentials)
def test_slow_symbolic_proofs_hold():
    for proof in SLOW_PROOFS:
        assert proof().holds, proof.__name__


def test_registry_and_alias():
    assert get("descent-lemma") is statement.THEOREM and get("gd_step_size") is statement.THEOREM


# ---------------------------------------------------------------------------------------------------------------
# The exact data and the exact ratios (NumPy)
# ---------------------------------------------------------------------------------------------------------------

@given(st.sampled_from(BUCKETS), SPECTRA, st.integers(0, 2**32 - 1))
def test_least_squares_hessian_is_exactly_its_stated_eigendecomposition(size, spectrum, seed):
    """2 X^T X / n = V diag(lambda) V^T with no rounding at all (entries exact in float32 and float64), the
    eigenvalues within the grid's snap of their targets, and V orthogonal."""
    (n, d), (mu, L) = size, spectrum
    problem = data.least_squares(np.random.default_rng(seed), n, d, mu, L)
    V, lam = problem.eigenvectors, problem.eigenvalues
    assert np.array_equal(2 * problem.X.T @ problem.X / n, (V * lam) @ V.T)
    assert np.array_equal(V.T @ V, np.eye(d))
    assert np.array_equal(problem.X.astype(np.float32).astype(np.float64), problem.X)
    targets = np.sort(np.linspace(mu, L, d))
    assert np.all(np.abs(np.sort(lam) - targets) <= 2 * targets * 2.0**-data.GRID_BITS / np.sqrt(n * targets / 2)
                  + 1e-15)


@given(st.sampled_from(BUCKETS), st.floats(0.01, 2.2), st.integers(0, 2**32 - 1))
def test_spectral_ratio_of_an_eigenvector_is_one_minus_tau_lambda(size, tau_L, seed):
    """The exact ratio from an eigenvector start is |1 - tau lambda|: its float64 value (two roundings, of tau lambda
    and of the difference) is off by at most u (tau lambda + |1 - tau lambda|)."""
    n, d = size
    problem = data.least_squares(np.random.default_rng(seed), n, d, 0.1, 1.0)
    tau = tau_L / problem.L
    starts = problem.eigenvectors.T[[problem.low, problem.high]]
    guesses = np.abs(1 - tau * problem.eigenvalues[[problem.low, problem.high]])
    deviation = data.spectral_ratios(problem, starts, np.array([tau]), guesses[None, :])
    scale = tau * problem.eigenvalues[[problem.low, problem.high]] + guesses
    assert np.all(np.abs(deviation) <= 2.0**-53 * scale)


_contraction = sp.lambdify([statement.tau, statement.mu, statement.L], statement.contraction, "numpy")


@given(SPECTRA, st.floats(1e-6, 3.0).filter(lambda t: abs(t - 2) > 1e-9))
def test_contraction_below_one_exactly_below_two_over_L(spectrum, tau_L):
    mu, L = spectrum
    assert (_contraction(tau_L / L, mu, L) < 1) == (tau_L < 2)


# ---------------------------------------------------------------------------------------------------------------
# The experiment at the small config (the contract test's run)
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(small_run):
    return small_run(step_size), step_size.Config.small()


def _claims(checks, word):
    return [c for c in checks if word in c.claim]


def test_counts_sit_in_the_theorem_bracket_and_the_half_convention_leaves_it(small):
    result, config = small
    assert all(c.holds for c in _claims(step_size.checks(result, config), "iterations"))
    halved = step_size.sweep_checks(result, config, float(result.mu) / 2, float(result.L) / 2)
    assert not any(c.holds for c in halved)


def test_bisection_finds_two_over_L_to_three_digits(small):
    result, _ = small
    L = float(result.L)
    assert abs(float(result.threshold_ls) * L / 2 - 1) < 5e-4
    assert abs(float(result.threshold_logistic) * (L / 8) / 2 - 1) < 5e-4


def test_format_check_fails_on_a_float64_error_ten_times_the_measured_one(small):
    """The worst-case bound still accepts the inflated deviations; the float32/float64 RMS ratio does not."""
    result, config = small
    deviation = result.deviation.copy()
    deviation[step_size.FORMATS.index("float64")] *= 10
    inflated = dataclasses.replace(result, deviation=deviation)
    worst, _, _, partner = step_size.ratio_checks(inflated, float(step_size._q_star(result.mu, result.L)))
    assert worst.holds and not partner.holds


def test_format_check_fails_when_float32_runs_at_reduced_precision(small):
    """Deviations of a float32 computation with 10-bit products (TF32) are about 2^13 larger: the ratio leaves its
    interval."""
    result, _ = small
    deviation = result.deviation.copy()
    deviation[step_size.FORMATS.index("float32")] *= 2.0**13
    partner = step_size.ratio_checks(dataclasses.replace(result, deviation=deviation),
                                     float(step_size._q_star(result.mu, result.L)))[3]
    assert not partner.holds


def test_contraction_at_the_best_step_sees_an_error_of_a_hundred_rounding_units(small):
    result, _ = small
    ratio = result.ratio.copy()
    ratio[step_size.FORMATS.index("float64"), :, -1, step_size.STARTS.index("extreme plane")] *= 1 + 100 * 2.0**-53 * 100
    check = step_size.ratio_checks(dataclasses.replace(result, ratio=ratio),
                                   float(step_size._q_star(result.mu, result.L)))[1]
    assert not check.holds


def test_a_sweep_that_does_not_converge_is_an_error_naming_the_step(monkeypatch):
    config = step_size.Config.small()

    def stalled(problem, rng, taus, *args):
        return runs.Sweep(iterations=np.full(len(taus), -1), curves=np.zeros((len(taus), 2)),
                          start_components=np.ones(2), start_norm=1.0, line_search=np.ones(2))

    monkeypatch.setattr(runs, "sweep", stalled)
    with pytest.raises(FloatingPointError, match=r"tau = .*tau L = 0\.1.*did not reach the tolerance"):
        step_size.experiment(config, jax.random.key(0))


@pytest.mark.parametrize("field, value, message", [
    ("L", 0.0, "L must be > 0"), ("L", -1.0, "L must be > 0"), ("mu", 2.0, "mu must be < L"),
    ("mu", math.nan, "mu must be a finite number"), ("tau_L", (0.5, 0.0), "tau_L holds"),
    ("tau_L", (-0.1,), "tau_L holds"), ("tau_L", (2.5,), "tau_L holds"), ("n", 12, "n must be a power of four"),
    ("d", 64, "d must be in"), ("divergence_steps", 16, "cannot resolve 2/L"),
])
def test_config_rejects_bad_values_by_name(field, value, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(step_size.Config.small(), **{field: value})
