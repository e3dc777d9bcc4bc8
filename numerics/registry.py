"""Run every check of a theorem: its symbolic proofs (from :mod:`theorems`) and its numeric experiments.

The contract of a result module ``numerics/<path>.py`` (same dotted path as its statement in :mod:`theorems`):

* ``ID``: the theorem id it checks;
* ``Config``: a frozen dataclass whose defaults are the run of ``mathai verify``, validated in ``__post_init__``
  (:mod:`numerics.validation`), with a classmethod ``small()`` giving the quick config the tests run;
* ``Result``: a dataclass of arrays, built by keyword;
* ``experiment(config, key) -> Result``: pure, reproducible for a fixed key (a deterministic experiment takes the
  key all the same and says that it is unused);
* ``checks(result, config) -> list[Check]``.

A theorem's modules are its ``module`` and its ``parts``; the first gets the seed's key, part ``i`` the key folded
with ``i``. Timing belongs here, not to the modules: a check that carries no time of its own gets the time of the
experiment that produced it. :func:`run` is what ``mathai verify`` and the tests call.
"""

from __future__ import annotations

import dataclasses
import time
from types import ModuleType
from typing import Iterator

import jax

from theorems import Theorem
from theorems.core import Check
from theorems.registry import optional_module

CONTRACT = ("ID", "Config", "Result", "experiment", "checks")


class ContractError(TypeError):
    """A numeric module that does not have the names every result module has."""


def result_module(name: str) -> ModuleType | None:
    """``numerics.<name>`` if it exists (``None`` otherwise), checked against the contract."""
    module = optional_module(f"numerics.{name}")
    if module is None:
        return None
    missing = [attribute for attribute in CONTRACT if not hasattr(module, attribute)]
    if missing:
        raise ContractError(f"numerics.{name} lacks {', '.join(missing)} (every result module defines "
                            f"{', '.join(CONTRACT)})")
    return module


def result_modules(theorem: Theorem) -> tuple[ModuleType, ...]:
    """The numeric modules of ``theorem`` (its module, then its parts), those that exist."""
    modules = tuple(m for m in (result_module(name) for name in theorem.modules) if m is not None)
    for module in modules:
        if module.ID != theorem.id:
            raise ContractError(f"{module.__name__}.ID is {module.ID!r}, but it is a module of {theorem.id!r}")
    return modules


def part_key(key: jax.Array, index: int) -> jax.Array:
    """The key of part ``index`` of a theorem: the seed's key for the first module, folded with ``index`` after."""
    return key if index == 0 else jax.random.fold_in(key, index)


def module_checks(module: ModuleType, key: jax.Array, config=None) -> list[Check]:
    """``checks(experiment(config, key), config)`` at ``config`` (default: ``Config()``); checks without a time of
    their own get the experiment's seconds."""
    config = module.Config() if config is None else config
    start = time.perf_counter()
    checks = module.checks(module.experiment(config, key), config)
    elapsed = time.perf_counter() - start
    return [c if c.seconds else dataclasses.replace(c, seconds=elapsed) for c in checks]


def symbolic_checks(theorem: Theorem) -> Iterator[Check]:
    """Run each proof step; a step's seconds are the time of the whole step, SymPy construction included."""
    for proof in theorem.proofs:
        start = time.perf_counter()
        check = proof()
        yield dataclasses.replace(check, seconds=time.perf_counter() - start)


def numeric_checks(theorem: Theorem, seed: int) -> list[Check]:
    """The theorem's numeric checks at ``seed``, at each module's default config."""
    key = jax.random.key(seed)
    return [check for index, module in enumerate(result_modules(theorem))
            for check in module_checks(module, part_key(key, index))]


def run(theorem: Theorem, seed: int = 0) -> list[Check]:
    """Every check of ``theorem``: symbolic proofs first, then the numeric experiments at ``seed``."""
    return [*symbolic_checks(theorem), *numeric_checks(theorem, seed)]
