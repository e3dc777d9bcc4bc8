"""Compiling the experiments' programs quickly: XLA:CPU's backend optimisation switched off.

Several experiments (the Frobenius sides, the forms of linear attention, Performer, Linformer) compile many small
programs (matrix products, reductions, scans, gradients) and run each once; on a 2-core CPU compiling dominates.
With ``xla_backend_optimization_level=0`` the compile time drops two- to threefold (the Frobenius program at its
default config: 10 s to 4.4 s), matrix products still call the same library kernels, and the rounding bounds that
the experiments check hold for every order of evaluation an optimiser may pick, so nothing that is checked depends
on the optimisation level. :func:`run_fast` keeps each compiled program for the rest of the process, keyed by the
function, its static arguments, the shapes and dtypes of its arguments, the backend and JAX's x64 mode: a second
run of an experiment (the tests' reproducibility check, a figure after ``verify``) compiles nothing again.
"""

from __future__ import annotations

from functools import cache, partial

import jax


def fast_compile(fn, *args):
    """``jax.jit(fn)`` lowered at ``args`` (arrays or ``jax.ShapeDtypeStruct``) and compiled with XLA:CPU's
    backend optimisation off (other backends: the default options)."""
    options = {"xla_backend_optimization_level": 0} if jax.default_backend() == "cpu" else None
    return jax.jit(fn).lower(*args).compile(compiler_options=options)


@cache
def _program(fn, static: tuple, specs: tuple, backend: str, x64: bool):
    """The compiled ``fn(*specs, **dict(static))``, once per process (``backend`` and ``x64`` key the cache)."""
    del backend, x64  # they key the cache: the same function traces differently under another mode
    return fast_compile(partial(fn, **dict(static)), *specs)


def run_fast(fn, *args, **static):
    """``fn(*args, **static)`` compiled by :func:`fast_compile`, the keyword arguments static (hashable); the
    compiled program is kept for later calls with arguments of the same shapes and dtypes."""
    specs = tuple(jax.ShapeDtypeStruct(arg.shape, arg.dtype) for arg in args)
    return _program(fn, tuple(sorted(static.items())), specs, jax.default_backend(),
                    bool(jax.config.jax_enable_x64))(*args)
