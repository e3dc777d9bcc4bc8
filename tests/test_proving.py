"""Symbolic proofs refute fast at random points and never hang (theorems.proving)."""

import threading

import pytest
import sympy as sp

from theorems.core import prove_equal, prove_true
from theorems.reverse_mode import gradient_cost


def test_a_sign_flipped_backward_nn_is_refuted_without_simplify(monkeypatch):
    calls = []
    monkeypatch.setattr(sp, "simplify", lambda *a, **k: calls.append(a) or pytest.fail("simplify was called"))
    check = gradient_cost.prove_backward(sp.tanh, "tanh", rho_prime=lambda a: 1 + sp.tanh(a) ** 2)
    assert not check.holds
    assert " — refuted at A0_00=" in check.claim and "difference" in check.claim
    assert calls == []


def test_an_undefined_function_is_instantiated_by_a_cubic():
    f, t = sp.Function("f"), sp.Symbol("t", real=True)
    check = prove_equal("t", "chain rule, wrong", sp.diff(f(t**2), t), t * sp.Subs(sp.diff(f(t), t), t, t**2))
    assert not check.holds and "f(t0)=" in check.claim


def test_a_wrong_size_identity_is_refuted_exactly_with_its_witness():
    n = sp.Symbol("n", integer=True, positive=True)
    check = prove_equal("t", "sum of 1..n", n * (n + 1) / 2 + 1, n * (n + 1) / 2)
    assert check.claim.endswith("— refuted at n=4: difference 1")


def test_a_false_inequality_is_refuted():
    x = sp.Symbol("x", positive=True)
    assert "refuted at x=" in prove_true("t", "c", sp.Le(x**2 + 1, 2 * x)).claim


def test_true_identities_still_prove():
    x, y = sp.symbols("x y", real=True)
    assert prove_equal("t", "c", sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1)).holds
    assert prove_equal("t", "c", sp.Matrix([(x + y) ** 2]), sp.Matrix([x**2 + 2 * x * y + y**2])).holds
    assert prove_true("t", "c", sp.Ge(sp.exp(x), 0)).holds


def _slow_identity():
    """True, unrefutable at points, and about 0.5 s of simplify (far beyond a 0.01 s limit): the expanded
    (sin^2 + cos^2)^10 = 1."""
    x = sp.Symbol("x", real=True)
    return sp.expand((sp.sin(x) ** 2 + sp.cos(x) ** 2) ** 10), sp.Integer(1)


def test_a_slow_identity_under_a_tiny_limit_is_undecided():
    check = prove_equal("t", "c", *_slow_identity(), seconds=0.01)
    assert not check.holds and check.claim == "c — undecided after 0.01 s"


def test_off_the_main_thread_simplify_runs_in_a_child_process():
    x = sp.Symbol("x", real=True)
    found = []
    worker = threading.Thread(target=lambda: found.append(
        prove_equal("t", "c", sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1), seconds=60)))
    worker.start()
    worker.join(timeout=90)
    assert found and found[0].holds and found[0].claim == "c"
