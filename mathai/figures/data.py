"""The data behind the paper's figures, committed under ``paper/data/<id>/``: data, not cache.

A figure plots experiment results. Those results are kept beside the paper, one ``.npz`` file per (experiment,
config, seed) in the cache's format (the arrays and a JSON header, loaded without pickle), named by what was run and
*not* by the sources or library versions that ran it, as the cache is. So ``mathai figures`` draws from the committed
data whatever the sources say, and a clone on another processor redraws every committed figure byte for byte when
its matplotlib is the one recorded in ``VERSIONS.json``. The figure functions do not know: they call ``load`` and get
a Result, from the data (``draw``), recomputed (``fresh``), recomputed and written into the data (``update``), or
recomputed and compared with the data (``check``).

What "the data moved" means is stated per experiment module (:data:`TOLERANCES`): exact for counted operations,
rounding-sized for deterministic floating point, wider for results whose last bits feed thousands of training steps,
where a different reduction order on another processor leads to another, equally valid, trajectory.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from mathai.cache import cached, entry_header, load_entry, request, result_arrays, save_entry


@dataclass(frozen=True)
class Tolerance:
    """How far recomputed data may lie from the committed data and still be "the same": every float array within
    ``|new - old| <= atol + rtol |old|`` (NaN where NaN), every integer and boolean array equal; ``why`` says where
    the numbers come from."""

    rtol: float
    atol: float
    why: str


EXACT = Tolerance(0.0, 0.0, "counted operations and exact arithmetic: the same on every machine")
FLOAT64 = Tolerance(1e-9, 1e-12, "float64 arithmetic in a fixed algorithm; another reduction order changes results "
                                 "by about n u for n-term sums (u = 1.1e-16), far below 1e-9 at these sizes")
FLOAT32 = Tolerance(1e-3, 1e-6, "float32 reductions of up to about 10^4 terms: n u = 10^4 x 6e-8 = 6e-4")
ROUNDING = Tolerance(0.0, 1.0, "measured rounding errors over their bound: the reduction order, hence the error, "
                               "depends on the processor and thread count; the theorem allows anything in [0, 1]")
TRAINED = Tolerance(0.2, 1e-3, "thousands of optimiser steps amplify last-bit differences into another trajectory; "
                               "their losses spread by about 10-20% between seeds, which bounds how far they move")

TOLERANCES: dict[str, Tolerance] = {
    "numerics.frobenius": ROUNDING,
    "numerics.reverse_mode.gradient_cost": EXACT,
    "numerics.linear_attention.katharopoulos": ROUNDING,
    "numerics.linear_attention.performer": FLOAT32,
    "numerics.linear_attention.linformer": FLOAT32,
    "numerics.linear_attention.linformer_counts": FLOAT32,
    "numerics.universal_approximation.cybenko": FLOAT64,
    "numerics.universal_approximation.polynomial_activation": FLOAT64,
    "numerics.universal_approximation.barron": TRAINED,
    "numerics.in_context.autoregression": TRAINED,
    "numerics.in_context.softmax": TRAINED,
    "numerics.in_context.positional_heads": TRAINED,
    "numerics.low_rank.eckart_young": FLOAT32,
    "numerics.low_rank.pca": FLOAT64,
    "numerics.low_rank.lora": TRAINED,
    "numerics.optimisation.step_size": FLOAT32,
    "numerics.optimisation.robbins_monro": FLOAT64,
    "numerics.optimisation.implicit_bias": FLOAT64,
    "numerics.architectures.convolution": ROUNDING,
    "numerics.architectures.neural_ode": FLOAT64,
    "numerics.architectures.neural_ode_flows": TRAINED,
}
"""Per experiment module, how far its recomputed data may move (``mathai figures --check``). A module not listed is
compared at :data:`FLOAT32`."""


def data_key(experiment: Callable, config: Any, seed: int) -> str:
    """A SHA-256 of the experiment's name, config and seed: what was run, not the code that ran it."""
    digest = hashlib.sha256()
    for part in (f"{experiment.__module__}.{experiment.__qualname__}", repr(config), str(seed)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def data_path(root: Path, theorem_id: str, experiment: Callable, config: Any, seed: int) -> Path:
    """``root/<theorem id>/<module>-<data key>.npz``."""
    name = experiment.__module__.removeprefix("numerics.").replace(".", "-")
    return Path(root) / theorem_id / f"{name}-{data_key(experiment, config, seed)}.npz"


def write(path: Path, experiment: Callable, config: Any, seed: int, result) -> None:
    """Write ``result`` as the committed data at ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = result_arrays(result)
    save_entry(path, entry_header(experiment, config, seed, data_key(experiment, config, seed), arrays), arrays)


def read(path: Path, experiment: Callable, config: Any, seed: int, result_type: type):
    """The committed Result at ``path``; ``ValueError`` when its header or arrays do not match the request."""
    return load_entry(path, result_type, request(experiment, config, seed, data_key(experiment, config, seed)))


SINGULAR = 1 / np.finfo(np.float64).eps
"""Float values at or beyond this size (4.5e15) on both sides compare equal in :func:`moved`."""


def moved(new, old, tolerance: Tolerance) -> list[str]:
    """The fields of ``new`` that lie outside ``tolerance`` of ``old``, each with its largest excess."""
    out = []
    for name, a in result_arrays(new).items():
        b = np.asarray(getattr(old, name))
        if a.shape != b.shape:
            out.append(f"{name}: shape {a.shape} != {b.shape}")
        elif a.dtype.kind in "fc":
            a64 = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
            b64 = b.astype(a64.dtype)
            both_nan = np.isnan(a64) & np.isnan(b64)
            # beyond 1/eps on both sides with one sign (a condition number of a singular matrix: inf or 1e17 or
            # 1e26 by the rounding): singular to working precision both times, the same result
            singular = ((np.abs(a64) >= SINGULAR) & (np.abs(b64) >= SINGULAR)
                        & (np.sign(a64.real) == np.sign(b64.real)))
            allowed = tolerance.atol + tolerance.rtol * np.abs(b64)
            with np.errstate(invalid="ignore"):
                excess = np.where(both_nan | singular, 0.0, np.abs(a64 - b64) - allowed)
            excess = np.where(np.isnan(excess), np.inf, excess)
            if excess.size and np.max(excess) > 0:
                out.append(f"{name}: off by {np.max(excess + allowed):.3g} where {tolerance.rtol:g} relative + "
                           f"{tolerance.atol:g} is allowed")
        elif not np.array_equal(a, b):
            out.append(f"{name}: {int(np.sum(a != b))} entries differ")
    return out


@dataclass
class Loader:
    """The ``load(experiment, config, result_type)`` that a figure function gets, in one of four modes.

    ``draw`` reads the committed data (computing and writing it where there is none yet); ``fresh`` recomputes
    without cache or data; ``update`` recomputes (through the cache, unless ``fresh_cache``) and rewrites the data;
    ``check`` recomputes likewise and records in ``moves`` every result that moved beyond its tolerance. ``written``
    lists the data files written; ``progress`` is told of every experiment run and its seconds.
    """

    theorem_id: str
    root: Path
    seed: int
    mode: str = "draw"
    fresh_cache: bool = False
    cache_directory: Path | None = None
    progress: Callable[[str], None] | None = None
    moves: list[str] = dataclasses.field(default_factory=list)
    written: list[Path] = dataclasses.field(default_factory=list)

    def __call__(self, experiment: Callable, config: Any, result_type: type):
        path = data_path(self.root, self.theorem_id, experiment, config, self.seed)
        if self.mode == "draw" and path.exists():
            try:
                return read(path, experiment, config, self.seed, result_type)
            except Exception as error:  # noqa: BLE001 (a damaged data file is recomputed and rewritten, and said so)
                warnings.warn(f"figure data {path} is unusable ({error}); recomputing and rewriting it", stacklevel=2)
        start = time.perf_counter()
        if self.progress:
            self.progress(f"  running {experiment.__module__} ...")
        result = cached(experiment, config, self.seed, result_type, fresh=self.fresh_cache or self.mode == "fresh",
                        directory=self.cache_directory)
        if self.progress:
            self.progress(f"  {experiment.__module__}: {time.perf_counter() - start:.1f} s")
        if self.mode == "check":
            if not path.exists():
                self.moves.append(f"{path}: no committed data")
            else:
                tolerance = TOLERANCES.get(experiment.__module__, FLOAT32)
                found = moved(result, read(path, experiment, config, self.seed, result_type), tolerance)
                self.moves += [f"{path.name} ({experiment.__module__}): {line}" for line in found]
        elif self.mode in ("draw", "update"):
            write(path, experiment, config, self.seed, result)
            self.written.append(path)
        return result
