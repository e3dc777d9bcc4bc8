"""Experiment results on disk, so that restyling a figure does not rerun (or retrain) an experiment.

A result is a dataclass of arrays. It is stored as one ``.npz`` file (loaded with ``allow_pickle=False``: never
pickle) that holds the arrays and, beside them, a JSON header: the experiment, its config (the dataclass repr), the
seed, the key, and the shape and dtype of every array. One atomic rename publishes arrays and header together.

The key hashes the experiment's name, config and seed, the versions of JAX, NumPy and SymPy, and the source of the
experiment's module and of every project module (``theorems.*``, ``numerics.*``) it imports, transitively, found by
reading their ``import`` statements: editing a shared helper (``numerics/remez.py``, ``theorems/rounding.py``)
invalidates every entry that depends on it. The package version does not enter the key, since it does not change
between commits.

Loading trusts nothing: an entry that cannot be read, whose header does not match the request (another config,
seed or key), or whose arrays do not match their header or the Result's fields, is reported with a warning and
recomputed, never a crash and never a silent reuse. Writers use a unique temporary name, so two processes writing
the same key leave one intact entry.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import importlib.util
import json
import os
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any, Callable

import numpy as np

PROJECT_PACKAGES = ("theorems", "numerics")
HEADER = "__header__"


def default_directory() -> Path:
    """``$MATHAI_CACHE_DIR``, else ``$XDG_CACHE_HOME/mathai``, else ``~/.cache/mathai``."""
    if "MATHAI_CACHE_DIR" in os.environ:
        return Path(os.environ["MATHAI_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mathai"


def _origin(name: str) -> str | None:
    """The source file of module ``name``, or None if it is not a module with a source file."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None and spec.origin and spec.origin.endswith(".py") else None


