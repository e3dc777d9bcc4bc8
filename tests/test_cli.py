"""The ``mathai`` command line: what it prints and the exit status it returns (0 holds, 1 fails, 2 bad input)."""

from __future__ import annotations

import json
import re

import pytest

from mathai import cli
from theorems import all_theorems
from theorems.core import numeric, prove_true


@pytest.fixture(autouse=True)
def _no_persistent_compilation_cache(monkeypatch):
    """In-process CLI calls must not point this test process's JAX at a per-user cache directory."""
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_list_names_every_registered_theorem(capsys):
    status, out, _ = run(capsys, "list")
    assert status == cli.EXIT_OK
    for theorem in all_theorems():
        assert theorem.id in out


def test_show_prints_statement_assumptions_and_reference(capsys):
    status, out, _ = run(capsys, "show", "frobenius")
    theorem = next(t for t in all_theorems() if t.id == "frobenius")
    assert status == cli.EXIT_OK
    assert theorem.latex() in out.replace("\n", "")
    assert str(theorem.reference.year) in out and "Assumptions" in out


def test_show_accepts_an_alias(capsys):
    status, out, _ = run(capsys, "show", "trace-identity")
    assert status == cli.EXIT_OK and "frobenius" in out


@pytest.mark.parametrize("command", [["show", "no-such-theorem"], ["verify", "no-such-theorem"],
                                     ["cite", "no-such-theorem"], ["figures", "no-such-theorem"],
                                     ["bench", "no-such-theorem"]])
def test_unknown_id_exits_2_listing_the_known_ids(capsys, command):
    status, out, err = run(capsys, *command)
    assert status == cli.EXIT_USAGE
    assert "no-such-theorem" in err and out == ""
    for theorem in all_theorems():
        assert theorem.id in err


@pytest.mark.parametrize("seed", ["abc", "-1", "4294967296", "1.5"])
def test_bad_seed_exits_2_with_one_line(capsys, seed):
    status, out, err = run(capsys, "verify", "frobenius", "--seed", seed)
    assert status == cli.EXIT_USAGE
    assert out == "" and len(err.strip().splitlines()) == 1 and "seed" in err


def test_unknown_subcommand_and_bad_format_exit_2(capsys):
    assert run(capsys, "frobnicate")[0] == cli.EXIT_USAGE
    assert run(capsys, "cite", "frobenius", "--format", "docx")[0] == cli.EXIT_USAGE


def _use_verifier(monkeypatch, theorem_id, verify):
    """Replace the numeric checks of ``theorem_id`` by ``verify(key)``; the other theorems' stay real."""
    import jax

    from numerics import registry

    real = registry.numeric_runs
    monkeypatch.setattr(registry, "numeric_runs", lambda theorem, seed, controls=False, small=False: [
        registry.NumericRun("fake", tuple(verify(jax.random.key(seed))), 0.5)]
        if theorem.id == theorem_id else real(theorem, seed))


def _no_proofs(monkeypatch, *checks):
    """Replace the (seconds-long) SymPy proofs by ``checks``: these tests are about the command, not the proofs."""
    from numerics import registry

    monkeypatch.setattr(registry, "symbolic_checks", lambda theorem: iter(checks))


def test_verify_json_is_machine_readable_and_holds(capsys, monkeypatch):
    _no_proofs(monkeypatch, prove_true("frobenius", "a proved step", True))
    _use_verifier(monkeypatch, "frobenius", lambda key: [numeric("frobenius", "a measured bound", 0.5, "<=", 1.0),
                                                         numeric("frobenius", "an interval", 0.5, "in", (0, 1))])
    status, out, _ = run(capsys, "verify", "frobenius", "--json", "--seed", "3")
    document = json.loads(out)
    assert status == cli.EXIT_OK and document["holds"] is True and document["seed"] == 3
    (entry,) = document["theorems"]
    assert entry["id"] == "frobenius" and [c["kind"] for c in entry["checks"]] == ["symbolic", "numeric", "numeric"]
    assert entry["checks"][2]["bound"] == [0, 1] and all(c["holds"] for c in entry["checks"])


def test_verify_table_counts_the_checks(capsys, monkeypatch):
    _no_proofs(monkeypatch, prove_true("frobenius", "a proved step", True))
    _use_verifier(monkeypatch, "frobenius", lambda key: [numeric("frobenius", "a wrong bound", 2.0, "<=", 1.0)])
    status, out, _ = run(capsys, "verify", "frobenius")
    assert status == cli.EXIT_FAILED and "1 of 2 checks hold; 1 FAIL" in out


