"""Run every check of a theorem: its symbolic proofs (from :mod:`theorems`) and its numeric experiments.

Each module ``numerics/<name>.py`` that defines ``VERIFY = {theorem_id: verify}`` contributes numeric checks, where
``verify(key) -> list[Check]`` runs the default experiment; :func:`default_run` builds the usual one from a Config
class, an experiment and its checks. A theorem's modules are its ``module`` and its ``parts``: the first gets the
seed's key, part ``i`` the key folded with ``i``. :func:`run` is what ``mathai verify`` and the tests call. Checks that carry no
timing of their own get the time of the verify call that produced them.
"""

from __future__ import annotations

import dataclasses
import time
from functools import cache
from typing import Any, Callable, Iterator

import jax

from theorems import Theorem, all_theorems
from theorems.registry import optional_module
from theorems.core import Check


def default_run(config_type: Callable[[], Any], experiment: Callable, checks: Callable) -> Callable:
    """``verify(key) = checks(experiment(config, key), config)`` at the default ``config = config_type()``."""

    def verify(key: jax.Array) -> list[Check]:
        config = config_type()
        return checks(experiment(config, key), config)

    verify.__qualname__ = f"default_run({experiment.__module__}.{experiment.__name__})"
    return verify


@cache
def numeric_verifiers() -> dict[str, Callable[[jax.Array], list[Check]]]:
    """theorem id -> the function that runs its default experiments (module, then parts) and returns their checks."""
    found: dict[str, Callable] = {}
    for theorem in all_theorems():
        verifiers = [v for v in (_module_verifier(m, theorem.id) for m in theorem.modules) if v is not None]
        if verifiers:
            found[theorem.id] = verifiers[0] if len(verifiers) == 1 else _chain(verifiers)
    return found


def _module_verifier(module_name: str, theorem_id: str) -> Callable | None:
    return getattr(optional_module(f"numerics.{module_name}"), "VERIFY", {}).get(theorem_id)


def _chain(verifiers: list[Callable]) -> Callable[[jax.Array], list[Check]]:
    def verify(key: jax.Array) -> list[Check]:
        return [check for i, run in enumerate(verifiers)
                for check in run(key if i == 0 else jax.random.fold_in(key, i))]

    verify.__qualname__ = " + ".join(getattr(v, "__qualname__", repr(v)) for v in verifiers)
    return verify


def symbolic_checks(theorem: Theorem) -> Iterator[Check]:
    """Run each proof step; a step's seconds are the time of the whole step, SymPy construction included."""
    for proof in theorem.proofs:
        start = time.perf_counter()
        check = proof()
        yield dataclasses.replace(check, seconds=time.perf_counter() - start)


def numeric_checks(theorem: Theorem, seed: int) -> list[Check]:
    """The theorem's numeric checks at ``seed``; a check without its own timing gets its experiment's time."""
    verify = numeric_verifiers().get(theorem.id)
    if verify is None:
        return []
    start = time.perf_counter()
    checks = verify(jax.random.key(seed))
    elapsed = time.perf_counter() - start
    return [c if c.seconds else dataclasses.replace(c, seconds=elapsed) for c in checks]


def run(theorem: Theorem, seed: int = 0) -> list[Check]:
    """Every check of ``theorem``: symbolic proofs first, then the numeric experiment at ``seed``."""
    return [*symbolic_checks(theorem), *numeric_checks(theorem, seed)]
