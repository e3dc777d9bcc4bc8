"""The pytest plugin: `pytest --mathai` collects each theorem's proofs and numeric runs as items, runs nothing at
collection, selects a theorem by `-k <id>` or `-m <id>`, and reports a failing check with its numbers."""

from __future__ import annotations

import pytest

from numerics import registry
from theorems import get
from theorems.core import numeric


@pytest.fixture
def runs(monkeypatch):
    """Record the numeric modules run (instead of running their experiments)."""
    seen = []

    def fake_run(module, key, config=None):
        seen.append(module.__name__)
        return registry.NumericRun(module.__name__, (numeric("x", "a bound", 0.5, "<=", 1.0),), 0.0)

    monkeypatch.setattr(registry, "module_run", fake_run)
    return seen


def test_collection_names_every_proof_and_numeric_module_and_runs_nothing(pytester, runs):
    result = pytester.runpytest_inprocess("--mathai", "--collect-only", "-q", "-p", "no:cacheprovider")
    theorem = get("frobenius")
    for proof in theorem.proofs:
        result.stdout.fnmatch_lines([f"*frobenius::{proof.__name__}*"])
    result.stdout.fnmatch_lines(["*frobenius::numeric::numerics.frobenius*"])
    assert runs == []


def test_k_selects_one_theorem_and_runs_no_other_experiment(pytester, runs):
    theorem = get("frobenius")
    result = pytester.runpytest_inprocess("--mathai", "-k", "frobenius", "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(theorem.proofs) + 1)
    assert runs == ["numerics.frobenius"]


def test_m_selects_by_the_theorem_marker(pytester, runs):
    result = pytester.runpytest_inprocess("--mathai", "-m", "cybenko1989", "-q", "-p", "no:cacheprovider")
    assert runs == list(registry.module_names(get("cybenko1989"))) and result.ret == 0


def test_a_failing_check_is_reported_with_measured_relation_and_bound(pytester, monkeypatch):
    monkeypatch.setattr(registry, "module_run", lambda module, key, config=None: registry.NumericRun(
        module.__name__, (numeric("frobenius", "a wrong bound", 2.0, "<=", 1.0),), 0.0))
    result = pytester.runpytest_inprocess("--mathai", "-k", "frobenius and numeric", "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*FAILS: a wrong bound: measured 2 <= 1*"])


def test_without_the_option_nothing_is_collected(pytester, runs):
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED and runs == []
