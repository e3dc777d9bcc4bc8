"""The rounding model's two-sided check (numerics.rounding_model): TF32 rounding is what it says, the format ratio
holds on samples of one distribution for every seed, and fails for an error ten times too large or too small."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from numerics import rounding_model
from numerics.neighbours import scaled
from numerics.rounding_model import format_ratio, format_ratio_check, round_mantissa

pytestmark = [pytest.mark.frobenius, pytest.mark.katharopoulos2020]


def test_round_mantissa_keeps_ten_bits_to_nearest_even():
    one = 1.0
    x = jnp.array([one + 2.0**-11, one + 3 * 2.0**-12, one + 2.0**-10, 3 * 2.0**-11 + one, -(one + 2.0**-12)],
                  jnp.float32)
    expected = [one, one + 2.0**-10, one + 2.0**-10, one + 2.0**-9, -one]
    assert np.asarray(round_mantissa(x, 10)).tolist() == expected
    ten_bits = jnp.array([1.5, 2.0**-20 * (1 + 2.0**-10)], jnp.float32)
    assert np.array_equal(np.asarray(round_mantissa(ten_bits, 10)), np.asarray(ten_bits))
    z = jnp.array([(one + 2.0**-11) + 1j * (one + 3 * 2.0**-12)], jnp.complex64)
    assert complex(round_mantissa(z, 10)[0]) == one + 1j * (one + 2.0**-10)
    with jax.enable_x64(True):
        assert float(round_mantissa(jnp.array([one + 2.0**-30]), 23)[0]) == one  # float64: float32's mantissa


def _samples(rng, groups=3, samples=64, scale=1.0):
    """Squared normalised errors of a sum of rounding errors: Gaussian-like, group scales 0.2 to 1."""
    spread = np.linspace(0.2, 1.0, groups)[:, None]
    return (scale * spread * rng.standard_normal((groups, samples))) ** 2


def test_ratio_check_holds_for_one_distribution_at_every_seed_and_fails_ten_times_off():
    """200 seeds of two samples of one distribution: the check never fails (the z bound and the kernels'
    allowance); the low format's errors ten times larger, or the interval of a neighbour ten times looser, fail at
    every seed."""
    for seed in range(200):
        rng = np.random.default_rng(seed)
        low, high = _samples(rng), _samples(rng)
        check = format_ratio_check("t", "ratio", low, high)
        assert check.holds, (seed, check.measured, check.bound)
        assert not format_ratio_check("t", "ratio", 100 * low, high).holds
        assert not format_ratio_check("t", "ratio", low, 100 * high).holds
        assert not scaled(check, 10).holds


def test_ratio_leaves_out_groups_where_both_formats_are_exact_and_fails_where_one_is():
    rng = np.random.default_rng(0)
    low, high = _samples(rng), _samples(rng)
    low[0], high[0] = 0.0, 0.0
    assert format_ratio(low, high).groups == 2
    high[1] = 0.0
    assert not format_ratio_check("t", "ratio", low, high).holds
    assert not format_ratio_check("t", "ratio", np.zeros((1, 16)), np.zeros((1, 16))).holds  # nothing measured


def test_ratio_refuses_groups_too_small_for_the_normal_approximation():
    with pytest.raises(ValueError, match="fewer than 16"):
        format_ratio(np.ones((2, rounding_model.MIN_SAMPLES - 1)), np.ones((2, rounding_model.MIN_SAMPLES - 1)))
    with pytest.raises(ValueError, match="one shape"):
        format_ratio(np.ones((2, 16)), np.ones((3, 16)))
