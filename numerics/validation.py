"""Checks that the experiments' frozen configs run in ``__post_init__``: a bad value is named with what is allowed.

One style for every Config: ``__post_init__`` first calls :func:`require_fields` (every field holds what its annotation
says: integers where counts are meant, finite numbers where numbers are meant), then these functions with the field
names they govern, and last :func:`numerics.resources.require_memory` (the experiment's estimated peak bytes fit).
Each raises ``ValueError("<field> must be ..., got <value>")`` before any JAX work.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
import typing
from typing import Iterable

import numpy as np


def is_integer(value) -> bool:
    """An integer (Python or NumPy), not a bool: ``True`` is no count."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def is_finite_number(value) -> bool:
    """A real number (an integer or a float, not a bool) that is neither NaN nor infinite."""
    return (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
            and math.isfinite(value))


_SINGULAR = {int: "an integer", float: "a finite number", str: "a string", bool: "True or False"}
_PLURAL = {int: "integers", float: "finite numbers", str: "strings", bool: "bools"}


def _describe(hint, plural: bool = False) -> str:
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            text = f"tuple of {_describe(args[0], plural=True)}"
        else:
            text = f"({', '.join(_describe(a) for a in args)}) tuple"
        return f"{text}s" if plural else f"a {text}"
    return (_PLURAL if plural else _SINGULAR).get(hint, str(hint))


def _holds(value, hint) -> bool:
    """Whether ``value`` is what ``hint`` (int, float, str, bool, tuple[X, ...], tuple[X, Y]) says; other hints pass."""
    if hint is bool:
        return isinstance(value, (bool, np.bool_))
    if hint is int:
        return is_integer(value)
    if hint is float:
        return is_finite_number(value)
    if hint is str:
        return isinstance(value, str)
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_holds(item, args[0]) for item in value)
        return len(value) == len(args) and all(_holds(item, a) for item, a in zip(value, args))
    return True


@functools.cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def require_fields(config) -> None:
    """Every field of the dataclass ``config`` holds what its annotation says: ``int`` an integer (no float, no bool),
    ``float`` a finite number (NaN and +-inf refused), ``str`` a string, ``bool`` a bool, ``tuple[X, ...]`` a tuple
    of X, ``tuple[X, Y]`` a pair. Call it first in ``__post_init__``: the range checks after it compare numbers."""
    hints = _hints(type(config))
    for field in dataclasses.fields(config):
        hint, value = hints.get(field.name), getattr(config, field.name)
        if hint is not None and not _holds(value, hint):
            raise ValueError(f"{field.name} must be {_describe(hint)}, got {value!r}")


def require_counts(config, *names: str) -> None:
    """Each field in ``names`` is a count: an integer >= 1."""
    for name in names:
        value = getattr(config, name)
        if not (is_integer(value) and value >= 1):
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


def require_positive(config, *names: str) -> None:
    """Each field in ``names`` is a finite number > 0 (NaN and +-inf are refused too)."""
    for name in names:
        value = getattr(config, name)
        if not (is_finite_number(value) and value > 0):
            raise ValueError(f"{name} must be > 0 and finite, got {value!r}")


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
    if not (is_finite_number(value) and value >= 3):
        raise ValueError(f"{name} must be a finite number >= 3 (a false-alarm bound in standard deviations), "
                         f"got {value!r}")
