"""Hypothesis profiles and JAX settings for the tests.

Profile: $HYPOTHESIS_PROFILE if set; else Hypothesis's built-in ``ci`` profile (derandomised) when $CI is set, as
in ``.ci/run``; else ``dev``. ``thorough`` is for on-demand hunts: HYPOTHESIS_PROFILE=thorough pytest.
"""

import os

from hypothesis import HealthCheck, settings

import numerics  # noqa: F401  (switches on float64 in JAX, as the experiments expect)

settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
