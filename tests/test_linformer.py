"""Linformer (wang2020): the statement (SymPy), the exact expected squared error against samples, a wrong scaling
of E caught, and the energy rank of a spectrum."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.linear_attention import linformer
from theorems.linear_attention import linformer as statement

pytestmark = pytest.mark.wang2020

FAST_PROOFS = (statement.prove_pair_failure_at_paper_k, statement.prove_chernoff_lower, statement.prove_polarisation,
               statement.prove_isserlis_row, statement.prove_expected_error_symbolic, statement.prove_k_exceeds_n,
               statement.prove_pair_error_law)


@pytest.mark.parametrize("proof", FAST_PROOFS, ids=lambda p: p.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


@pytest.mark.slow
def test_slow_symbolic_proofs_hold():
    for proof in statement.THEOREM.proofs:
        if proof not in FAST_PROOFS:
            assert proof().holds, proof.__name__


def test_pair_error_law_proof_refutes_a_wrong_law(monkeypatch):
    """The law with 2k replaced by k (the polarisation's 1/4 taken as 1/2) fails its proof step."""
    def wrong():
        return ((1 + statement.rho) * statement.chi_a - (1 - statement.rho) * statement.chi_b) / statement.k \
            - statement.rho
    monkeypatch.setattr(statement, "pair_error_law", wrong)
    assert not statement.prove_pair_error_law().holds


# ------------------------------------------------------------------------------------------------------------------
# The exact expectation against samples (NumPy), and a wrong formula caught
# ------------------------------------------------------------------------------------------------------------------

_expected = sp.lambdify([statement.P_F2, statement.V_F2, statement.PV_F2, statement.k],
                        statement.expected_squared_error(statement.P_F2, statement.V_F2, statement.PV_F2,
                                                         statement.k))


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
    assert _linformer_t(np.random.default_rng(seed)) <= linformer.t_bound(100)


def test_linformer_z_test_catches_a_wrong_scaling():
    """E with variance 1/n instead of 1/k (a common slip) is caught by the same test."""
    assert _linformer_t(np.random.default_rng(0), variance=1 / 32) > linformer.t_bound(100)


def test_energy_rank():
    assert linformer.energy_rank(np.array([3.0, 1.0, 0.0])) == 1
    assert linformer.energy_rank(np.ones(10)) == 9


@pytest.mark.parametrize("kwargs", [dict(eps=1.0), dict(lengths=(4,), trials=(8,))])
def test_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        linformer.Config(**kwargs)
