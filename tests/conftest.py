"""Hypothesis profiles and the theorem markers.

Profile: $HYPOTHESIS_PROFILE if set; else Hypothesis's built-in ``ci`` profile (derandomised) when $CI is set, as
in ``.ci/run``; else ``dev``. ``thorough`` is for on-demand hunts: HYPOTHESIS_PROFILE=thorough pytest.

Nothing here changes a JAX setting: the suite runs with float64 off, as a user's process does, and every experiment
that needs float64 switches it on for itself (:func:`numerics.precision.uses_float64`). Each theorem id is a marker
(``pytest -m sander2024``, registered by mathai's pytest plugin); the tests about one theorem carry it.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from theorems import all_theorems

settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

pytest_plugins = ["pytester"]  # tests/test_plugin.py runs pytest inside pytest


def pytest_configure(config):
    from mathai.plugin import register_markers

    try:
        register_markers(config)
    except Exception:  # noqa: BLE001 (a broken registry fails tests/test_core.py, not the whole session)
        pass


SMALL_RUN_SEED = 0


@pytest.fixture(scope="session")
def small_run():
    """``small_run(module)``: the module's experiment at ``Config.small()`` and the key that ``mathai verify`` gives
    it at seed 0 (the seed's key for a theorem's module, folded by i for part i), run once per session and shared by
    the contract test and the theorem's own tests, so that each small program compiles once."""
    import jax

    from numerics import registry

    runs = {}

    def run(module):
        if module.__name__ not in runs:
            theorem = next(t for t in all_theorems() if module.__name__ in registry.module_names(t))
            index = registry.module_names(theorem).index(module.__name__)
            key = registry.part_key(jax.random.key(SMALL_RUN_SEED), index)
            runs[module.__name__] = module.experiment(module.Config.small(), key)
        return runs[module.__name__]

    return run
