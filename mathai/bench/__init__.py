"""Side-by-side benchmarks: every claim about speed or cost is a ratio measured in one run.

Each module ``mathai/bench/<name>.py`` defines ``BENCHMARKS = {theorem_id: (benchmark, ...)}``; a benchmark is a
function ``benchmark(quick: bool) -> list[Row]``. It may also define ``PLOTS = {theorem_id: (plot, ...)}``: a plot
is a function ``plot(rows) -> Figure | None`` of the rows of one run, drawn beside the table. ``quick=True`` is
what runs on the 2-core CPU within the
budget of ``mathai bench``; larger sizes are for a GPU. :func:`timeit` is the one way to time: compile (warm up)
first, block on the result, repeat, report the median with min and max.
"""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import time
from dataclasses import dataclass
from functools import cache
from typing import Callable


@dataclass(frozen=True)
class Timing:
    """Seconds per call: median, min and max over ``repeats`` calls, after one warm-up (compiling) call."""

    median: float
    min: float
    max: float
    repeats: int
    compile_seconds: float


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table: a measured value of one case, and the ratio it is compared by."""

    theorem: str
    benchmark: str
    case: str
    value: float
    unit: str
    ratio: float | None = None
    ratio_of: str = ""
    note: str = ""


def timeit(fn: Callable, *args, repeats: int = 5, min_seconds: float = 0.0) -> Timing:
    """Time ``fn(*args)``: one warm-up call (compilation), then ``repeats`` calls, each blocked until ready.

    With ``min_seconds`` > 0, repeats continue until that much time has been spent (for very fast calls).
    """
    import jax

    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    compile_seconds = time.perf_counter() - start
    samples: list[float] = []
    budget_start = time.perf_counter()
    while len(samples) < repeats or time.perf_counter() - budget_start < min_seconds:
        t0 = time.perf_counter()
        jax.block_until_ready(fn(*args))
        samples.append(time.perf_counter() - t0)
        if len(samples) >= 1000:
            break
    return Timing(statistics.median(samples), min(samples), max(samples), len(samples), compile_seconds)


def environment() -> dict[str, str]:
    """JAX version, backend and device that the numbers were measured on."""
    import platform

    import jax

    device = jax.devices()[0]
    return {"jax": jax.__version__, "backend": jax.default_backend(), "device": str(device.device_kind),
            "devices": str(len(jax.devices())), "machine": platform.machine(), "processor": platform.processor(),
            "python": platform.python_version()}


def _collect(attribute: str) -> dict[str, tuple[Callable, ...]]:
    found: dict[str, tuple[Callable, ...]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for theorem_id, functions in getattr(module, attribute, {}).items():
            found[theorem_id] = found.get(theorem_id, ()) + tuple(functions)
    return found


@cache
def registry() -> dict[str, tuple[Callable, ...]]:
    """theorem id -> its benchmarks, from every module of this package that defines BENCHMARKS."""
    return _collect("BENCHMARKS")


@cache
def plots() -> dict[str, tuple[Callable, ...]]:
    """theorem id -> the plots of its benchmark rows, from every module of this package that defines PLOTS."""
    return _collect("PLOTS")
