"""Checks that the experiments' frozen configs run in ``__post_init__``: a bad value is named with what is allowed.

One style for every Config: ``__post_init__`` calls these functions with the field names they govern, and each raises
``ValueError("<field> must be ..., got <value>")`` before any JAX work.
"""

from __future__ import annotations

import math
from typing import Iterable


def require_counts(config, *names: str) -> None:
    """Each field in ``names`` is a count: an integer >= 1."""
    for name in names:
        value = getattr(config, name)
        if value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


def require_positive(config, *names: str) -> None:
    """Each field in ``names`` is > 0 (NaN is refused too)."""
    for name in names:
        value = getattr(config, name)
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")


def require_one_of(config, name: str, allowed: Iterable) -> None:
    """The field ``name`` (a value, or a tuple of values) takes only values from ``allowed``."""
    allowed = tuple(allowed)
    value = getattr(config, name)
    for item in value if isinstance(value, tuple) else (value,):
        if item not in allowed:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {item!r}")


def require_z(config, name: str = "z") -> None:
    """A false-alarm bound in standard deviations: finite and at least 3."""
    value = getattr(config, name)
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 3):
        raise ValueError(f"{name} must be a finite number >= 3 (a false-alarm bound in standard deviations), "
                         f"got {value!r}")
