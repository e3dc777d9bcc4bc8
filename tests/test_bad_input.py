"""Bad input is refused early and clearly: one line naming the value and what is allowed, exit 2, before any work.

The command line here; the cache's bad entries in tests/test_cache.py.
"""

from __future__ import annotations

import json

import pytest

from mathai import cli
from theorems.core import numeric


@pytest.fixture(autouse=True)
def _no_persistent_compilation_cache(monkeypatch):
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("seed", [" 5", "5 ", "1_000", "+5", "-1", "0x10", "٣", "5.0", "", str(2**32)])
def test_a_seed_is_plain_ascii_decimal_in_range(capsys, seed):
    status, _, err = run(capsys, "verify", "frobenius", "--seed", seed)
    assert status == cli.EXIT_USAGE and "seed" in err and len(err.strip().splitlines()) == 1


def test_an_id_named_twice_or_by_its_alias_runs_once(capsys, monkeypatch):
    from numerics import registry

    runs = []
    monkeypatch.setattr(registry, "symbolic_checks", lambda theorem: iter(()))
    monkeypatch.setattr(registry, "numeric_runs", lambda theorem, seed, controls=False, small=False: runs.append(
        theorem.id) or [registry.NumericRun("m", (numeric(theorem.id, "c", 0.0, "<=", 1.0),), 0.0)])
    status, out, _ = run(capsys, "verify", "frobenius", "trace-identity", "frobenius", "--json")
    assert status == cli.EXIT_OK and runs == ["frobenius"]
    assert [t["id"] for t in json.loads(out)["theorems"]] == ["frobenius"]


@pytest.mark.parametrize("command", ["figures", "bench"])
def test_an_output_path_that_cannot_be_a_directory_is_refused_before_any_work(capsys, monkeypatch, tmp_path,
                                                                               command):
    import mathai.figures

    monkeypatch.setattr(mathai.figures, "render", lambda *a, **k: pytest.fail("work started"))
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for out in ("", str(a_file), str(a_file / "below")):
        status, _, err = run(capsys, command, "frobenius", "--out", out)
        assert status == cli.EXIT_USAGE and "--out" in err and len(err.strip().splitlines()) == 1, (out, err)


def test_a_late_write_failure_says_that_the_results_are_kept_in_the_cache(capsys, monkeypatch, tmp_path):
    import mathai.figures

    def full_disk(theorem_id, directory, **options):
        raise OSError(28, "No space left on device", str(directory / "figure.png"))

    monkeypatch.setattr(mathai.figures, "render", full_disk)
    monkeypatch.setenv("MATHAI_CACHE_DIR", str(tmp_path / "cache"))
    status, _, err = run(capsys, "figures", "frobenius", "--out", str(tmp_path / "figures"), "--data",
                         str(tmp_path / "data"))
    assert status == cli.EXIT_FAILED and "figure.png" in err and "kept in the cache" in err
    assert "Traceback" not in err


def test_paper_refuses_an_unwritable_output_before_any_work(capsys, monkeypatch, tmp_path):
    from mathai import paper

    monkeypatch.setattr(paper, "make", lambda *a, **k: pytest.fail("work started"))
    (tmp_path / "main.tex").write_text("")
    (tmp_path / "figures").write_text("")  # a file where the figures directory goes
    status, _, err = run(capsys, "paper", "--out", str(tmp_path), "--docs", str(tmp_path / "docs"))
    assert status == cli.EXIT_USAGE and "figures directory" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "figures").unlink()
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    status, _, err = run(capsys, "paper", "--out", str(tmp_path), "--docs", str(a_file))
    assert status == cli.EXIT_USAGE and "--docs" in err and len(err.strip().splitlines()) == 1


def test_an_unusable_cache_directory_is_refused_before_any_work(capsys, monkeypatch, tmp_path):
    import mathai.figures

    monkeypatch.setattr(mathai.figures, "render", lambda *a, **k: pytest.fail("work started"))
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    monkeypatch.setenv("MATHAI_CACHE_DIR", str(a_file))
    status, _, err = run(capsys, "figures", "frobenius", "--out", str(tmp_path / "figures"), "--data",
                         str(tmp_path / "data"))
    assert status == cli.EXIT_USAGE and "cache directory" in err


def test_ctrl_c_ends_with_one_line_and_exit_130(capsys, monkeypatch):
    from numerics import registry

    def interrupted(theorem, seed, controls=False, small=False):
        raise KeyboardInterrupt

    monkeypatch.setattr(registry, "numeric_runs", interrupted)
    status, _, err = run(capsys, "verify", "frobenius", "--json")
    assert status == cli.EXIT_INTERRUPTED == 130 and err.strip() == "mathai: interrupted"
