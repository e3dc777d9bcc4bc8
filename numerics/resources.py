"""The memory an experiment may use, and the refusal of a config whose estimated peak exceeds it.

Each result module's ``Config`` states its estimate in a method ``peak_bytes()``, computed from the config alone
(Python integers: no JAX call, no overflow): an analytic sum over the arrays its jitted programs hold (inputs, the
intermediates the program materialises, outputs), each ``prod(shape) * itemsize``. XLA fuses elementwise chains, so
the sum of the named arrays is the right order of the peak, not a bound in either direction: the share below leaves
room for what it misses. :func:`require_memory`, the last call of ``__post_init__``, refuses a config whose estimate
exceeds :func:`memory_limit`.

The limit: ``SHARE`` of the first device's ``bytes_limit`` from ``jax.devices()[0].memory_stats()`` (a GPU's
allocator pool); on CPU, where those statistics are ``None``, ``SHARE`` of the machine's physical memory,
``os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES')``.
"""

from __future__ import annotations

import functools
import math
import os

SHARE = 0.5  # of the device's memory: the rest for XLA's temporaries, the host copies of results, the interpreter

FLOAT64, COMPLEX128, FLOAT32 = 8, 16, 4  # bytes an entry


def array_bytes(*shape: int, itemsize: int = FLOAT64) -> int:
    """Bytes of one array of ``shape``: prod(shape) * itemsize, in Python integers."""
    return math.prod(int(n) for n in shape) * itemsize


@functools.cache
def memory_limit() -> tuple[int, str]:
    """(bytes an experiment may use, how that was found): SHARE of the device's bytes_limit, else of physical RAM."""
    import jax  # the first device: the one every experiment runs on

    device = jax.devices()[0]
    stats = device.memory_stats() or {}
    if stats.get("bytes_limit"):
        total, source = int(stats["bytes_limit"]), f"{device.platform} bytes_limit"
    else:
        total, source = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), "physical memory"
    return int(total * SHARE), f"{SHARE:g} of the {source} {_size(total)}"


def _size(count: int) -> str:
    return f"{count / 2**30:.3g} GiB" if count >= 2**30 else f"{count / 2**20:.3g} MiB"


def require_memory(config, fields: tuple[str, ...]) -> None:
    """Refuse ``config`` when ``config.peak_bytes()`` exceeds :func:`memory_limit`; the message names ``fields``
    (the sizes the estimate grows with) with their values, the estimate and the limit."""
    estimate = config.peak_bytes()
    limit, source = memory_limit()
    if estimate > limit:
        sizes = ", ".join(f"{name}={getattr(config, name)!r}" for name in fields)
        raise ValueError(f"{sizes}: the experiment's estimated peak memory {_size(estimate)} ({estimate} bytes) "
                         f"exceeds the limit {_size(limit)} ({source}); smaller sizes are allowed")
