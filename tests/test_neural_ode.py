r"""ResNets as Euler steps of Neural ODEs (chen2018): the proofs, Euler's bound at random fields, the sharp checks
failing on the errors they are meant to see, the increasing-map infimum, and bad configs refused.

Euler's bound is checked in NumPy (float64, the ResNet loop as written) at random coefficients: tolerances are the
theorem's constant (M/(2L))(e^L - 1)/T, no slack. The sharp checks are shown to fail by modifying the small run's
arrays (no second run).
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.architectures import neural_ode, neural_ode_flows
from theorems import get
from theorems.architectures import neural_ode as statement

pytestmark = pytest.mark.chen2018

COEFFICIENT = st.floats(0.05, 2.0)


def test_every_symbolic_proof_holds():
    failed = [c.claim for c in (proof() for proof in statement.THEOREM.proofs) if not c.holds]
    assert not failed


def test_registry_and_alias():
    assert get("resnet-euler") is statement.THEOREM


@settings(max_examples=40, deadline=None)
@given(b=st.lists(COEFFICIENT, min_size=1, max_size=3), c=st.lists(COEFFICIENT, min_size=3, max_size=3),
       x0=st.lists(st.floats(-2, 2).map(lambda v: v if abs(v) >= 1e-3 else 0.0), min_size=3, max_size=3),
       depth=st.sampled_from((1, 3, 17, 100)))
def test_euler_error_is_within_the_bound_for_random_quadratic_flows(b, c, x0, depth):
    """Starting points are 0 or at least 1e-3 in size: the bound is evaluated in float32, where a start of 1e-98
    (which Hypothesis found) underflows the bound to 0 while float64's Euler error stays positive."""
    d = len(b)
    b, c, y = np.array(b), np.array(c[:d]), np.array(x0[:d])
    p = lambda t: 1 + b * t + c * t * t / 2  # noqa: E731
    a = lambda t: (b + c * t) / p(t)  # noqa: E731
    exact = y * p(1.0)
    for k in range(depth):
        y = y + a(k / depth) * y / depth
    lipschitz = max(np.abs(a(t)).max() for t in np.linspace(0, 1, 2001))  # <= the true max: a stricter bound
    bound = float(neural_ode._bound(np.linalg.norm(c * np.array(x0[:d])), lipschitz, float(depth)))
    assert np.linalg.norm(y - exact) <= bound


def test_lipschitz_constant_is_the_maximum_of_the_rates():
    rng = np.random.default_rng(0)
    b, c = rng.uniform(0.05, 2, 50), rng.uniform(0.05, 2, 50)
    ts = np.linspace(0, 1, 20001)[:, None]
    dense = np.max((b + c * ts) / (1 + b * ts + c * ts**2 / 2))
    exact = float(neural_ode.lipschitz_constant(b, c))
    assert dense <= exact + 1e-12 and exact <= dense + 1e-7


@pytest.fixture
def euler(small_run):
    return small_run(neural_ode)


def _holds(checks):
    return all(c.holds for c in checks)


def test_limit_check_fails_on_a_five_percent_error_the_bound_accepts(euler):
    config = neural_ode.Config.small()
    wrong = dataclasses.replace(euler, error=euler.error * 1.05)
    assert _holds(neural_ode.bound_checks(wrong, config))
    assert not neural_ode.limit_check(wrong, config).holds
    assert neural_ode.limit_check(euler, config).holds


def test_slope_check_fails_on_a_square_root_rate(euler):
    config = neural_ode.Config.small()
    slower = dataclasses.replace(euler, error=euler.error * np.sqrt(euler.depths)[:, None])
    faster = dataclasses.replace(euler, error=euler.error / euler.depths[:, None])
    assert not neural_ode.rate_check(slower, config).holds and not neural_ode.rate_check(faster, config).holds
    assert neural_ode.rate_check(slower, config, 0.5).holds and neural_ode.rate_check(faster, config, 2.0).holds


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.floats(0, 1), min_size=16, max_size=16), shift=st.floats(-1, 1))
def test_increasing_maps_stay_above_the_infimum_on_a_symmetric_grid(steps, shift):
    x = np.asarray(neural_ode_flows.midpoint_grid(16))
    f = np.cumsum(steps) + shift  # increasing on the grid
    assert 2 * np.mean((f + x) ** 2) >= 2 * np.mean(x**2) * (1 - 1e-12)


def test_the_infimum_is_two_thirds_in_the_limit():
    x = np.asarray(neural_ode_flows.midpoint_grid(4096))
    assert abs(2 * np.mean(x**2) - float(statement.increasing_fit_infimum())) < 1e-6


def test_flow_checks_fail_on_a_reversing_ode_and_a_failed_inversion(small_run):
    config = neural_ode_flows.Config.small()
    result = small_run(neural_ode_flows)
    reversed_ode = dataclasses.replace(result, ode_error=result.infimum * 0.5)
    assert not _holds(neural_ode_flows.ode_checks(reversed_ode, config))
    bad = dataclasses.replace(result, inversion_error=result.inversion_bound * 2)
    assert not _holds(neural_ode_flows.inversion_checks(bad, config))


@pytest.mark.parametrize("changes", [dict(depths=(0, 4, 8)), dict(depths=(-4, 4, 8)), dict(depths=(4, 4, 8)),
                                     dict(depths=(4, 8)), dict(depths=(4.0, 8, 16)), dict(reference_rtol=0.0),
                                     dict(reference_atol=-1e-9), dict(reference_rtol=float("nan")), dict(dim=0)])
def test_bad_euler_configs_are_refused(changes):
    with pytest.raises(ValueError, match=next(iter(changes))):
        neural_ode.Config(**changes)


@pytest.mark.parametrize("changes", [dict(contraction=1.0), dict(contraction=0.0), dict(grid=63),
                                     dict(learning_rate=float("inf")), dict(ode_steps=0), dict(iterations=-1)])
def test_bad_flow_configs_are_refused(changes):
    with pytest.raises(ValueError, match=next(iter(changes))):
        neural_ode_flows.Config(**changes)
