"""The paper's figures: one plotting function per figure, byte-reproducible.

Each module ``mathai/figures/<name>.py`` defines ``FIGURES = {theorem_id: (figure_function, ...)}``. A figure
function takes a ``load(experiment, config, result_type)`` callable (which runs the experiment through the on-disk
cache of :mod:`mathai.cache`) and returns a matplotlib Figure; it plots and never computes with JAX itself. Its name
is the figure's file name.

Same seed, same package versions, same machine: same bytes. The Agg backend, fixed rcParams (DejaVu Sans, which
matplotlib ships), PDF metadata without dates, PNG metadata without the software line, and ``svg.hashsalt`` fixed.
The versions that made the figures are written beside them in ``VERSIONS.json``.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import platform
from functools import cache
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 9,
    "figure.figsize": (5.0, 3.2),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "svg.hashsalt": "mathai",
    "pdf.fonttype": 42,
    "axes.grid": True,
    "grid.alpha": 0.3,
}


@cache
def registry() -> dict[str, tuple[Callable, ...]]:
    """theorem id -> its figure functions, from every module of this package that defines FIGURES."""
    found: dict[str, tuple[Callable, ...]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for theorem_id, functions in getattr(module, "FIGURES", {}).items():
            found[theorem_id] = found.get(theorem_id, ()) + tuple(functions)
    return found


def save(figure, name: str, directory: Path) -> list[Path]:
    """Write ``name.pdf`` and ``name.png`` with no timestamps or other varying metadata; close the figure."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.pdf", directory / f"{name}.png"]
    figure.savefig(paths[0], metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None})
    figure.savefig(paths[1], metadata={"Software": None})
    plt.close(figure)
    return paths


THREAD_VARIABLES = ("XLA_FLAGS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _cpu_model() -> str:
    """The processor's model name from /proc/cpuinfo (Linux), '' where there is none."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.split(":")[0].strip() in ("model name", "Model", "cpu model"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def versions() -> dict[str, str]:
    """The library versions and machine type that decide a figure's bytes (the paper prints these)."""
    import jax
    import numpy
    import sympy

    from mathai import __version__

    return {"mathai": __version__, "python": platform.python_version(), "jax": jax.__version__,
            "numpy": numpy.__version__, "sympy": sympy.__version__, "matplotlib": matplotlib.__version__,
            "machine": platform.machine()}


def provenance() -> dict[str, str]:
    """What a recomputed figure's bytes depend on (``VERSIONS.json``): :func:`versions`, the processor, the thread
    settings (CPU count, the CPUs this process may run on, XLA's and the BLAS libraries' thread variables) and
    JAX's backend. Kept apart from :func:`versions` so that the paper's text does not change with the session's
    CPU affinity."""
    import jax

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {**versions(), "processor": platform.processor(), "cpu_model": _cpu_model(),
            "cpu_count": str(os.cpu_count()), "cpu_affinity": str(affinity), "jax_backend": jax.default_backend(),
            **{name: os.environ.get(name, "") for name in THREAD_VARIABLES}}


def render(theorem_id: str, directory: Path, seed: int = 0, fresh: bool = False, cache_directory: Path | None = None,
           data: Path | None = None, mode: str | None = None,
           progress: Callable[[str], None] | None = None) -> list[Path]:
    """Draw every figure of ``theorem_id`` into ``directory``; returns the files written.

    The results come through :class:`mathai.figures.data.Loader`: from the committed data under ``data`` (default
    ``directory/../data``) in mode ``draw`` (the default; ``fresh=True`` means mode ``fresh``), recomputed into the
    data in mode ``update``. ``VERSIONS.json`` (what recomputed bytes depend on) is rewritten only when a result was
    recomputed, so drawing from committed data on another machine leaves the tree as it was.
    """
    from mathai.figures.data import Loader

    mode = mode or ("fresh" if fresh else "draw")
    load = Loader(theorem_id, Path(data) if data is not None else Path(directory).parent / "data", seed, mode,
                  fresh_cache=fresh, cache_directory=cache_directory, progress=progress)
    written = []
    with plt.rc_context(STYLE):
        for function in registry().get(theorem_id, ()):
            if progress:
                progress(f" {function.__name__}")
            written += save(function(load), function.__name__, directory)
    if load.written or mode == "fresh":
        (directory / "VERSIONS.json").write_text(json.dumps(provenance(), indent=1, sort_keys=True) + "\n")
    return written


def draw(theorem_id: str, name: str | None = None, seed: int = 0, data: Path | None = None):
    """One figure of ``theorem_id`` (the one called ``name``, else its first) drawn from the committed data under
    ``data`` (default: this checkout's ``paper/data``) and returned, not saved: what a notebook shows."""
    from mathai.citation import ROOT
    from mathai.figures.data import Loader

    functions = {function.__name__: function for function in registry().get(theorem_id, ())}
    if not functions or (name is not None and name not in functions):
        raise KeyError(f"{theorem_id!r} has no figure {name!r}; its figures: {', '.join(functions) or 'none'}")
    load = Loader(theorem_id, Path(data) if data is not None else ROOT / "paper" / "data", seed, "draw")
    with plt.rc_context(STYLE):
        return functions[name or next(iter(functions))](load)


def check(theorem_id: str, seed: int = 0, fresh: bool = False, cache_directory: Path | None = None,
          data: Path = Path("paper/data"), progress: Callable[[str], None] | None = None) -> list[str]:
    """Recompute every result that the figures of ``theorem_id`` plot and compare it with the committed data: the
    results that moved beyond their tolerance (:data:`mathai.figures.data.TOLERANCES`), one line each."""
    from mathai.figures.data import Loader

    load = Loader(theorem_id, Path(data), seed, "check", fresh_cache=fresh, cache_directory=cache_directory,
                  progress=progress)
    with plt.rc_context(STYLE):
        for function in registry().get(theorem_id, ()):
            plt.close(function(load))
    return load.moves
