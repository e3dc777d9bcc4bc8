"""The figures are drawn from committed data (mathai/figures/data.py): read whatever the cache says, rewritten only by
``--update``, and compared with a recomputation by ``--check`` within each result's stated tolerance."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from mathai import cli
from mathai.figures import data as figure_data

ROOT = Path(__file__).resolve().parents[1]
SMALL = dict(shapes=((2, 2), (4, 4)), dtypes=("float32", "float64"), batch=2)


@pytest.fixture
def small_frobenius(monkeypatch, tmp_path):
    """The Frobenius figure at a tiny config, with its own cache; returns (figures dir, data dir)."""
    from mathai.figures import frobenius as frobenius_figures
    from numerics import frobenius

    monkeypatch.setattr(frobenius_figures, "CONFIG", frobenius.Config(**SMALL))
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")
    monkeypatch.setenv("MATHAI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "figures", tmp_path / "data"


def figures(capsys, *args) -> int:
    status = cli.main(["figures", "frobenius", *args])
    capsys.readouterr()
    return status


def test_figures_are_drawn_from_the_data_without_recomputing(small_frobenius, monkeypatch, capsys):
    out, data = small_frobenius
    assert figures(capsys, "--out", str(out), "--data", str(data)) == cli.EXIT_OK  # no data yet: computed, written
    assert list(data.glob("frobenius/*.npz"))
    drawn = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "VERSIONS.json").unlink()
    monkeypatch.setenv("MATHAI_CACHE_DIR", str(out.parent / "another-cache"))
    monkeypatch.setattr(figure_data, "cached", lambda *a, **k: pytest.fail("recomputed instead of reading the data"))
    assert figures(capsys, "--out", str(out), "--data", str(data)) == cli.EXIT_OK
    again = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "VERSIONS.json" not in again  # drawing from data records no new provenance
    assert again == {name: b for name, b in drawn.items() if name != "VERSIONS.json"}


def test_check_passes_on_the_same_data_and_names_a_result_that_moved(small_frobenius, capsys):
    from numerics import frobenius

    out, data = small_frobenius
    assert figures(capsys, "--out", str(out), "--data", str(data)) == cli.EXIT_OK
    assert figures(capsys, "--check", "--data", str(data)) == cli.EXIT_OK
    (path,) = data.glob("frobenius/*.npz")
    config = frobenius.Config(**SMALL)
    stored = figure_data.read(path, frobenius.experiment, config, 0, frobenius.Result)
    moved = dataclasses.replace(stored, ratio=stored.ratio + 2.0)  # beyond the rounding tolerance (the bound, 1)
    figure_data.write(path, frobenius.experiment, config, 0, moved)
    status = cli.main(["figures", "frobenius", "--check", "--data", str(data)])
    printed = capsys.readouterr().out
    assert status == cli.EXIT_FAILED and path.name in printed and "ratio" in printed


def test_update_rewrites_the_data_and_check_and_update_together_are_refused(small_frobenius, capsys):
    out, data = small_frobenius
    assert figures(capsys, "--out", str(out), "--data", str(data), "--update") == cli.EXIT_OK
    (path,) = data.glob("frobenius/*.npz")
    path.write_bytes(b"damaged")
    assert figures(capsys, "--out", str(out), "--data", str(data), "--update") == cli.EXIT_OK
    assert path.read_bytes() != b"damaged"
    assert cli.main(["figures", "frobenius", "--check", "--update"]) == cli.EXIT_USAGE


@dataclasses.dataclass(frozen=True)
class Pair:
    x: np.ndarray
    n: np.ndarray


def test_moved_compares_floats_within_tolerance_and_integers_exactly():
    tolerance = figure_data.Tolerance(rtol=1e-3, atol=0.0, why="test")
    old = Pair(x=np.array([1.0, np.nan, 2.0]), n=np.array([3, 4]))
    assert figure_data.moved(Pair(x=np.array([1.0005, np.nan, 2.0]), n=np.array([3, 4])), old, tolerance) == []
    assert figure_data.moved(Pair(x=np.array([1.01, np.nan, 2.0]), n=np.array([3, 4])), old, tolerance)
    assert figure_data.moved(Pair(x=np.array([1.0, 0.0, 2.0]), n=np.array([3, 4])), old, tolerance)  # NaN gone
    assert figure_data.moved(Pair(x=old.x, n=np.array([3, 5])), old, tolerance)


def test_moved_counts_values_singular_to_working_precision_on_both_sides_as_the_same():
    """A condition number of a singular matrix comes out inf, 1e17 or 1e26 by the rounding: all the same result."""
    tolerance = figure_data.Tolerance(rtol=1e-3, atol=0.0, why="test")
    old = Pair(x=np.array([np.inf, 1e26, 1.0]), n=np.array([3]))
    assert figure_data.moved(Pair(x=np.array([1e17, np.inf, 1.0]), n=np.array([3])), old, tolerance) == []
    assert figure_data.moved(Pair(x=np.array([1e12, np.inf, 1.0]), n=np.array([3])), old, tolerance)  # 1e12 is not
    assert figure_data.moved(Pair(x=np.array([-np.inf, np.inf, 1.0]), n=np.array([3])), old, tolerance)  # sign


def test_every_plotted_experiment_module_states_its_tolerance():
    from mathai import figures
    from numerics import registry
    from theorems import all_theorems

    plotted = {name for t in all_theorems() if figures.registry().get(t.id) for name in registry.module_names(t)}
    missing = plotted - set(figure_data.TOLERANCES)
    assert not missing, f"no tolerance stated for {sorted(missing)}"


@pytest.mark.skipif(not any((Path(__file__).resolve().parents[1] / "paper" / "data").glob("*/*.npz")),
                    reason="paper/data is not committed yet (issue 21: `mathai figures --update`)")
def test_every_figure_draws_from_committed_data_with_no_raw_underscore_in_its_text(monkeypatch):
    """Each committed figure redraws from paper/data alone (no experiment runs), and none of its text objects
    shows a raw underscore outside math (matplotlib prints ``_`` literally; labels are meant to be typeset)."""
    import re

    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from mathai import figures

    monkeypatch.setattr(figure_data, "cached", lambda *a, **k: pytest.fail("no committed data for this figure"))
    raw = []
    with plt.rc_context(figures.STYLE):
        for theorem_id, functions in figures.registry().items():
            load = figure_data.Loader(theorem_id, ROOT / "paper" / "data", 0, "draw")
            for function in functions:
                figure = function(load)
                texts = [t.get_text() for t in figure.findobj(Text)]
                plt.close(figure)
                raw += [f"{function.__name__}: {text!r}" for text in texts
                        if "_" in re.sub(r"\$[^$]*\$", "", text)]
    assert not raw
