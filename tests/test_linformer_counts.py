"""Linformer's per-pair law (wang2020, numerics.linear_attention.linformer_counts): the exact tail against samples of
its chi-square representation, the binomial interval's rate, and the count and mean-square checks failing on the
errors they are meant to see (10x in variance either way), where the JL bound's check still holds."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.special import bdtr, bdtrc, chdtr, chdtrc

from numerics.linear_attention import linformer, linformer_counts as counts
from numerics.neighbours import scaled

pytestmark = pytest.mark.wang2020

SMALL = counts.Config.small()


@pytest.mark.parametrize("rho", [-0.3, 0.05, 0.4])
def test_tail_probability_agrees_with_samples_of_the_law(rho):
    """q = P(|((1+rho)A - (1-rho)B)/(2k) - rho| > t) by quadrature against 2 10^5 draws of A, B ~ chi^2_k
    (|z| <= 6 with the binomial standard error, 9e-4: a slip in a conditional tail moves q by far more; the
    quadrature's own error is below 1e-11)."""
    k_, t, draws = 167, 0.1, 2 * 10**5
    q, error = counts.tail_probability(t, rho, k_)
    assert error < 1e-11
    rng = np.random.default_rng(0)
    a, b = rng.chisquare(k_, draws), rng.chisquare(k_, draws)
    hits = np.mean(np.abs(((1 + rho) * a - (1 - rho) * b) / (2 * k_) - rho) > t)
    assert abs(hits - q) <= 6 * math.sqrt(q * (1 - q) / draws)


def test_norm_tail_is_the_chi_square_tail():
    """At rho = 1 the lambdified tail is P(chi^2_k > k(1+t)) + P(chi^2_k < k(1-t)) (SciPy's chi-square, 1e-12)."""
    for k_, t in ((167, 0.1), (222, 0.05), (340, 0.3)):
        q, _ = counts.tail_probability(t, 1.0, k_)
        assert math.isclose(q, chdtrc(k_, k_ * (1 + t)) + chdtr(k_, k_ * (1 - t)), rel_tol=1e-12)


def test_binomial_interval_has_the_stated_rate_and_no_more():
    """P(S < lo) <= rate/2 < P(S <= lo) and P(S > hi) <= rate/2 < P(S >= hi): the narrowest such interval."""
    trials, q, rate = 1000, 0.2, 2e-9
    lo, hi = counts.binomial_interval(trials, q, 0.0, rate)
    assert bdtr(lo - 1, trials, q) <= rate / 2 < bdtr(lo, trials, q)
    assert bdtrc(hi, trials, q) <= rate / 2 < bdtrc(hi - 1, trials, q)


def _with_errors(result, errors, threshold):
    """``result`` with the normalised errors replaced (count, mean square and its standard error recomputed)."""
    sq = errors**2
    return dataclasses.replace(result, errors=errors, count=np.sum(np.abs(errors) > threshold, axis=1),
                               mean_sq=sq.mean(axis=1), mean_sq_se=sq.std(axis=1, ddof=1) / math.sqrt(errors.shape[1]))


@pytest.mark.parametrize("scale", [math.sqrt(10), 1 / math.sqrt(10)])
def test_count_and_mean_square_fail_on_errors_ten_times_off_in_variance(small_run, scale):
    """Errors scaled by sqrt(10) or 1/sqrt(10) (variance 10x off either way) fail every count and mean-square
    check; the true errors pass them all."""
    result = small_run(counts)
    assert all(c.holds for c in counts.checks(result, SMALL))
    scaled = _with_errors(result, scale * result.errors, SMALL.threshold)
    for idx in range(len(result.rho)):
        assert not counts.count_check(scaled, idx, SMALL).holds
        assert not counts.mean_square_check(scaled, idx, SMALL).holds


@pytest.mark.parametrize("factor", [10.0, 0.1])
def test_count_sees_a_rate_ten_times_off_where_the_jl_fraction_check_cannot(small_run, factor):
    """The JL fraction check of the main experiment (0 exceedances) holds with its bound scaled by 10 or by 1/10:
    vacuous. The count, its sharp partner, fails against an exceedance probability 10x or 1/10 the law's."""
    main = small_run(linformer)
    jl = linformer.exceedance_check(main, 0)
    assert jl.holds and scaled(jl, factor).holds
    result = small_run(counts)
    for idx in range(len(result.rho)):
        wrong = min(1.0, factor * float(result.probability[idx]))
        assert counts.count_check(result, idx, SMALL).holds
        assert not counts.count_check(result, idx, SMALL, wrong, 0.0, f"{factor:g} x the law").holds


def test_errors_are_independent_across_projections(small_run):
    """Lag-one correlation of each pair's errors over the trials within 6/sqrt(T) of 0 (independent draws of E)."""
    errors = small_run(counts).errors
    for e in errors:
        centred = e - e.mean()
        assert abs(np.dot(centred[1:], centred[:-1]) / np.dot(centred, centred)) <= 6 / math.sqrt(e.size)


@pytest.mark.parametrize("kwargs", [dict(threshold=1.5), dict(trials=1010), dict(trials=500), dict(eps=0.2),
                                    dict(rate=0.5)])
def test_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        counts.Config(**kwargs)
