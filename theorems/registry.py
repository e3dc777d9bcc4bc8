"""Find theorems by id or alias.

Every module under this package (sub-packages included) that defines ``THEOREM`` (a
:class:`~theorems.core.Theorem`) is part of the registry: adding a result is adding its module. One module states one
result; the mathematics several results share lives in a module of its own that defines no ``THEOREM``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import cache
from pathlib import Path
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
    """Every registered theorem, in the order of its module's dotted name."""
    found: list[Theorem] = []
    modules = sorted(pkgutil.walk_packages(theorems.__path__, prefix="theorems."), key=lambda m: m.name)
    for info in modules:
        module = importlib.import_module(info.name)
        theorem = getattr(module, "THEOREM", None)
        if theorem is None:
            continue
        if f"theorems.{theorem.module}" != info.name:
            raise RuntimeError(f"{info.name} defines THEOREM {theorem.id!r} whose module is {theorem.module!r}")
        found.append(theorem)
    names = [t.id for t in found] + [a for t in found for a in t.aliases]
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


def module_files(theorem: Theorem) -> tuple[str, ...]:
    """The source files of ``theorem``, relative to the directory holding the packages: for each of its modules,
    ``theorems/<path>.py`` and, where it exists, ``numerics/<path>.py``. Finding them imports no JAX."""
    root = Path(theorems.__file__).resolve().parent.parent
    files = []
    for package in ("theorems", "numerics"):
        for module in theorem.modules:
            try:
                spec = importlib.util.find_spec(f"{package}.{module}")
            except ModuleNotFoundError:  # a parent package that does not exist
                spec = None
            if spec is not None and spec.origin:
                path = Path(spec.origin).resolve()
                files.append(str(path.relative_to(root)) if path.is_relative_to(root) else str(path))
    return tuple(files)


def optional_module(name: str) -> ModuleType | None:
    """The module ``name`` (dotted) if it exists, ``None`` if it does not; an import error inside it still raises."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if not (error.name == name or name.startswith(f"{error.name}.")):
            raise
        return None
