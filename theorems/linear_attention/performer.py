r"""Performer's positive random features estimate the softmax kernel without bias (Choromanski et al. 2021).

**Performer's positive random features** (Choromanski et al. 2021, Lemma 1). For $x, y\in\mathbb{R}^d$ and
$w\sim\mathcal N(0, I_d)$,

$$e^{x^\top y} = \mathbb{E}_w\!\left[e^{w^\top x - |x|^2/2}\, e^{w^\top y - |y|^2/2}\right],$$

because $\mathbb{E}\,e^{w^\top s} = e^{|s|^2/2}$ (a Gaussian integral, coordinate by coordinate) with $s = x + y$ and
$|x+y|^2/2 - |x|^2/2 - |y|^2/2 = x^\top y$. Averaging $m$ independent features gives an unbiased estimator with
relative mean squared error $\left(e^{|x+y|^2} - 1\right)/m$ (Lemma 2 of the paper, written relative). Softmax
attention uses $e^{q^\top k/\sqrt d}$: $x = q/d^{1/4}$, $y = k/d^{1/4}$.

Reference: K. Choromanski et al., *Rethinking attention with Performers*, ICLR 2021, arXiv:2009.14794.
"""

from __future__ import annotations

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.linear_attention.forms import d, gaussian_mean, w
from theorems.notation import Expectation

ID = "choromanski2021"

s = sp.Symbol("s", real=True)
k_ = sp.Symbol("k", integer=True)
X = sp.IndexedBase("x", real=True)
Y = sp.IndexedBase("y", real=True)
features = sp.Symbol("m", integer=True, positive=True)
"""Number of random features (the m of the Performer paper)."""
norm_sum_sq = sp.Symbol("r", nonnegative=True)
"""|x + y|^2."""


def relative_mse() -> sp.Expr:
    r"""$(e^{|x+y|^2} - 1)/m$: relative MSE of the m-feature positive estimator of $e^{x^\top y}$."""
    return (sp.exp(norm_sum_sq) - 1) / features


def _sq(f):
    return sp.Sum(f, (k_, 0, d - 1))


_W = sp.IndexedBase("w", real=True)
statement = sp.Eq(sp.exp(_sq(X[k_] * Y[k_])),
                  Expectation(sp.exp(_sq(_W[k_] * X[k_]) - _sq(X[k_]**2) / 2)
                                     * sp.exp(_sq(_W[k_] * Y[k_]) - _sq(Y[k_]**2) / 2), w),
                  evaluate=False)
r"""Lemma 1 ($\mathbb E_w$ the expectation over $w \sim \mathcal N(0, I_d)$); proved by :func:`prove_gaussian_mgf` and
:func:`prove_positive_features`."""


def prove_gaussian_mgf() -> Check:
    """E exp(s w) = exp(s^2 / 2) for w ~ N(0, 1) and every real s (the Gaussian integral)."""
    return prove_equal(ID, "E exp(s w) = exp(s^2/2), w ~ N(0,1), by integration",
                       gaussian_mean(sp.exp(s * w)), sp.exp(s**2 / 2))


def prove_positive_features() -> Check:
    """exp(x.y) = E[exp(w.x - |x|^2/2) exp(w.y - |y|^2/2)]: the exponent sum_k (x_k+y_k)^2/2 - x_k^2/2 - y_k^2/2.

    With the MGF per coordinate (independent coordinates multiply), the expectation is
    exp(sum_k (x_k+y_k)^2/2 - |x|^2/2 - |y|^2/2); the exponent equals x.y termwise, at symbolic d.
    """
    exponent = _sq(sp.expand((X[k_] + Y[k_])**2 / 2 - X[k_]**2 / 2 - Y[k_]**2 / 2))
    return prove_equal(ID, "exp(x.y) = E_w[exp(w.x - |x|^2/2) exp(w.y - |y|^2/2)], symbolic d",
                       exponent, _sq(X[k_] * Y[k_]))


def prove_relative_mse() -> Check:
    """Var of one feature / exp(x.y)^2 = exp(|x+y|^2) - 1; m i.i.d. features divide it by m.

    E[Y^2] = E exp(2 w.s) exp(-|x|^2 - |y|^2) = exp(2|s|^2 - |x|^2 - |y|^2) (MGF at 2s, proved by integration for
    one coordinate), and 2|s|^2 - |x|^2 - |y|^2 - 2 x.y = |s|^2 termwise at symbolic d.
    """
    second_moment_1d = sp.simplify(gaussian_mean(sp.exp(2 * s * w)) - sp.exp(2 * s**2)) == 0
    sk = X[k_] + Y[k_]
    exponent = _sq(sp.expand(2 * sk**2 - X[k_]**2 - Y[k_]**2 - 2 * X[k_] * Y[k_] - sk**2))
    exponent_ok = sp.simplify(exponent) == 0
    mean_of_m = sp.simplify((sp.exp(norm_sum_sq) - 1) / features - relative_mse()) == 0
    return prove_true(ID, "relative MSE of the m-feature estimator = (exp(|x+y|^2) - 1)/m, symbolic d",
                      second_moment_1d and exponent_ok and mean_of_m)


def prove_explicit_dimension_two() -> Check:
    """E exp(w.s) = exp(|s|^2/2) at d = 2 by a double Gaussian integral (no independence argument needed);
    with s = x + y this is Lemma 1 at d = 2 (the exponent identity is :func:`prove_positive_features`)."""
    w1, w2, s1, s2 = sp.symbols("w1 w2 s1 s2", real=True)
    density = sp.exp(-(w1**2 + w2**2) / 2) / (2 * sp.pi)
    total = sp.integrate(sp.exp(w1 * s1 + w2 * s2) * density, (w1, -sp.oo, sp.oo), (w2, -sp.oo, sp.oo))
    return prove_equal(ID, "E exp(w.s) = exp(|s|^2/2) at d = 2 by a double integral", total,
                       sp.exp((s1**2 + s2**2) / 2))


THEOREM = Theorem(
    id=ID,
    title="Performer: positive random features for the softmax kernel",
    module="linear_attention.performer",
    reference=Reference(
        key="choromanski2021rethinking",
        authors=("Krzysztof Choromanski", "Valerii Likhosherstov", "David Dohan", "Xingyou Song", "Andreea Gane",
                 "Tamas Sarlos", "Peter Hawkins", "Jared Davis", "Afroz Mohiuddin", "Lukasz Kaiser", "David Belanger",
                 "Lucy Colwell", "Adrian Weller"),
        year=2021,
        title="Rethinking Attention with Performers",
        venue="International Conference on Learning Representations (ICLR)",
        arxiv="2009.14794",
        entry_type="inproceedings",
    ),
    statement=statement,
    assumptions=(
        r"$w \sim \mathcal{N}(0, I_d)$; $m$ i.i.d. features (orthogonal features compared numerically)",
        r"relative MSE $(e^{|x+y|^2} - 1)/m$; the sample MSE is checked for $|x + y| \le 1$ only (log-normal tails)",
        r"softmax attention $\exp(q \cdot k/\sqrt{d})$ uses $x = q/d^{1/4}$, $y = k/d^{1/4}$",
    ),
    proofs=(prove_gaussian_mgf, prove_positive_features, prove_relative_mse, prove_explicit_dimension_two),
    aliases=("performer", "favor+"),
    summary="exp(x·y) = 𝔼_w[exp(w·x − |x|²/2) exp(w·y − |y|²/2)], relative MSE (exp|x+y|² − 1)/m",
)
