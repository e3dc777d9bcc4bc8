"""Run every check of a theorem: its symbolic proofs (from :mod:`theorems`) and its numeric experiments.

The contract of a result module ``numerics/<path>.py`` (same dotted path as its statement in :mod:`theorems`):

* ``ID``: the theorem id it checks;
* ``Config``: a frozen dataclass whose defaults are the run of ``mathai verify``, validated in ``__post_init__``
  (:mod:`numerics.validation`), with a classmethod ``small()`` giving the quick config the tests run;
* ``Result``: a dataclass of arrays, built by keyword;
* ``experiment(config, key) -> Result``: pure, reproducible for a fixed key (a deterministic experiment takes the
  key all the same and says that it is unused);
* ``checks(result, config) -> list[Check]``;
* ``NEIGHBOURS``: its wrong neighbours (:mod:`numerics.neighbours`), the plausible wrong statements its checks
  reject; a theorem has at least three over its modules, at least one of them looser than the truth.

A theorem's modules are its ``module`` and its ``parts`` (``numerics.<path>``; a third-party theorem names its own
in ``Theorem.experiments``); the first gets the seed's key, part ``i`` the key folded with ``i``. Timing belongs
here, not to the modules: a :class:`NumericRun` records the seconds of one experiment and its checks once, and a
check's own ``seconds`` stay 0 unless it timed itself. :func:`run` is what ``mathai verify`` and the tests call.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Iterator

import jax

from theorems import Theorem
from theorems.core import Check
from theorems.registry import optional_module
from numerics.neighbours import Control, controls as neighbour_controls

CONTRACT = ("ID", "Config", "Result", "experiment", "checks")


class ContractError(TypeError):
    """A numeric module that does not have the names every result module has."""


def result_module(name: str) -> ModuleType | None:
    """The module ``name`` (dotted, e.g. ``numerics.frobenius``) if it exists, ``None`` otherwise, checked against
    the contract."""
    module = optional_module(name)
    if module is None:
        return None
    missing = [attribute for attribute in CONTRACT if not hasattr(module, attribute)]
    if missing:
        raise ContractError(f"{name} lacks {', '.join(missing)} (every result module defines "
                            f"{', '.join(CONTRACT)})")
    return module


def module_names(theorem: Theorem) -> tuple[str, ...]:
    """The dotted names of ``theorem``'s numeric modules: ``Theorem.experiments`` if given, else
    ``numerics.<m>`` for each of its modules (module, then parts)."""
    return tuple(getattr(theorem, "experiments", ())) or tuple(f"numerics.{m}" for m in theorem.modules)


def result_modules(theorem: Theorem) -> tuple[ModuleType, ...]:
    """The numeric modules of ``theorem`` (its module, then its parts), those that exist."""
    modules = tuple(m for m in (result_module(name) for name in module_names(theorem)) if m is not None)
    for module in modules:
        if module.ID != theorem.id:
            raise ContractError(f"{module.__name__}.ID is {module.ID!r}, but it is a module of {theorem.id!r}")
    return modules


def part_key(key: jax.Array, index: int) -> jax.Array:
    """The key of part ``index`` of a theorem: the seed's key for the first module, folded with ``index`` after."""
    return key if index == 0 else jax.random.fold_in(key, index)


@dataclass(frozen=True)
class NumericRun:
    """One numeric module's experiment and checks: the module's dotted name, its checks, the seconds of the
    experiment and checks together (stored once, not on every check), and, when asked for, the verdicts on its wrong
    neighbours (their time not counted)."""

    module: str
    checks: tuple[Check, ...]
    seconds: float
    controls: tuple[Control, ...] = ()


def module_run(module: ModuleType, key: jax.Array, config=None, controls: bool = False) -> NumericRun:
    """``checks(experiment(config, key), config)`` at ``config`` (default: ``Config()``), timed; with ``controls``,
    every neighbour of the module evaluated on the same run."""
    config = module.Config() if config is None else config
    start = time.perf_counter()
    result = module.experiment(config, key)
    checks = tuple(module.checks(result, config))
    seconds = time.perf_counter() - start
    verdicts = neighbour_controls(module, result, config, key) if controls else ()
    return NumericRun(module.__name__, checks, seconds, verdicts)


def numeric_runs(theorem: Theorem, seed: int, controls: bool = False, small: bool = False) -> list[NumericRun]:
    """The runs of the theorem's numeric modules at ``seed``, each at its default config, or at ``Config.small()``
    (the tests' sizes) with ``small`` (with ``controls``: and the verdicts on their wrong neighbours)."""
    key = jax.random.key(seed)
    return [module_run(module, part_key(key, index), module.Config.small() if small else None, controls=controls)
            for index, module in enumerate(result_modules(theorem))]


def config_run(config, seed: int, controls: bool = False) -> tuple[Theorem, NumericRun]:
    """The run of the result module whose ``Config`` ``config`` is, at ``config`` and ``seed`` (the key the module
    gets in ``mathai verify --seed``), with the theorem it checks (a third-party theorem's module too)."""
    from theorems.registry import get

    try:
        module = result_module(type(config).__module__)
    except ContractError:
        module = None
    if module is None or type(config) is not module.Config:
        raise TypeError(f"{config!r} is not the Config of a result module (numerics.<path>.Config)")
    theorem = get(module.ID)
    index = module_names(theorem).index(module.__name__)
    return theorem, module_run(module, part_key(jax.random.key(seed), index), config, controls=controls)


def symbolic_checks(theorem: Theorem) -> Iterator[Check]:
    """Run each proof step; a step's seconds are the time of the whole step, SymPy construction included."""
    for proof in theorem.proofs:
        start = time.perf_counter()
        check = proof()
        yield dataclasses.replace(check, seconds=time.perf_counter() - start)


def numeric_checks(theorem: Theorem, seed: int) -> list[Check]:
    """The theorem's numeric checks at ``seed``, at each module's default config."""
    return [check for run in numeric_runs(theorem, seed) for check in run.checks]


def run(theorem: Theorem, seed: int = 0) -> list[Check]:
    """Every check of ``theorem``: symbolic proofs first, then the numeric experiments at ``seed``."""
    return [*symbolic_checks(theorem), *numeric_checks(theorem, seed)]
