r"""Rounding-error constants of floating-point arithmetic, as SymPy expressions.

Standard model (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, §2.2): for
$\mathrm{op} \in \{+,-,\times,/\}$, $\mathrm{fl}(a \,\mathrm{op}\, b) = (a \,\mathrm{op}\, b)(1 + \delta)$ with
$|\delta| \le u$, the unit roundoff ($u = 2^{-24}$ in float32, $2^{-53}$ in float64), provided nothing overflows or
underflows. Products of such factors are bounded by

$$\gamma_k = \frac{k u}{1 - k u}, \qquad k u < 1,$$

(Higham Lemma 3.1), and a length-$N$ inner product computed in any summation order satisfies
$|\mathrm{fl}(x^\top y) - x^\top y| \le \gamma_N \, |x|^\top |y|$ (Higham (3.5)). In complex arithmetic a product
has $|\delta| \le \sqrt2\,\gamma_2$ (Higham Lemma 3.5) and a sum of complex numbers is two real sums, so a length-$N$
complex inner product has error at most $\left((1 + \sqrt2\gamma_2)(1 + \gamma_{N-1}) - 1\right) |x|^\top|y|$
(summation error by Minkowski's inequality: $\sqrt{(\sum a_k)^2 + (\sum b_k)^2} \le \sum \sqrt{a_k^2 + b_k^2}$).
"""

from __future__ import annotations

import sympy as sp

u = sp.Symbol("u", positive=True)
"""The unit roundoff."""

UNIT_ROUNDOFF = {"float16": sp.Rational(1, 2**11), "bfloat16": sp.Rational(1, 2**8),
                 "float32": sp.Rational(1, 2**24), "float64": sp.Rational(1, 2**53)}
"""Unit roundoff of each real IEEE format (round to nearest); a complex format has that of its parts."""


def gamma(k: sp.Expr, unit: sp.Expr = u) -> sp.Expr:
    r"""Higham's $\gamma_k = k u / (1 - k u)$."""
    return k * unit / (1 - k * unit)


def real_inner_product(n: sp.Expr, unit: sp.Expr = u) -> sp.Expr:
    r"""Error constant of a real inner product of length n: $\gamma_n$."""
    return gamma(n, unit)


def complex_product(unit: sp.Expr = u) -> sp.Expr:
    r"""Relative error of one complex multiplication: $\sqrt2\,\gamma_2$."""
    return sp.sqrt(2) * gamma(2, unit)


def complex_inner_product(n: sp.Expr, unit: sp.Expr = u) -> sp.Expr:
    r"""Error constant of a complex inner product of length n: $(1+\sqrt2\gamma_2)(1+\gamma_{n-1}) - 1$."""
    return (1 + complex_product(unit)) * (1 + gamma(n - 1, unit)) - 1
