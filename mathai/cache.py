"""Experiment results on disk, so that restyling a figure does not rerun (or retrain) an experiment.

A result is a frozen dataclass of arrays. It is stored as ``.npz`` (loaded with ``allow_pickle=False``: never
pickle) beside a small JSON header, under a key that hashes the experiment's name, its config (the dataclass repr),
the seed, and the source code of the experiment's module and of the statement module it checks. Editing the
experiment or its statement therefore invalidates the entry; the package version does not enter the key, since it
does not change between commits. A file that cannot be read back is reported (a warning) and recomputed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np


def default_directory() -> Path:
    """``$MATHAI_CACHE_DIR``, else ``$XDG_CACHE_HOME/mathai``, else ``~/.cache/mathai``."""
    if "MATHAI_CACHE_DIR" in os.environ:
        return Path(os.environ["MATHAI_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mathai"


def _module_sources(experiment: Callable) -> str:
    module = sys.modules[experiment.__module__]
    sources = [inspect.getsource(module)]
    statement = sys.modules.get(experiment.__module__.replace("numerics.", "theorems.", 1))
    if statement is not None and statement is not module:
        sources.append(inspect.getsource(statement))
    return "\n".join(sources)


def key(experiment: Callable, config: Any, seed: int) -> str:
    """The cache key: a SHA-256 of the experiment's name, config, seed and sources."""
    digest = hashlib.sha256()
    for part in (f"{experiment.__module__}.{experiment.__qualname__}", repr(config), str(seed),
                 _module_sources(experiment)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _save(path: Path, result: Any) -> None:
    arrays = {f.name: np.asarray(getattr(result, f.name)) for f in dataclasses.fields(result)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def _load(path: Path, result_type: type) -> Any:
    with np.load(path, allow_pickle=False) as data:
        names = [f.name for f in dataclasses.fields(result_type)]
        missing = set(names) - set(data.files)
        if missing:
            raise ValueError(f"missing fields {sorted(missing)}")
        return result_type(**{name: data[name] for name in names})


def cached(experiment: Callable, config: Any, seed: int, result_type: type, *, fresh: bool = False,
           directory: Path | None = None) -> Any:
    """``experiment(config, jax.random.key(seed))``, from disk when an entry with the same key exists.

    ``fresh=True`` ignores (and overwrites) the entry. A corrupt entry is reported with a warning and recomputed.
    """
    import jax

    directory = Path(directory) if directory is not None else default_directory()
    name = experiment.__module__.split(".")[-1]
    path = directory / "results" / f"{name}-{key(experiment, config, seed)}.npz"
    if path.exists() and not fresh:
        try:
            return _load(path, result_type)
        except Exception as error:  # noqa: BLE001 (any unreadable file is recomputed, and said so)
            warnings.warn(f"cache entry {path} is unreadable ({error}); recomputing", stacklevel=2)
    result = experiment(config, jax.random.key(seed))
    _save(path, result)
    (path.with_suffix(".json")).write_text(json.dumps({"experiment": f"{experiment.__module__}.{experiment.__name__}",
                                                       "config": repr(config), "seed": seed}, indent=1))
    return result
