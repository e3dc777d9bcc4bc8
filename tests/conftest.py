"""Hypothesis profiles and the theorem markers.

Profile: $HYPOTHESIS_PROFILE if set; else Hypothesis's built-in ``ci`` profile (derandomised) when $CI is set, as
in ``.ci/run``; else ``dev``. ``thorough`` is for on-demand hunts: HYPOTHESIS_PROFILE=thorough pytest.

Nothing here changes a JAX setting: the suite runs with float64 off, as a user's process does, and every experiment
that needs float64 switches it on for itself (:func:`numerics.precision.uses_float64`). Each theorem id is a marker
(``pytest -m sander2024``); the tests about one theorem carry it.
"""

import os

from hypothesis import HealthCheck, settings

from theorems import all_theorems

settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_configure(config):
    try:
        theorems = all_theorems()
    except Exception:  # noqa: BLE001 (a broken registry fails tests/test_core.py, not the whole session)
        theorems = ()
    for theorem in theorems:
        config.addinivalue_line("markers", f"{theorem.id}: tests of {theorem.title}")
