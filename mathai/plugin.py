"""mathai's proofs as pytest items, in any project: ``pytest --mathai`` (registered through the ``pytest11`` entry
point, so ``pip install mathai`` is all it takes).

Collection runs nothing. Each theorem contributes one item per proof step (``<id>::<proof>``) and one item per
numeric module (``<id>::numeric::<module>``), all under a node named by the theorem id, so ``-k frobenius``
selects one theorem, and each item carries its theorem id as a marker (``-m sander2024``). An experiment runs when
its item runs, once, at the default config and ``--mathai-seed`` (default 0). A failing item reports each failing
check with its measured value, relation and bound.

With ``--mathai`` the plugin registers one marker per theorem id; this project's own tests carry the same markers
(its ``tests/conftest.py`` registers them with :func:`register_markers`).
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("mathai")
    group.addoption("--mathai", action="store_true", help="collect mathai's proofs and experiments as test items")
    group.addoption("--mathai-seed", type=int, default=0, help="seed of mathai's experiments (default 0)")


def _theorems():
    from theorems.registry import all_theorems

    return all_theorems()


def register_markers(config) -> None:
    """One marker per theorem id."""
    for theorem in _theorems():
        config.addinivalue_line("markers", f"{theorem.id}: tests of {theorem.title}")


def pytest_configure(config):
    if config.getoption("mathai"):  # without --mathai the plugin costs a pytest run nothing
        register_markers(config)


class CheckFailed(Exception):
    """The checks of an item that do not hold."""


def _describe(checks) -> str:
    from mathai.report import format_value

    return "\n".join(f"FAILS: {c.claim}" + (f": measured {format_value(c.measured)} {c.relation} "
                                           f"{format_value(c.bound)}" if c.kind == "numeric" else "")
                     for c in checks)


class _CheckItem(pytest.Item):
    def runtest(self):
        failing = [c for c in self.checks() if not c.holds]
        if failing:
            raise CheckFailed(_describe(failing))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"mathai {self.nodeid}"


class ProofItem(_CheckItem):
    """One proof step of a theorem."""

    def __init__(self, *, proof, **kwargs):
        super().__init__(**kwargs)
        self.proof = proof

    def checks(self):
        return [self.proof()]


class NumericItem(_CheckItem):
    """The checks of one numeric module of a theorem, at its default config."""

    def __init__(self, *, theorem, index, module_name, **kwargs):
        super().__init__(**kwargs)
        self.theorem, self.index, self.module_name = theorem, index, module_name

    def checks(self):
        import jax

        from numerics import registry

        module = registry.result_module(self.module_name)
        key = registry.part_key(jax.random.key(self.config.getoption("mathai_seed")), self.index)
        return registry.module_run(module, key).checks


class TheoremNode(pytest.Collector):
    """A theorem: its proof items and its numeric items."""

    def __init__(self, *, theorem, **kwargs):
        super().__init__(**kwargs)
        self.theorem = theorem
        self.add_marker(theorem.id)

    def collect(self):
        from numerics.registry import module_names

        for proof in self.theorem.proofs:
            yield ProofItem.from_parent(self, name=proof.__name__, proof=proof)
        for index, name in enumerate(module_names(self.theorem)):
            yield NumericItem.from_parent(self, name=f"numeric::{name}", theorem=self.theorem, index=index,
                                          module_name=name)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Append the theorems' items before ``-k`` and ``-m`` select among the collected items."""
    if not config.getoption("mathai"):
        return
    for theorem in _theorems():
        node = TheoremNode.from_parent(session, name=theorem.id, theorem=theorem)
        items.extend(node.collect())
