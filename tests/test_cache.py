"""The on-disk cache of experiment results: keyed by config, seed and source; never trusts a bad file; no pickle."""

from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from mathai import cache

EXPERIMENT_SOURCE = '''
from dataclasses import dataclass

import numpy as np

CALLS = []


@dataclass(frozen=True)
class Config:
    size: int = 3


@dataclass(frozen=True)
class Result:
    values: np.ndarray
    total: np.ndarray


def experiment(config, key):
    CALLS.append(config)
    values = np.arange(config.size, dtype=np.float64) * {scale}
    return Result(values=values, total=np.asarray(values.sum()))
'''


@pytest.fixture
def module(tmp_path, monkeypatch):
    """A throwaway experiment module on disk, so that its source can be edited between calls."""
    package = tmp_path / "src"
    package.mkdir()
    monkeypatch.syspath_prepend(str(package))
    name = f"cache_probe_{abs(hash(tmp_path)) % 10**8}"
    path = package / f"{name}.py"
    path.write_text(EXPERIMENT_SOURCE.format(scale=1.0))
    loaded = importlib.import_module(name)
    yield loaded
    sys.modules.pop(name, None)


def load(module, directory, config=None, seed=0, fresh=False):
    config = config or module.Config()
    return cache.cached(module.experiment, config, seed, module.Result, fresh=fresh, directory=directory)


def entries(directory: Path) -> list[Path]:
    return sorted((directory / "results").glob("*.npz"))


def test_second_call_reads_the_cache_instead_of_recomputing(module, tmp_path):
    first = load(module, tmp_path)
    second = load(module, tmp_path)
    assert len(module.CALLS) == 1
    np.testing.assert_array_equal(first.values, second.values)
    assert isinstance(second, module.Result) and len(entries(tmp_path)) == 1


def test_a_different_config_or_seed_is_a_different_entry(module, tmp_path):
    load(module, tmp_path)
    load(module, tmp_path, config=module.Config(size=4))
    load(module, tmp_path, seed=1)
    assert len(module.CALLS) == 3 and len(entries(tmp_path)) == 3
    assert len({cache.key(module.experiment, c, s) for c, s in
                [(module.Config(), 0), (module.Config(size=4), 0), (module.Config(), 1)]}) == 3


def test_editing_the_experiment_source_invalidates_the_entry(module, tmp_path):
    before = cache.key(module.experiment, module.Config(), 0)
    load(module, tmp_path)
    Path(module.__file__).write_text(EXPERIMENT_SOURCE.format(scale=2.0))
    edited = importlib.reload(module)
    assert cache.key(edited.experiment, edited.Config(), 0) != before
    result = load(edited, tmp_path)
    assert edited.CALLS and result.values[1] == 2.0


def test_fresh_ignores_the_cache_and_overwrites_it(module, tmp_path):
    load(module, tmp_path)
    load(module, tmp_path, fresh=True)
    assert len(module.CALLS) == 2 and len(entries(tmp_path)) == 1


def test_corrupt_file_is_reported_and_recomputed(module, tmp_path):
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    path.write_bytes(b"this is not an npz file")
    with pytest.warns(UserWarning, match="unreadable"):
        result = load(module, tmp_path)
    assert len(module.CALLS) == 2 and result.values[2] == 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the recomputed entry is sound again
        load(module, tmp_path)
    assert len(module.CALLS) == 2


def test_a_file_missing_a_field_is_not_trusted(module, tmp_path):
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    np.savez(path, values=np.zeros(3))
    with pytest.warns(UserWarning, match="missing fields"):
        load(module, tmp_path)
    assert len(module.CALLS) == 2


def test_entries_are_loaded_without_pickle(module, tmp_path):
    """An entry that needs unpickling (an object array) is refused, not executed, and recomputed."""
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    with open(path, "wb") as handle:
        np.savez(handle, values=np.array([{"a": 1}], dtype=object), total=np.zeros(()))
    with pytest.warns(UserWarning, match="unreadable"):
        result = load(module, tmp_path)
    assert result.values.dtype == np.float64 and len(module.CALLS) == 2


def test_written_entries_need_no_pickle(module, tmp_path):
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == ["total", "values"]
        assert all(data[name].dtype != object for name in data.files)


def test_default_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MATHAI_CACHE_DIR", str(tmp_path / "here"))
    assert cache.default_directory() == tmp_path / "here"
    monkeypatch.delenv("MATHAI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_directory() == tmp_path / "xdg" / "mathai"


def test_key_does_not_depend_on_the_package_version(module, monkeypatch):
    import mathai

    before = cache.key(module.experiment, module.Config(), 0)
    monkeypatch.setattr(mathai, "__version__", "99.0")
    assert cache.key(module.experiment, module.Config(), 0) == before


