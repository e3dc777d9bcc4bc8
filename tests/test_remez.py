"""The Remez exchange: certified bounds lower <= E_n(f) <= upper against known best-approximation errors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.remez import BERNSTEIN_CONSTANT, chebyshev_reference, levelled_error, remez


@given(n=st.integers(1, 10))
@settings(max_examples=10)
def test_monomial_error_is_two_to_minus_n(n):
    """E_n(x^{n+1}) = 2^{-n} on [-1, 1] lies between the certified bounds."""
    result = remez(lambda x: x ** (n + 1), n, lipschitz=n + 1, f_exact=lambda x: x ** (n + 1))
    assert result.lower <= 2.0**-n <= result.upper
    assert result.lower >= 2.0**-n * (1 - 1e-9)


def test_best_quadratic_to_abs_has_error_one_eighth():
    """E_2(|x|) = 1/8 (best approximation x^2 + 1/8), found through the symmetric rule (run at degree 3)."""
    result = remez(np.abs, 2, lipschitz=1.0, f_exact=abs, symmetric=True)
    assert result.degree == 3 and result.lower <= 0.125 <= result.upper and result.lower >= 0.125 - 1e-12


@pytest.mark.parametrize("degree", [2, 4, 8])
def test_symmetric_target_at_even_degree_levels_to_zero_on_the_chebyshev_reference(degree):
    """The first levelled error of |x| at even degree is 0 (why the symmetric rule runs degree + 1), not at odd."""
    assert abs(levelled_error(np.abs, degree, (-1.0, 1.0), chebyshev_reference(degree))) < 1e-14
    assert abs(levelled_error(np.abs, degree + 1, (-1.0, 1.0), chebyshev_reference(degree + 1))) > 1e-3


@pytest.mark.parametrize("half", [1, 5, 10, 25])
def test_bernstein_constant_approached_from_below(half):
    """2n E_{2n}(|x|) increases to Bernstein's beta ~ 0.28017 (Varga-Carpenter): certified lower bound below beta."""
    result = remez(np.abs, 2 * half, lipschitz=1.0, f_exact=abs, symmetric=True)
    assert 0.2499 <= 2 * half * result.lower <= BERNSTEIN_CONSTANT


def test_lower_bound_increases_with_degree_for_abs():
    values = [2 * m * remez(np.abs, 2 * m, lipschitz=1.0, f_exact=abs, symmetric=True).lower for m in (2, 4, 8)]
    assert values[0] < values[1] < values[2]


@given(shift=st.floats(0.2, 0.8), n=st.integers(1, 6))
@settings(max_examples=15)
def test_certified_lower_bound_is_below_any_polynomial_error(shift, n):
    """De la Vallée Poussin: no polynomial of degree n beats the lower bound, e.g. Chebyshev interpolants."""
    f = lambda x: np.abs(x - shift)  # noqa: E731
    result = remez(f, n, (0.0, 1.0), lipschitz=1.0, f_exact=lambda x: abs(x - Fraction(shift)),
                   breakpoints=(shift,))
    grid = np.linspace(0.0, 1.0, 20001)
    interpolant = np.polynomial.Chebyshev.interpolate(f, n, domain=[0.0, 1.0])
    assert result.lower <= np.max(np.abs(f(grid) - interpolant(grid))) + 1e-15
    assert result.lower <= result.upper


def test_monomial_basis_is_ill_conditioned_where_chebyshev_is_not():
    """Why the Chebyshev basis: at degree 12 on [0, 1] the monomial Vandermonde matrix on the reference has
    condition number > 1e8, the Chebyshev one < 100."""
    t = chebyshev_reference(12)
    x = (t + 1) / 2
    assert np.linalg.cond(np.vander(x, 13)) > 1e8
    assert np.linalg.cond(np.polynomial.chebyshev.chebvander(t, 12)) < 100


@pytest.mark.parametrize("kwargs, word", [({"degree": -1}, "degree"), ({"interval": (1.0, 0.0)}, "interval"),
                                          ({"lipschitz": -1.0}, "lipschitz")])
def test_bad_input_is_rejected(kwargs, word):
    arguments = {"degree": 2, "interval": (-1.0, 1.0), "lipschitz": 1.0} | kwargs
    with pytest.raises(ValueError, match=word):
        remez(np.abs, arguments["degree"], arguments["interval"], lipschitz=arguments["lipschitz"])
