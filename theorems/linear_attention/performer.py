r"""Performer's positive random features estimate the softmax kernel without bias (Choromanski et al. 2021).

**Performer's positive random features** (Choromanski et al. 2021, Lemma 1). For $x, y\in\mathbb{R}^d$ and
$w\sim\mathcal N(0, I_d)$,

$$e^{x^\top y} = \mathbb{E}_w\!\left[e^{w^\top x - |x|^2/2}\, e^{w^\top y - |y|^2/2}\right],$$

because $\mathbb{E}\,e^{w^\top s} = e^{|s|^2/2}$ (a Gaussian integral, coordinate by coordinate) with $s = x + y$ and
$|x+y|^2/2 - |x|^2/2 - |y|^2/2 = x^\top y$. Averaging $m$ independent features gives an unbiased estimator with
relative mean squared error $\left(e^{|x+y|^2} - 1\right)/m$ (Lemma 2 of the paper, written relative). Softmax
attention uses $e^{q^\top k/\sqrt d}$: $x = q/d^{1/4}$, $y = k/d^{1/4}$.

**Orthogonal features.** Draw the $m$ rows in blocks of $d$ orthogonal directions, each row scaled to the norm of
an independent $\mathcal N(0, I_d)$ vector (every row is still marginally $\mathcal N(0, I_d)$, so the estimator
stays unbiased). Two rows of one block are no longer independent: with $r = |x+y|^2$ the relative covariance of
their features is $e^{-r}\,{}_1F_1(d; d/2; r/2) - 1$, and

$$\mathrm{MSE}_{\perp} = \frac{e^{r} - 1}{m} + \frac{d-1}{m}\left(e^{-r}\,{}_1F_1\!\left(d; \tfrac d2; \tfrac r2\right)
- 1\right)$$

($m$ a multiple of $d$; :func:`orthogonal_relative_mse`; the derivation is in
:func:`numerics.linear_attention.performer.orthogonal_relative_mse`). The ${}_1F_1$ series has coefficients
$(d)_k/((d/2)_k\,2^k) = \prod_{i<k}(d+i)/(d+2i) \le 1$ times those of $e^{r}$ (:func:`prove_orthogonal_no_worse`), so
the covariance is $\le 0$: orthogonal features are never worse than i.i.d. ones (the paper bounds the improvement;
this is its exact size for the positive features).

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
_k_moment = sp.Symbol("k", integer=True, nonnegative=True)
"""A series index (the k-th term of a hypergeometric series)."""


def relative_mse() -> sp.Expr:
    r"""$(e^{|x+y|^2} - 1)/m$: relative MSE of the m-feature positive estimator of $e^{x^\top y}$."""
    return (sp.exp(norm_sum_sq) - 1) / features


def orthogonal_pair_covariance() -> sp.Expr:
    r"""$e^{-r}\,{}_1F_1(d; d/2; r/2) - 1$: the relative covariance of the features of two rows of one orthogonal
    block ($r = |x+y|^2$); ${}_1F_1(d; d/2; |s|^2/2) = \mathbb E\, e^{s^\top(w_i + w_j)}$ for the pair."""
    return sp.exp(-norm_sum_sq) * sp.hyper([d], [d / 2], norm_sum_sq / 2) - 1


def orthogonal_relative_mse() -> sp.Expr:
    r"""$(e^{r} - 1)/m + (d-1)/m\,(e^{-r}{}_1F_1(d; d/2; r/2) - 1)$: relative MSE of the m-feature positive estimator
    with orthogonal blocks of $d$ rows ($m$ a multiple of $d$): each of the $m/d$ independent blocks adds $d(d-1)$
    ordered pairs of covariance :func:`orthogonal_pair_covariance` to the i.i.d. variance."""
    return relative_mse() + (d - 1) / features * orthogonal_pair_covariance()


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


def prove_block_pair_mgf_series() -> Check:
    r"""The pair MGF $\mathbb E\,e^{s^\top(w_i+w_j)} = {}_1F_1(d; d/2; |s|^2/2)$ termwise: $w_i + w_j = \rho u$ with
    $\rho^2 \sim \chi^2_{2d}$ independent of the uniform direction $u$, $\mathbb E_u e^{a u_1} = \sum_k
    (a^2/4)^k/((d/2)_k k!)$ (the sphere's ${}_0F_1$, taken as known), and $\mathbb E\rho^{2k} = 2^k (d)_k$ (the
    $\chi^2_{2d}$ moment, integrated here at symbolic $d, k$): the $k$-th term is $(d)_k/(d/2)_k\,(|s|^2/2)^k/k!$,
    the $k$-th term of ${}_1F_1(d; d/2; |s|^2/2)$."""
    x = sp.Symbol("x", positive=True)
    moment = sp.integrate(x**_k_moment * x**(d - 1) * sp.exp(-x / 2) / (2**d * sp.gamma(d)), (x, 0, sp.oo))
    s_sq = sp.Symbol("S", positive=True)  # |s|^2
    term = moment * (s_sq / 4)**_k_moment / (sp.rf(d / 2, _k_moment) * sp.factorial(_k_moment))
    hyper_term = sp.rf(d, _k_moment) / sp.rf(d / 2, _k_moment) * (s_sq / 2)**_k_moment / sp.factorial(_k_moment)
    return prove_equal(ID, "E exp(s.(w_i + w_j)) for an orthogonal pair = 1F1(d; d/2; |s|^2/2), termwise "
                           "(E chi^2_2d^k = 2^k (d)_k by integration)", sp.gammasimp(term / hyper_term), sp.Integer(1))


def prove_orthogonal_no_worse() -> Check:
    r"""The ${}_1F_1(d; d/2; r/2)$ series is termwise at most that of $e^{r}$: the coefficient ratio
    $c_k = (d)_k/((d/2)_k 2^k)$ has $c_0 = 1$ and $c_{k+1}/c_k = (d+k)/(d+2k) \le 1$ for $k \ge 0$, so
    $e^{-r}{}_1F_1(d; d/2; r/2) \le 1$: the orthogonal MSE is at most the i.i.d. one."""
    def c(j):
        return sp.rf(d, j) / (sp.rf(d / 2, j) * 2**j)

    ratio = sp.gammasimp(c(_k_moment + 1) / c(_k_moment))
    ratio_ok = sp.simplify(ratio - (d + _k_moment) / (d + 2 * _k_moment)) == 0
    gap = sp.factor(1 - ratio)  # k / (d + 2k): non-negative for k >= 0, d > 0 (SymPy's assumptions decide it)
    return prove_true(ID, "orthogonal features no worse: coefficients of 1F1(d; d/2; r/2) / those of e^r = "
                          "prod (d+i)/(d+2i) <= 1, symbolic d", ratio_ok and bool(gap.is_nonnegative) and c(0) == 1)


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
        r"$w \sim \mathcal{N}(0, I_d)$; $m$ i.i.d. features, or orthogonal blocks of $d$ rows with the exact MSE "
        r"$(e^{r} - 1)/m + (d-1)/m\,(e^{-r}{}_1F_1(d; d/2; r/2) - 1)$, $r = |x+y|^2$",
        r"relative MSE $(e^{|x+y|^2} - 1)/m$; the sample MSE is checked for $|x + y| \le 1$ only (log-normal tails)",
        r"softmax attention $\exp(q \cdot k/\sqrt{d})$ uses $x = q/d^{1/4}$, $y = k/d^{1/4}$",
    ),
    proofs=(prove_gaussian_mgf, prove_positive_features, prove_relative_mse, prove_explicit_dimension_two,
            prove_block_pair_mgf_series, prove_orthogonal_no_worse),
    aliases=("performer", "favor+"),
    summary="exp(x·y) = 𝔼_w[exp(w·x − |x|²/2) exp(w·y − |y|²/2)], relative MSE (exp|x+y|² − 1)/m",
)
