"""Float64 where an experiment asks for it, and nowhere else.

Importing :mod:`numerics` changes no JAX setting. An experiment that measures rounding errors in float64, or needs
its range, says so with :func:`uses_float64`: JAX's x64 mode is switched on for the duration of that call only
(``jax.enable_x64``, a context manager that restores the previous value), so a float32 benchmark run beside it in
the same process still computes in float32. Jitted functions traced inside are compiled for x64; JAX keys its
compilation cache on the setting, so the same function traced outside compiles separately.
"""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


def uses_float64(function: F) -> F:
    """Run ``function`` with JAX's float64 (x64) mode on, restoring the previous mode afterwards."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        import jax

        with jax.enable_x64(True):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
