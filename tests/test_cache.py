"""The on-disk cache of experiment results: keyed by config, seed and source; never trusts a bad file; no pickle."""

from __future__ import annotations

import importlib
import json
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
    with pytest.warns(UserWarning, match="unusable"):
        result = load(module, tmp_path)
    assert len(module.CALLS) == 2 and result.values[2] == 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the recomputed entry is sound again
        load(module, tmp_path)
    assert len(module.CALLS) == 2


def rewrite(path, header_change=None, **arrays):
    """Rewrite the entry at ``path`` keeping its header (changed by ``header_change``) but with ``arrays``."""
    with np.load(path, allow_pickle=False) as data:
        header = json.loads(str(data[cache.HEADER]))
        kept = {name: data[name] for name in data.files if name != cache.HEADER}
    (header_change or (lambda h: None))(header)
    kept.update(arrays)
    with open(path, "wb") as handle:
        np.savez(handle, **kept, **{cache.HEADER: np.array(json.dumps(header))})


def test_a_file_missing_a_field_is_not_trusted(module, tmp_path):
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    with np.load(path, allow_pickle=False) as data:
        header = data[cache.HEADER]
    with open(path, "wb") as handle:
        np.savez(handle, values=np.zeros(3), **{cache.HEADER: header})
    with pytest.warns(UserWarning, match="missing fields"):
        load(module, tmp_path)
    assert len(module.CALLS) == 2


def test_an_entry_without_a_header_is_recomputed(module, tmp_path):
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    with open(path, "wb") as handle:
        np.savez(handle, values=np.zeros(3), total=np.zeros(()))
    with pytest.warns(UserWarning, match="no header"):
        result = load(module, tmp_path)
    assert len(module.CALLS) == 2 and result.values[2] == 2.0


def test_arrays_of_the_wrong_shape_or_dtype_are_recomputed_not_used(module, tmp_path):
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    for bad in (np.zeros(5), np.zeros(3, dtype=np.int32)):
        rewrite(path, values=bad)
        with pytest.warns(UserWarning, match="its header says"):
            result = load(module, tmp_path)
        assert result.values.shape == (3,) and result.values.dtype == np.float64
    assert len(module.CALLS) == 3


@pytest.mark.parametrize("field, value", [("config", "Config(size=4)"), ("seed", 5), ("key", "0" * 32)])
def test_an_entry_whose_header_names_another_run_is_not_reused(module, tmp_path, field, value):
    """Another config's (or seed's) values under this key are caught by the header, never used silently."""
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    rewrite(path, header_change=lambda header: header.update({field: value}), values=np.full(3, 7.0))
    with pytest.warns(UserWarning, match=f"header's {field}"):
        result = load(module, tmp_path)
    assert result.values[1] == 1.0 and len(module.CALLS) == 2


def test_an_unwritable_cache_keeps_the_computed_result(module, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    with pytest.warns(UserWarning, match="could not write cache entry"):
        result = load(module, blocked)
    assert result.values[2] == 2.0


CONCURRENT = """
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mathai import cache


@dataclass
class Result:
    values: np.ndarray
    total: np.ndarray


path, role, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
bad = 0
for i in range(count):
    arrays = {"values": np.full(1000, float(i)), "total": np.asarray(1000.0 * i)}
    header = {"experiment": "e", "config": "c", "seed": 0, "key": "k",
              "arrays": {n: {"shape": list(a.shape), "dtype": a.dtype.str} for n, a in arrays.items()}}
    try:
        if role == "write":
            cache.save_entry(path, header, arrays)
        else:
            result = cache.load_entry(path, Result, header)
            bad += float(result.total) != 1000.0 * float(result.values[0])  # a torn entry mixes two saves
    except Exception:
        bad += 1
print(bad)
"""


def test_concurrent_writers_and_readers_leave_one_intact_entry(tmp_path):
    """Two processes saving the same key while a third reads it: no failed save, no torn or failed read."""
    import subprocess
    import sys as system

    path, script = tmp_path / "entry.npz", tmp_path / "stress.py"
    script.write_text(CONCURRENT)
    first = subprocess.run([system.executable, str(script), str(path), "write", "1"], capture_output=True, text=True)
    assert first.stdout.strip() == "0", first.stderr
    roles = [("write", 150), ("write", 150), ("read", 300)]
    runs = [subprocess.Popen([system.executable, str(script), str(path), role, str(n)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for role, n in roles]
    outputs = [run.communicate() for run in runs]
    assert [out.strip() for out, _ in outputs] == ["0", "0", "0"], [err for _, err in outputs]
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_editing_a_shared_helper_changes_the_key_of_every_dependent(tmp_path):
    """The key covers every project module an experiment imports, transitively: a copy of the packages with one
    shared helper edited gives the dependent experiment another digest, and an independent one the same."""
    import shutil
    import subprocess
    import sys as system

    root = Path(__file__).resolve().parent.parent
    for package in ("theorems", "numerics"):
        shutil.copytree(root / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    code = ("from mathai import cache; import sys; "
            "print(cache.sources_digest('numerics.frobenius')); "
            "print('numerics.measure' in cache.dependencies('numerics.frobenius'))")

    def digest():
        done = subprocess.run([system.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                              env={**__import__("os").environ, "PYTHONPATH": str(tmp_path)}, check=True)
        return done.stdout.split()

    before, depends = digest()
    assert depends == "True"
    helper = tmp_path / "numerics" / "measure.py"
    helper.write_text(helper.read_text() + "\n# an edit\n")
    assert digest()[0] != before


def test_entries_are_loaded_without_pickle(module, tmp_path):
    """An entry that needs unpickling (an object array) is refused, not executed, and recomputed."""
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    with open(path, "wb") as handle:
        np.savez(handle, values=np.array([{"a": 1}], dtype=object), total=np.zeros(()))
    with pytest.warns(UserWarning, match="unusable"):
        result = load(module, tmp_path)
    assert result.values.dtype == np.float64 and len(module.CALLS) == 2


def test_written_entries_need_no_pickle(module, tmp_path):
    load(module, tmp_path)
    (path,) = entries(tmp_path)
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == [cache.HEADER, "total", "values"]
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


