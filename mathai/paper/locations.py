"""Where a theorem lives in the source tree: the files of its modules, its tests and its figures.

A theorem names its modules by dotted path relative to ``theorems`` and ``numerics`` (``frobenius``,
``linear_attention.performer``); the file of each is found with :func:`importlib.util.find_spec` (a package's file is
its ``__init__.py``), so that the paper and the notes print the path that exists. Paths are relative to the directory
that holds the packages, with ``/`` separators on every system: the generated files do not depend on where the
checkout is.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Callable

from mathai.citation import ROOT


def source_file(name: str) -> str | None:
    """The file of the module ``name`` (fully dotted: ``numerics.linear_attention.performer``), relative to the
    directory holding its top-level package; None when there is no such module. Imports its parent packages only.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ModuleNotFoundError, ValueError):  # a parent package that does not exist; a module without a spec
        return None
    if spec is None or not spec.origin or not spec.has_location:
        return None
    path = Path(spec.origin).resolve()
    top = importlib.util.find_spec(name.split(".")[0])
    root = Path(top.origin).resolve().parent.parent
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _dotted_file(package: str, module: str) -> str:
    return f"{package}/{module.replace('.', '/')}.py"


def statement_file(module: str) -> str:
    """The file of ``theorems.<module>`` (the path it would have when it does not exist)."""
    return source_file(f"theorems.{module}") or _dotted_file("theorems", module)


def experiment_file(module: str) -> str:
    """The file of ``numerics.<module>`` (the path it would have when it does not exist)."""
    return source_file(f"numerics.{module}") or _dotted_file("numerics", module)


def _test_candidates(module: str) -> list[str]:
    parts = module.split(".")
    names = ["_".join(parts), parts[-1], parts[0]]
    return [f"tests/test_{name}.py" for name in dict.fromkeys(names)]


def tests_file(module: str) -> str:
    """The test file of a module: ``tests/test_<path with _>.py``, else ``tests/test_<last part>.py``, else
    ``tests/test_<first part>.py``, whichever exists first (the first when none does)."""
    candidates = _test_candidates(module)
    return next((path for path in candidates if (ROOT / path).exists()), candidates[0])


def existing_tests_file(module: str) -> str | None:
    """:func:`tests_file` if it exists, else None."""
    path = tests_file(module)
    return path if (ROOT / path).exists() else None


def function_file(function: Callable) -> str:
    """The file that defines ``function`` (a figure function, say)."""
    return source_file(function.__module__) or function.__module__.replace(".", "/") + ".py"