def _imported_names(source: str, package: str) -> set[str]:
    """Every dotted name an ``import`` statement of ``source`` may load (``from a import b``: ``a`` and ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _in_project(name: str) -> bool:
    return name.split(".")[0] in PROJECT_PACKAGES


@cache
def dependencies(module_name: str) -> tuple[str, ...]:
    """``module_name`` and every project module it imports, transitively (with their parent packages), sorted."""
    seen: set[str] = set()
    pending = [module_name]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        origin = _origin(name)
        if origin is None:
            continue
        seen.add(name)
        parts = name.split(".")
        pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages run on import
        package = name if origin.endswith("__init__.py") else name.rpartition(".")[0]
        source = Path(origin).read_text()
        pending.extend(n for n in _imported_names(source, package) if _in_project(n))
    return tuple(sorted(seen))


def sources_digest(module_name: str) -> str:
    """SHA-256 of the sources of :func:`dependencies`, each under its name."""
    digest = hashlib.sha256()
    for name in dependencies(module_name):
        digest.update(name.encode() + b"\0" + Path(_origin(name)).read_bytes() + b"\0")
    return digest.hexdigest()


def library_versions() -> str:
    import jax
    import sympy

    return f"jax {jax.__version__}, numpy {np.__version__}, sympy {sympy.__version__}"


def key(experiment: Callable, config: Any, seed: int) -> str:
    """The cache key: a SHA-256 of the experiment's name, config, seed, library versions and sources."""
    digest = hashlib.sha256()
    for part in (f"{experiment.__module__}.{experiment.__qualname__}", repr(config), str(seed), library_versions(),
                 sources_digest(experiment.__module__)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def result_arrays(result) -> dict[str, np.ndarray]:
    """A Result's fields as NumPy arrays, by name."""
    return {f.name: np.asarray(getattr(result, f.name)) for f in dataclasses.fields(result)}


def request(experiment: Callable, config: Any, seed: int, entry_key: str) -> dict:
    """What an entry's header must say to be the result of ``experiment(config, key(seed))`` under ``entry_key``."""
    return {"experiment": f"{experiment.__module__}.{experiment.__qualname__}", "config": repr(config),
            "seed": seed, "key": entry_key}


def entry_header(experiment: Callable, config: Any, seed: int, entry_key: str, arrays: dict[str, np.ndarray]) -> dict:
    return {**request(experiment, config, seed, entry_key),
            "arrays": {name: {"shape": list(a.shape), "dtype": a.dtype.str} for name, a in arrays.items()}}


def write_atomically(path: Path, write: Callable[[Any], None], mode: str = "wb") -> None:
    """Call ``write(file)`` on a unique temporary file beside ``path``, then rename it into place: readers see the
    old file or the whole new one, and two writers leave one intact file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, mode) as file:
            write(file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_entry(path: Path, header: dict, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays and header together (:func:`write_atomically`)."""
    write_atomically(path, lambda file: np.savez(file, **arrays,
                                                 **{HEADER: np.array(json.dumps(header, sort_keys=True))}))


def load_entry(path: Path, result_type: type, expected: dict) -> Any:
    """The Result stored at ``path``; ``ValueError`` saying what is wrong when anything does not match."""
    with np.load(path, allow_pickle=False) as data:
        if HEADER not in data.files:
            raise ValueError("no header (written by an older mathai)")
        header = json.loads(str(data[HEADER]))
        for field in ("experiment", "config", "seed", "key"):
            if header.get(field) != expected[field]:
                raise ValueError(f"its header's {field} is {header.get(field)!r}, not {expected[field]!r}")
        names = [f.name for f in dataclasses.fields(result_type)]
        missing = set(names) - set(data.files)
        if missing:
            raise ValueError(f"missing fields {sorted(missing)}")
        arrays = {name: data[name] for name in names}
    for name, array in arrays.items():
        stored = header["arrays"].get(name)
        if stored != {"shape": list(array.shape), "dtype": array.dtype.str}:
            raise ValueError(f"array {name} is {array.dtype.str}{list(array.shape)}, its header says {stored}")
    return result_type(**arrays)


def entry_path(experiment: Callable, entry_key: str, directory: Path | None = None) -> Path:
    """Where the entry of ``experiment`` under ``entry_key`` lives."""
    directory = Path(directory) if directory is not None else default_directory()
    return directory / "results" / f"{experiment.__module__.removeprefix('numerics.')}-{entry_key}.npz"


def cached(experiment: Callable, config: Any, seed: int, result_type: type, *, fresh: bool = False,
           directory: Path | None = None) -> Any:
    """``experiment(config, jax.random.key(seed))``, from disk when a matching entry exists.

    ``fresh=True`` ignores (and overwrites) the entry. A bad entry is reported with a warning and recomputed. When
    the entry cannot be written, the computed result is still returned, with a warning naming the path.
    """
    import jax

    entry_key = key(experiment, config, seed)
    path = entry_path(experiment, entry_key, directory)
    expected = request(experiment, config, seed, entry_key)
    if path.exists() and not fresh:
        try:
            return load_entry(path, result_type, expected)
        except Exception as error:  # noqa: BLE001 (any bad file is recomputed, and said so)
            warnings.warn(f"cache entry {path} is unusable ({error}); recomputing", stacklevel=2)
    result = experiment(config, jax.random.key(seed))
    arrays = result_arrays(result)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_entry(path, entry_header(experiment, config, seed, entry_key, arrays), arrays)
    except OSError as error:
        warnings.warn(f"could not write cache entry {path} ({error}); the result is used but not kept",
                      stacklevel=2)
    return result


def writable_directory(path: Path) -> str | None:
    """None when ``path`` is (or can be created as) a writable directory; else a sentence saying why not."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return f"{path} exists and is not a directory"
    except OSError as error:
        return f"{path} cannot be created ({error.strerror or error})"
    if not path.is_dir():
        return f"{path} is not a directory"
    try:
        handle, probe = tempfile.mkstemp(prefix=".mathai-write-probe.", dir=path)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        return f"{path} is not writable ({error.strerror or error})"
    return None
