"""The Python API: `import mathai` is instant (no JAX), `mathai.verify` returns a report you can read, and another
package's theorem registered through the `mathai.theorems` entry points is found, verified and listed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import mathai
from mathai import cli
from numerics import registry
from theorems import registry as theorem_registry
from theorems.core import numeric, prove_true


def test_import_mathai_loads_no_jax():
    code = "import sys, mathai; assert 'jax' not in sys.modules and 'sympy' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_public_api_is_explicit():
    assert set(mathai.__all__) == {"cite", "get", "run", "theorems", "verify", "__version__"}
    assert mathai.get("trace-identity").id == "frobenius" and mathai.get("frobenius") in mathai.theorems()
    assert "@misc" in mathai.cite("frobenius", "bibtex") or "@software" in mathai.cite("frobenius", "bibtex")


def test_a_theorem_repr_is_one_line():
    text = repr(mathai.get("sander2024"))
    assert "\n" not in text and len(text) < 200 and "sander2024" in text and "0x" not in text


def fake(monkeypatch, measured):
    """Proofs and experiments replaced: one proof that holds, one numeric check `measured <= 1`."""
    monkeypatch.setattr(registry, "symbolic_checks", lambda t: iter([prove_true(t.id, "a step", True)]))
    monkeypatch.setattr(registry, "numeric_runs", lambda t, seed, controls=False, small=False: [registry.NumericRun(
        "m", (numeric(t.id, "a bound", measured, "<=", 1.0),), 1.25)])


def test_verify_reports_per_theorem_counts_and_json_with_a_schema(monkeypatch):
    fake(monkeypatch, 0.5)
    report = mathai.verify(["frobenius", "trace-identity", "wang2020"], seed=3)
    assert report.holds and report.ids == ("frobenius", "wang2020") and report.seed == 3
    assert report["frobenius"].count("symbolic") == (1, 1) and report["frobenius"].count("numeric") == (1, 1)
    document = json.loads(json.dumps(report.as_json(), allow_nan=False))
    assert document["schema"] == 3 and document["theorems"][0]["experiment_seconds"] == 1.25
    assert "seconds" not in document["theorems"][0]["checks"][1]  # an experiment's time is stored once
    assert "holds" in repr(report) and "<table>" in report._repr_html_()


def test_run_checks_one_experiment_at_a_config_of_your_own_with_the_key_of_verify():
    from numerics import frobenius

    config = frobenius.Config(shapes=((3, 5), (8, 8)), dtypes=("float32",), batch=2)
    report = mathai.run(config, seed=1, controls=True)
    assert report.ids == ("frobenius",) and report.seed == 1
    assert len(report.checks) == 2 and all(c.kind == "numeric" for c in report.checks)
    assert report["frobenius"].controls is not None
    again = registry.module_run(frobenius, registry.part_key(registry.jax.random.key(1), 0), config)
    assert [c.measured for c in report.checks] == [c.measured for c in again.checks]


def test_run_refuses_what_is_not_a_result_config():
    with pytest.raises(TypeError, match="not the Config of a result module"):
        mathai.run(object())
    with pytest.raises(ValueError, match="seed"):
        mathai.run(object(), seed=-1)


def test_verify_small_runs_each_module_at_its_small_config(monkeypatch):
    seen = []
    monkeypatch.setattr(registry, "symbolic_checks", lambda t: iter([]))
    monkeypatch.setattr(registry, "module_run", lambda module, key, config=None, controls=False: seen.append(
        config) or registry.NumericRun(module.__name__, (numeric("cybenko1989", "c", 0.0, "<=", 1.0),), 0.0))
    assert mathai.verify("cybenko1989", small=True).holds
    from numerics.universal_approximation import cybenko, polynomial_activation

    assert seen == [cybenko.Config.small(), polynomial_activation.Config.small()]


def test_a_failing_report_lists_its_failures_first(monkeypatch):
    fake(monkeypatch, 2.0)
    report = mathai.verify("frobenius")
    assert not report.holds and [c.claim for c in report.failures] == ["a bound"]
    page = report._repr_html_()
    assert "FAILS" in page and page.index("Failing checks") > page.index("frobenius")


def test_verify_refuses_a_bad_seed_before_any_work(monkeypatch):
    monkeypatch.setattr(registry, "numeric_runs", lambda t, seed, controls=False: pytest.fail("work started"))
    for seed in (-1, 2**32, 1.5, True):
        with pytest.raises(ValueError, match="seed must be an integer"):
            mathai.verify("frobenius", seed=seed)


def test_the_default_verify_table_is_short(monkeypatch, capsys):
    fake(monkeypatch, 0.5)
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")
    assert cli.main(["verify"]) == cli.EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) <= 30 and any("frobenius" in line for line in lines)


THIRD_PARTY = {
    "toy_theorem/__init__.py": "",
    "toy_theorem/statement.py": '''
        import sympy as sp
        from theorems.core import Reference, Theorem, prove_equal

        x = sp.Symbol("x", positive=True)


        def prove_square():
            return prove_equal("toy2026", "(x + 1)^2 = x^2 + 2x + 1", (x + 1) ** 2, x**2 + 2 * x + 1)


        THEOREM = Theorem(id="toy2026", title="A toy identity", module="toy_theorem.statement",
                          reference=Reference("toy2026", ("A. Author",), 2026, "A toy", "Nowhere"),
                          statement=sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1), assumptions=("$x > 0$",),
                          proofs=(prove_square,), experiments=("toy_theorem.experiment",))
    ''',
    "toy_theorem/experiment.py": '''
        from dataclasses import dataclass

        import numpy as np
        from theorems.core import numeric

        ID = "toy2026"


        @dataclass(frozen=True)
        class Config:
            x: float = 3.0

            @classmethod
            def small(cls):
                return cls(x=2.0)


        @dataclass(frozen=True)
        class Result:
            gap: np.ndarray


        def experiment(config, key):
            """Deterministic: the key is unused."""
            return Result(gap=np.asarray(abs((config.x + 1) ** 2 - (config.x**2 + 2 * config.x + 1))))


        def checks(result, config):
            return [numeric(ID, "|(x+1)^2 - expansion|", float(result.gap), "<=", 0.0)]
    ''',
    "toy_theorem-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: toy-theorem\nVersion: 0.1\n",
    "toy_theorem-0.1.dist-info/entry_points.txt": "[mathai.theorems]\ntoy = toy_theorem.statement\n",
    "broken_theorem-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: broken-theorem\nVersion: 0.1\n",
    "broken_theorem-0.1.dist-info/entry_points.txt": "[mathai.theorems]\nbroken = broken_theorem_missing.x\n",
}


@pytest.fixture
def third_party(tmp_path, monkeypatch):
    """A package with a theorem and a broken one, installed only as *.dist-info folders on sys.path."""
    for name, text in THIRD_PARTY.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    theorem_registry.all_theorems.cache_clear()
    yield tmp_path
    theorem_registry.all_theorems.cache_clear()
    for name in [m for m in sys.modules if m.startswith("toy_theorem")]:
        del sys.modules[name]


def test_a_third_party_theorem_is_listed_and_verified_and_a_broken_one_is_one_warning(third_party, capsys):
    with pytest.warns(UserWarning, match=r"package 'broken-theorem' \(broken_theorem_missing.x\) not loaded"):
        ids = [t.id for t in mathai.theorems()]
    assert "toy2026" in ids and "frobenius" in ids
    report = mathai.verify("toy2026")
    assert report.holds and report["toy2026"].count("symbolic") == (1, 1)
    assert report["toy2026"].count("numeric") == (1, 1)
    assert cli.main(["list"]) == cli.EXIT_OK and "toy2026" in capsys.readouterr().out
    assert any(Path(f).name == "experiment.py" for f in theorem_registry.module_files(mathai.get("toy2026")))