def test_verify_exits_1_when_a_check_fails(capsys, monkeypatch):
    _no_proofs(monkeypatch)
    _use_verifier(monkeypatch, "frobenius", lambda key: [numeric("frobenius", "a wrong bound", 2.0, "<=", 1.0)])
    status, out, _ = run(capsys, "verify", "frobenius", "--json")
    assert status == cli.EXIT_FAILED and json.loads(out)["holds"] is False


def test_verify_json_writes_nan_as_null(capsys, monkeypatch):
    _no_proofs(monkeypatch)
    _use_verifier(monkeypatch, "frobenius", lambda key: [numeric("frobenius", "nan", float("nan"), "<=", 1.0)])
    status, out, _ = run(capsys, "verify", "frobenius", "--json")
    (check,) = json.loads(out)["theorems"][0]["checks"]
    assert status == cli.EXIT_FAILED and check["measured"] is None


@pytest.mark.slow
def test_default_verify_frobenius_json_holds(capsys):
    """The real thing: every SymPy proof and the default experiment, as `mathai verify frobenius --json`."""
    status, out, _ = run(capsys, "verify", "frobenius", "--json")
    assert status == cli.EXIT_OK and json.loads(out)["holds"] is True


def test_cite_bibtex_gives_the_reference_and_the_software_with_its_modules(capsys):
    status, out, _ = run(capsys, "cite", "frobenius", "--format", "bibtex")
    keys = re.findall(r"@(\w+)\{([^,]+),", out)
    assert status == cli.EXIT_OK
    assert keys == [("book", "horn2013matrix"), ("misc", "mathai-frobenius")]
    assert "theorems/frobenius.py" in out and "numerics/frobenius.py" in out
    from mathai import __version__

    assert f"version = {{{__version__}}}" in out
    assert out.count("{") == out.count("}")


def test_cite_latex_is_a_theorem_with_the_generated_statement(capsys):
    status, out, _ = run(capsys, "cite", "frobenius", "--format", "latex")
    theorem = next(t for t in all_theorems() if t.id == "frobenius")
    assert status == cli.EXIT_OK
    assert "\\begin{theorem}" in out and "\\end{theorem}" in out and theorem.latex() in out
    assert "\\cite{horn2013matrix}" in out and "numerics/frobenius.py" in out


def test_cite_markdown_has_display_math_reference_and_module_paths(capsys):
    status, out, _ = run(capsys, "cite", "frobenius", "--format", "markdown")
    theorem = next(t for t in all_theorems() if t.id == "frobenius")
    assert status == cli.EXIT_OK
    assert f"$$\n{theorem.latex()}\n$$" in out
    assert "Horn" in out and "`pytest -m frobenius`" in out and "mathai verify frobenius" in out


def test_compilation_cache_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR", raising=False)
    monkeypatch.setenv("MATHAI_JAX_CACHE", "1")
    monkeypatch.setenv("MATHAI_JAX_CACHE_DIR", str(tmp_path / "jax"))
    assert cli.compilation_cache_directory() == tmp_path / "jax"
    monkeypatch.delenv("MATHAI_JAX_CACHE_DIR")
    monkeypatch.setenv("MATHAI_CACHE_DIR", str(tmp_path / "mathai"))
    assert cli.compilation_cache_directory() == tmp_path / "mathai" / "jax"
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", str(tmp_path / "users-own"))
    assert cli.compilation_cache_directory() is None
    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR")
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")
    assert cli.compilation_cache_directory() is None


def test_a_theorem_with_parts_runs_the_numeric_checks_of_every_part(monkeypatch):
    """A theorem with parts runs each of its modules in order, the first with the seed's key, part i with the key
    folded by i."""
    import jax

    from numerics import registry

    theorem = next(t for t in all_theorems() if t.parts)
    seen = []
    monkeypatch.setattr(registry, "module_run", lambda module, key, config=None, controls=False: seen.append(
        (module.__name__, key)) or registry.NumericRun(module.__name__, (), 0.0))
    registry.numeric_checks(theorem, seed=7)
    assert [name for name, _ in seen] == [f"numerics.{m}" for m in theorem.modules]
    data = [jax.random.key_data(key).tolist() for _, key in seen]
    assert data[0] == jax.random.key_data(jax.random.key(7)).tolist()
    assert data[1] == jax.random.key_data(jax.random.fold_in(jax.random.key(7), 1)).tolist()
    assert len({str(x) for x in data}) == len(theorem.modules)
