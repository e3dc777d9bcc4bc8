"""Checks that the experiments' frozen configs run in ``__post_init__``: a bad value is named with what is allowed."""

from __future__ import annotations


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
