"""Find theorems by id or alias.

Every module in this package that defines ``THEOREMS`` (a tuple of :class:`~theorems.core.Theorem`) is part of the
registry: adding a result is adding its module.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

import theorems
from theorems.core import Theorem


class UnknownTheorem(KeyError):
    """An id or alias that names no theorem; the message lists the known ids."""

    def __init__(self, name: str, known: tuple[str, ...]):
        super().__init__(name)
        self.name, self.known = name, known

    def __str__(self) -> str:
        return f"unknown theorem {self.name!r}; known ids: {', '.join(self.known)}"


@cache
def all_theorems() -> tuple[Theorem, ...]:
    """Every registered theorem, in module order then declaration order."""
    found: list[Theorem] = []
    for info in sorted(pkgutil.iter_modules(theorems.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"theorems.{info.name}")
        found.extend(getattr(module, "THEOREMS", ()))
    ids = [t.id for t in found]
    names = ids + [a for t in found for a in t.aliases]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise RuntimeError(f"theorem ids or aliases used twice: {sorted(duplicated)}")
    return tuple(found)


def get(name: str) -> Theorem:
    """The theorem whose id or alias is ``name``; :class:`UnknownTheorem` otherwise."""
    for theorem in all_theorems():
        if name == theorem.id or name in theorem.aliases:
            return theorem
    raise UnknownTheorem(name, tuple(t.id for t in all_theorems()))


def optional_module(name: str) -> ModuleType | None:
    """The module ``name`` (dotted) if it exists, ``None`` if it does not; an import error inside it still raises."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None
