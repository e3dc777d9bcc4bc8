"""Find theorems by id or alias.

Every module under this package (sub-packages included) that defines ``THEOREM`` (a
:class:`~theorems.core.Theorem`) is part of the registry: adding a result is adding its module. One module states one
result; the mathematics several results share lives in a module of its own that defines no ``THEOREM``.

Other installed packages add theorems through the entry-point group ``mathai.theorems``: each entry point names a
module defining ``THEOREM``, whose ``module`` is that module's own dotted name and whose ``experiments`` name its
numeric modules (same contract as :mod:`numerics.registry`). A package whose module cannot be loaded is reported in
one warning naming the package and the error; the built-in theorems are unaffected.
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
    found.extend(_entry_point_theorems({t.id for t in found} | {a for t in found for a in t.aliases}))
    names = [t.id for t in found] + [a for t in found for a in t.aliases]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise RuntimeError(f"theorem ids or aliases used twice: {sorted(duplicated)}")
    return tuple(found)


ENTRY_POINT_GROUP = "mathai.theorems"


def _entry_point_theorems(taken: set[str]) -> list[Theorem]:
    """The theorems other installed packages register; a broken one is a warning, never an error."""
    import warnings
    from importlib.metadata import entry_points

    found = []
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        package = point.dist.name if point.dist is not None else "?"
        try:
            theorem = getattr(point.load(), "THEOREM")
            if not isinstance(theorem, Theorem):
                raise TypeError(f"THEOREM is a {type(theorem).__name__}, not a mathai Theorem")
            clash = ({theorem.id, *theorem.aliases} & taken)
            if clash:
                raise ValueError(f"id or alias {sorted(clash)} is taken by another theorem")
        except Exception as error:  # noqa: BLE001 (one bad package must not hide the others)
            warnings.warn(f"mathai: theorems of package {package!r} ({point.value}) not loaded: "
                          f"{type(error).__name__}: {error}", stacklevel=3)
            continue
        taken |= {theorem.id, *theorem.aliases}
        found.append(theorem)
    return found


def get(name: str) -> Theorem:
    """The theorem whose id or alias is ``name``; :class:`UnknownTheorem` otherwise."""
    for theorem in all_theorems():
        if name == theorem.id or name in theorem.aliases:
            return theorem
    raise UnknownTheorem(name, tuple(t.id for t in all_theorems()))


def module_files(theorem: Theorem) -> tuple[str, ...]:
    """The source files of ``theorem`` (relative to the directory holding the packages when inside it): its
    statement modules, then its numeric ones (``Theorem.experiments`` for a theorem of another package). Finding
    them imports no JAX."""
    root = Path(theorems.__file__).resolve().parent.parent
    if theorem.experiments:
        names = [*theorem.modules, *theorem.experiments]
    else:
        names = [f"{package}.{module}" for package in ("theorems", "numerics") for module in theorem.modules]
    files = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
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
