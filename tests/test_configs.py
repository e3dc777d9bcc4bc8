"""Every registered Config refuses bad values by name before any experiment runs; the ``seeded`` flag is true.

Bad values (Hypothesis): NaN, +-inf, floats and bools for integers, 0 and negatives, and huge sizes (a count of
10^12 in any integer, or in any entry of a tuple of integers). Each is refused by ``Config(...)`` with a ValueError
naming the field, inside ``checks(experiment(Config(...), key))`` where ``experiment`` is a spy: it must never be
entered. Huge sizes are refused by the memory estimate (``Config.peak_bytes``), never by an abort.
"""

from __future__ import annotations

import dataclasses
import math
import re
import typing

import jax
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from numerics import registry, resources
from theorems import all_theorems

NAMES = [(theorem, index, name) for theorem in all_theorems()
         for index, name in enumerate(registry.module_names(theorem))]
CASES = [pytest.param(name, id=name.removeprefix("numerics."), marks=getattr(pytest.mark, theorem.id))
         for theorem, _, name in NAMES]
HUGE = 10**12

# Fields where 0 or a negative value is meaningful (so only non-numbers are bad there): a refit threshold (no refit
# at or below 0), and an exponent range symmetric in its sign.
SIGNED = {"least_squares_max", "log2_magnitude"}
NONNEGATIVE = {"xla"}  # indices: 0 is one
# Counts that size no array (iterations): a huge value only takes long, and is accepted.
ITERATIONS = {"polish_steps", "fit_from_log2"}


def _bad_scalars(hint, name: str) -> list:
    """Values that a field annotated ``hint`` must refuse."""
    if hint is int:
        return [math.nan, math.inf, -math.inf, 2.5, True, "3"] + (
            [] if name in SIGNED else [-1] if name in NONNEGATIVE else [0, -1])
    if hint is float:
        return [math.nan, math.inf, -math.inf, True, "1.0"] + ([] if name in SIGNED else [-1.0])
    if hint is str:
        return [1, None]
    return []


def bad_values(config) -> list[tuple[str, object]]:
    """(field, bad value) pairs for every field of ``config``: a bad scalar, or a tuple with one bad entry."""
    hints = typing.get_type_hints(type(config))
    out = []
    for field in dataclasses.fields(config):
        hint, value = hints[field.name], getattr(config, field.name)
        args = typing.get_args(hint)
        if typing.get_origin(hint) is tuple and args[1:] == (Ellipsis,) and args[0] in (int, float) and value:
            out += [(field.name, (bad,) + value[1:]) for bad in _bad_scalars(args[0], field.name)
                    if not isinstance(bad, str)]
            out.append((field.name, [*value]))  # a list is no tuple
        else:
            out += [(field.name, bad) for bad in _bad_scalars(hint, field.name)]
    return out


def huge_values(config) -> list[tuple[str, object]]:
    """(field, value) with one integer (or one entry of a tuple of integers) set to HUGE."""
    hints = typing.get_type_hints(type(config))
    out = []
    for field in dataclasses.fields(config):
        hint, value = hints[field.name], getattr(config, field.name)
        if hint is int and field.name not in ITERATIONS and field.name not in SIGNED:
            out.append((field.name, HUGE))
        elif hint == tuple[int, ...] and value:
            out.append((field.name, value[:-1] + (HUGE,)))  # the last: increasing tuples stay increasing
        elif hint == tuple[tuple[int, int], ...] or hint == tuple[tuple[int, int, int], ...]:
            out.append((field.name, value[:-1] + ((HUGE,) + value[-1][1:],)))
    return out


def names(field: str, message: str) -> bool:
    """Whether ``message`` names ``field`` (as a word)."""
    return re.search(rf"\b{field}\b", message) is not None


def refused_before_work(module, monkeypatch, field: str, value) -> str:
    """Run the experiment and checks at the small config with ``field = value``; the experiment is a spy. Returns the
    ValueError's message after asserting that the experiment was never entered."""
    entered = []
    monkeypatch.setattr(module, "experiment", lambda config, key: entered.append(config))
    with pytest.raises(ValueError) as caught:
        module.experiment(dataclasses.replace(module.Config.small(), **{field: value}), jax.random.key(0))
    assert not entered
    return str(caught.value)


@pytest.mark.parametrize("name", CASES)
def test_defaults_and_small_configs_fit(name):
    module = registry.result_module(name)
    limit, _ = resources.memory_limit()
    for config in (module.Config(), module.Config.small()):
        assert 0 <= config.peak_bytes() <= limit


@pytest.mark.parametrize("name", CASES)
def test_bad_values_are_refused_by_name_before_the_experiment(name, monkeypatch):
    module = registry.result_module(name)
    cases = bad_values(module.Config.small())
    assert cases

    @settings(max_examples=min(len(cases), 40), deadline=None)
    @given(st.sampled_from(cases))
    def refused(case):
        field, value = case
        with monkeypatch.context() as patch:
            message = refused_before_work(module, patch, field, value)
        assert names(field, message), (field, value, message)

    refused()


@pytest.mark.parametrize("name", CASES)
def test_huge_sizes_are_refused_by_the_memory_estimate(name, monkeypatch):
    module = registry.result_module(name)
    cases = huge_values(module.Config.small())
    assert cases
    for field, value in cases:
        message = refused_before_work(module, monkeypatch, field, value)
        assert names(field, message), (field, message)


def test_memory_refusal_names_the_estimate_and_the_limit():
    from numerics import frobenius

    with pytest.raises(ValueError, match=r"shapes=\(\(1000000000, 1\),\).*estimated peak memory .* exceeds the "
                                         r"limit .*of the (physical memory|\w+ bytes_limit)"):
        frobenius.Config(shapes=((10**9, 1),))


# --- the seeded flag ---------------------------------------------------------------------------------------------

# gradient_cost's small config leaves the correctness test out, and only that test draws from the key.
SEED_CONFIGS = {"numerics.reverse_mode.gradient_cost": dict(check_correctness=True)}


def _results_differ(a, b) -> bool:
    for field in dataclasses.fields(a):
        x, y = np.asarray(getattr(a, field.name)), np.asarray(getattr(b, field.name))
        if x.shape != y.shape or not np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"):
            return True
    return False


# seeded=True needs a second run at key 1 (2-15 s a theorem on 2 cores): slow; seeded=False (one theorem) is not.
@pytest.mark.parametrize("theorem", [pytest.param(t, id=t.id, marks=[getattr(pytest.mark, t.id)] + (
    [pytest.mark.slow] if t.seeded else [])) for t in all_theorems()])
def test_seeded_says_whether_the_results_depend_on_the_seed(theorem, small_run):
    """seeded=False: every module's Result identical at keys 0 and 1; seeded=True: some field of some module
    differs (at the small config; see SEED_CONFIGS)."""
    differ = False
    for index, name in enumerate(registry.module_names(theorem)):
        module = registry.result_module(name)
        change = SEED_CONFIGS.get(name)
        config = dataclasses.replace(module.Config.small(), **(change or {}))
        first = (module.experiment(config, registry.part_key(jax.random.key(0), index)) if change
                 else small_run(module))
        again = module.experiment(config, registry.part_key(jax.random.key(1), index))
        differ = _results_differ(first, again)
        if differ and theorem.seeded:
            break
        assert theorem.seeded or not differ, f"{name} depends on the key, but {theorem.id} says seeded=False"
    assert differ or not theorem.seeded, f"no Result of {theorem.id} changes with the key: seeded should be False"
