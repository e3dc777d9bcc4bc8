"""The records: a Check's verdict is computed from its data; the registry finds theorems by id or alias."""

import math

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from theorems import UnknownTheorem, all_theorems, get
from theorems.core import Check, numeric, prove_equal, prove_true
from theorems.sums import equal_up_to_reindexing

finite = st.floats(allow_nan=False, allow_infinity=True, width=64)


@given(finite, finite)
def test_numeric_verdict_follows_the_relation(measured, bound):
    assert numeric("t", "c", measured, "<=", bound).holds == (measured <= bound)
    assert numeric("t", "c", measured, ">=", bound).holds == (measured >= bound)
    assert numeric("t", "c", measured, "==", bound).holds == (measured == bound)


@given(finite, finite, finite)
def test_interval_verdict_is_closed_interval_membership(measured, lo, hi):
    assert numeric("t", "c", measured, "in", (lo, hi)).holds == (lo <= measured <= hi)


@pytest.mark.parametrize("relation", ["<=", ">=", "=="])
def test_nan_never_holds(relation):
    assert not numeric("t", "c", math.nan, relation, 1.0).holds
    assert not numeric("t", "c", 1.0, relation, math.nan).holds
    assert not numeric("t", "c", math.nan, "in", (0.0, 1.0)).holds


def test_a_check_refuses_malformed_data():
    with pytest.raises(ValueError, match="relation '<' is not one of"):
        Check("t", "numeric", "c", "<", measured=1.0, bound=2.0)
    with pytest.raises(ValueError, match="needs an interval"):
        numeric("t", "c", 1.0, "in", 2.0)
    with pytest.raises(ValueError, match="needs both measured and bound"):
        Check("t", "numeric", "c", "<=", measured=1.0)
    with pytest.raises(ValueError, match="needs the outcome of its proof"):
        Check("t", "symbolic", "c", "==")


def test_json_writes_nan_and_infinity_as_null():
    record = numeric("t", "c", math.nan, "<=", math.inf).as_json()
    assert record["measured"] is None and record["bound"] is None and record["holds"] is False


def test_symbolic_proofs_fail_on_false_claims():
    x, y = sp.symbols("x y")
    assert prove_equal("t", "c", (x + y) ** 2, x**2 + 2 * x * y + y**2).holds
    assert not prove_equal("t", "c", (x + y) ** 2, x**2 + y**2).holds
    assert not prove_true("t", "c", sp.Eq(x, y)).holds


def test_reindexing_proves_exchanged_sums_and_rejects_different_ones():
    i, j, m, n = sp.symbols("i j m n", integer=True)
    a = sp.IndexedBase("a")
    lhs = sp.Sum(a[i, j], (i, 0, m - 1), (j, 0, n - 1))
    assert equal_up_to_reindexing(lhs, sp.Sum(a[j, i].xreplace({i: j, j: i}), (j, 0, n - 1), (i, 0, m - 1)))
    assert not equal_up_to_reindexing(lhs, sp.Sum(a[j, i], (i, 0, m - 1), (j, 0, n - 1)))  # transposed summand
    assert not equal_up_to_reindexing(lhs, sp.Sum(a[i, j], (i, 0, m - 1), (j, 0, n)))  # another range


def test_registry_finds_ids_and_aliases():
    ids = [t.id for t in all_theorems()]
    assert len(ids) == len(set(ids)) and "frobenius" in ids
    for theorem in all_theorems():
        assert get(theorem.id) is theorem
        for alias in theorem.aliases:
            assert get(alias) is theorem


def test_unknown_id_names_itself_and_lists_the_known_ids():
    with pytest.raises(UnknownTheorem) as error:
        get("nope")
    assert "'nope'" in str(error.value)
    assert all(t.id in str(error.value) for t in all_theorems())


def test_every_theorem_renders_and_has_a_reference():
    for theorem in all_theorems():
        assert theorem.latex() and theorem.text() and theorem._repr_latex_().startswith("$")
        assert theorem.reference.bibtex().startswith("@") and str(theorem.reference.year) in theorem.reference.text()
        assert theorem.assumptions


@pytest.mark.parametrize("entry_type, field", [("article", "journal"), ("inproceedings", "booktitle"),
                                               ("book", "publisher"), ("phdthesis", "howpublished")])
def test_bibtex_puts_the_venue_in_the_field_its_entry_type_reads(entry_type, field):
    from theorems.core import Reference

    entry = Reference(key="k", authors=("A", "B"), year=2000, title="T", venue="V", entry_type=entry_type).bibtex()
    assert entry.startswith(f"@{entry_type}{{k,") and f"  {field} = {{V}}" in entry and "A and B" in entry
