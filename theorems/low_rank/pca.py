r"""Principal components: the top-$k$ eigenvectors capture the most variance, and the sample ones converge to them
at a rate set by the eigengap.

Let $\Sigma \in \mathbb{R}^{p\times p}$ be a covariance matrix with eigenvalues $\lambda_1 \ge \dots \ge \lambda_p
\ge 0$ and orthonormal eigenvectors $v_1, \dots, v_p$, and let $V = (v_1, \dots, v_k)$.

**Ky Fan's maximum principle** (the variance that PCA keeps). For every orthogonal projection $P$ of rank $k$,

$$\operatorname{tr}(P\Sigma) \;\le\; \sum_{i=1}^{k} \lambda_i, \qquad\text{with equality at } P = VV^\top,$$

so the top-$k$ principal subspace captures the fraction $\sum_{i\le k}\lambda_i / \sum_{i\le p}\lambda_i$ of the
total variance $\operatorname{tr}\Sigma$, and no $k$-dimensional subspace captures more. (That $VV^\top$ captures
$\sum_{i\le k}\lambda_i$ is the definition of the eigenvectors, not the theorem; the theorem is the inequality for
every other $P$.) The proof, as :func:`prove_ky_fan_deficit` checks it: write $w_i = v_i^\top P v_i = \|Pv_i\|^2
\in [0, 1]$, so that $\sum_i w_i = \operatorname{tr} P = k$ and $\operatorname{tr}(P\Sigma) = \sum_i \lambda_i
w_i$; then, exactly,

$$\sum_{i\le k}\lambda_i - \operatorname{tr}(P\Sigma) = \sum_{i\le k} (\lambda_i - \lambda_k)(1 - w_i)
  + (\lambda_k - \lambda_{k+1}) \sum_{j>k} w_j + \sum_{j>k} (\lambda_{k+1} - \lambda_j)\, w_j ,$$

a sum of non-negative terms. Its middle term is $\delta\,\|\sin\Theta\|_F^2$ with $\delta = \lambda_k -
\lambda_{k+1}$ and $\|\sin\Theta\|_F^2 = \sum_{j>k}\|P v_j\|^2$ the squared sines of the principal angles between
$\operatorname{range} P$ and $\operatorname{range} V$: a subspace at angle $\Theta$ loses at least
$\delta\|\sin\Theta\|_F^2$ of variance (the quantitative form that :mod:`numerics.low_rank.pca` measures).

**Davis–Kahan with the population gap** (Yu, Wang and Samworth 2015, Theorem 1, the case $r = 1$, $s = k$). Let
$\hat\Sigma$ be any symmetric matrix (a sample covariance), $\hat V$ its top-$k$ eigenvectors, $E = \hat\Sigma -
\Sigma$, and $\delta = \lambda_k - \lambda_{k+1} > 0$. Then

$$\|\sin\Theta(\hat V, V)\|_F \;\le\; \frac{2\min\left(\sqrt{k}\,\|E\|_{\mathrm{op}},\ \|E\|_F\right)}{\delta}, \qquad
  \|\sin\Theta(\hat V, V)\|_{\mathrm{op}} \;\le\; \frac{2\|E\|_{\mathrm{op}}}{\delta}.$$

The operator form follows from Davis and Kahan's $\sin\Theta$ theorem (gap between $\hat\lambda_k$ and
$\lambda_{k+1}$) and Weyl's inequality $|\hat\lambda_k - \lambda_k| \le \|E\|_{\mathrm{op}}$: when
$\|E\|_{\mathrm{op}} \le \delta/2$ that gap is at least $\delta/2$, otherwise the right side exceeds 1. Unlike
Davis–Kahan's original, the denominator involves $\Sigma$ only.

**The constant 2 cannot be lowered** (:func:`prove_constant_two_is_sharp`; an example of this module, not of the
paper): with $\lambda_1 = \dots = \lambda_k = 1$ and $\lambda_{k+1} = \dots = \lambda_{2k} = 1 - \delta$, the
perturbation $E = (\delta/2 + \varepsilon)(P_{k+1..2k} - P_{1..k})$ swaps the two blocks, $\|\sin\Theta\|_F =
\sqrt k$, $\|\sin\Theta\|_{\mathrm{op}} = 1$, and both ratios of angle to bound are $\delta/(\delta +
2\varepsilon) \to 1$ as $\varepsilon \to 0$; without its factor 2 the bound is exceeded by nearly twice.

**The worst case against the typical case** (first-order perturbation theory; Anderson 1963). For Gaussian samples,
$\hat\Sigma = \frac1n\sum_{t\le n} x_t x_t^\top$ with $x_t \sim \mathcal N(0, \Sigma)$, to first order $\sin\Theta$
has the entries $v_j^\top E v_i / (\lambda_i - \lambda_j)$ ($i \le k < j$; :func:`prove_first_order_angle`), and
$\mathbb{E}(v_j^\top E v_i)^2 = \lambda_i\lambda_j/n$ exactly (:func:`prove_first_order_variance`), so

$$n\,\mathbb{E}\|\sin\Theta\|_F^2 \;\to\; \sum_{i\le k<j} \frac{\lambda_i\lambda_j}{(\lambda_i - \lambda_j)^2}
  \qquad (n\to\infty),$$

with a relative correction of order $1/(n\delta^2)$. So the angle falls like $n^{-1/2}$ and grows like
$1/\delta$ as the bound says, with a constant the bound does not see: measured, the bound is 2–10 times the angle.

References: Y. Yu, T. Wang, R. J. Samworth, *A useful variant of the Davis–Kahan theorem for statisticians*,
Biometrika 102(2), 315–323, 2015. C. Davis, W. M. Kahan, *The rotation of eigenvectors by a perturbation. III*,
SIAM J. Numer. Anal. 7(1), 1970. K. Fan, *On a theorem of Weyl concerning eigenvalues of linear transformations I*,
PNAS 35(11), 652–655, 1949. T. W. Anderson, *Asymptotic theory for principal component analysis*, Ann. Math.
Statist. 34(1), 1963. K. Pearson, *On lines and planes of closest fit to systems of points in space*, Phil. Mag.
2(11), 1901 (PCA itself).

**Slips in the sources and in circulation.** The seed post (linear algebra for LLMs) names PCA among the uses of
eigen-decompositions without a statement. Two natural slips are the wrong neighbours here: reading the
explained variance off the singular values of the data matrix *without squaring them*
($\sum_{i\le k}\sigma_i/\sum\sigma_i$ in place of $\sum_{i\le k}\sigma_i^2/\sum\sigma_i^2 = \sum_{i\le k}\lambda_i
/\sum\lambda_i$), and quoting the Davis–Kahan bound with the population gap but without its factor 2, which is false
(the example above).
"""

from __future__ import annotations


import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.notation import ForAll, symbol

ID = "yu2015"

p = sp.Symbol("p", integer=True, positive=True)
"""The dimension."""
k = sp.Symbol("k", integer=True, positive=True)
"""The number of principal components kept."""
n = sp.Symbol("n", integer=True, positive=True)
"""The sample size."""
i, j = sp.symbols("i j", integer=True, positive=True)
lam = sp.IndexedBase("lambda", real=True)
r"""The eigenvalues $\lambda_1 \ge \dots \ge \lambda_p$ of $\Sigma$, indexed from 1."""
gap = symbol("gap", r"\delta", positive=True)
r"""The population eigengap $\delta = \lambda_k - \lambda_{k+1}$."""
E_op = symbol("E_op", r"\|E\|_{\mathrm{op}}", nonnegative=True)
E_F = symbol("E_F", r"\|E\|_F", nonnegative=True)
eps = symbol("eps", r"\varepsilon", positive=True)
lam_i = symbol("lam_i", r"\lambda_i", positive=True)
lam_j = symbol("lam_j", r"\lambda_j", positive=True)
sin_F = symbol("sin_F", r"\|\sin\Theta\|_F", nonnegative=True)
sin_op = symbol("sin_op", r"\|\sin\Theta\|_{\mathrm{op}}", nonnegative=True)


# ---------------------------------------------------------------------------------------------------------------
# The formulas, once (numerics.low_rank.pca lambdifies them)
# ---------------------------------------------------------------------------------------------------------------


def kept_variance() -> sp.Expr:
    r"""$\sum_{i=1}^{k}\lambda_i$: the most variance a rank-$k$ projection captures (Ky Fan)."""
    return sp.Sum(lam[i], (i, 1, k))


def total_variance() -> sp.Expr:
    r"""$\operatorname{tr}\Sigma = \sum_{i=1}^{p}\lambda_i$."""
    return sp.Sum(lam[i], (i, 1, p))


def captured_fraction() -> sp.Expr:
    r"""$\sum_{i\le k}\lambda_i / \sum_{i\le p}\lambda_i$, the fraction of variance the top-$k$ subspace captures."""
    return kept_variance() / total_variance()


def frobenius_bound() -> sp.Expr:
    r"""$2\min(\sqrt k\,\|E\|_{\mathrm{op}}, \|E\|_F)/\delta$ (Yu, Wang and Samworth 2015, Theorem 1)."""
    return 2 * sp.Min(sp.sqrt(k) * E_op, E_F) / gap


def operator_bound() -> sp.Expr:
    r"""$2\|E\|_{\mathrm{op}}/\delta$, the operator-norm form."""
    return 2 * E_op / gap


def first_order_term() -> sp.Expr:
    r"""$\lambda_i\lambda_j/(\lambda_i - \lambda_j)^2$: one pair's share of $n\,\mathbb{E}\|\sin\Theta\|_F^2$."""
    return lam_i * lam_j / (lam_i - lam_j) ** 2


def deficit_bound() -> sp.Expr:
    r"""$\delta\,\|\sin\Theta\|_F^2$: the least variance a subspace at angle $\Theta$ loses."""
    return gap * sin_F**2


def swap_ratio() -> sp.Expr:
    r"""$\delta/(\delta + 2\varepsilon)$: the Frobenius and operator ratios (angle over bound) of the block swap."""
    return gap / (gap + 2 * eps)


# The wrong neighbours' formulas (numerics.low_rank.pca declares them; each is a slip a reader makes).


def fraction_from_unsquared_singular_values() -> sp.Expr:
    r"""Wrong: $\sum_{i\le k}\sqrt{\lambda_i}/\sum\sqrt{\lambda_i}$, the data's singular values not squared."""
    return sp.Sum(sp.sqrt(lam[i]), (i, 1, k)) / sp.Sum(sp.sqrt(lam[i]), (i, 1, p))


def frobenius_bound_without_two() -> sp.Expr:
    r"""Wrong: $\min(\sqrt k\|E\|_{\mathrm{op}}, \|E\|_F)/\delta$ (false: the block swap exceeds it)."""
    return frobenius_bound() / 2


def frobenius_bound_without_gap() -> sp.Expr:
    r"""Wrong: $2\min(\sqrt k\|E\|_{\mathrm{op}}, \|E\|_F)$ (the gap dropped; false for $\delta < 1$)."""
    return frobenius_bound() * gap


def frobenius_bound_with_k() -> sp.Expr:
    r"""Looser: $2\min(k\|E\|_{\mathrm{op}}, \|E\|_F)/\delta$ ($k$ for $\sqrt k$): true, never attained for $k\ge2$."""
    return 2 * sp.Min(k * E_op, E_F) / gap


def first_order_term_without_eigenvalues() -> sp.Expr:
    r"""Wrong: $1/(\lambda_i - \lambda_j)^2$, the numerator $\lambda_i\lambda_j$ lost."""
    return 1 / (lam_i - lam_j) ** 2


# ---------------------------------------------------------------------------------------------------------------
# The statement (display)
# ---------------------------------------------------------------------------------------------------------------


class _Trace(sp.Function):
    """$\\operatorname{tr}(\\cdot)$ of a display argument (SymPy's Trace needs a matrix)."""

    nargs = 1

    def _latex(self, printer) -> str:
        return rf"\operatorname{{tr}}\left({printer._print(self.args[0])}\right)"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(*prettyForm(*printer._print(self.args[0]).parens()).left("tr"))


def _statement() -> sp.Basic:
    P = symbol("P", "P")
    Sigma = symbol("Sigma", r"\Sigma")
    ky_fan = ForAll((P,), sp.Le(_Trace(P * Sigma), kept_variance()), symbol("projections", r"\mathcal{P}_k"))
    return sp.And(ky_fan, sp.Le(sin_F, frobenius_bound()), sp.Le(sin_op, operator_bound()))


statement = _statement()
r"""$\forall P$ of rank $k$: $\operatorname{tr}(P\Sigma) \le \sum_{i\le k}\lambda_i$; and
$\|\sin\Theta\|_F \le 2\min(\sqrt k\|E\|_{\mathrm{op}}, \|E\|_F)/\delta$, $\|\sin\Theta\|_{\mathrm{op}} \le
2\|E\|_{\mathrm{op}}/\delta$."""


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def ky_fan_deficit(eigenvalues, weights, rank: int) -> tuple[sp.Expr, sp.Expr]:
    r"""Both sides of the deficit identity for eigenvalues $\lambda$, weights $w$ and rank $k$:
    $\sum_{i\le k}\lambda_i - \sum_i \lambda_i w_i$ and the sum of the three non-negative terms (module docstring)."""
    top = eigenvalues[:rank]
    left = sum(top) - sum(l * w for l, w in zip(eigenvalues, weights))
    lk, lk1 = eigenvalues[rank - 1], eigenvalues[rank]
    right = (sum((l - lk) * (1 - w) for l, w in zip(top, weights[:rank]))
             + (lk - lk1) * sum(weights[rank:])
             + sum((lk1 - l) * w for l, w in zip(eigenvalues[rank:], weights[rank:])))
    return left, right


def prove_ky_fan_deficit(max_dim: int = 7) -> Check:
    """Ky Fan: the variance a rank-k projection misses is a sum of non-negative terms.

    sum_(i<=k) lambda_i - tr(P Sigma) equals the three terms of :func:`ky_fan_deficit`, one of them
    gap ||sin Theta||_F^2, at every dimension p <= max_dim and rank k < p, once sum_i w_i = k (the weights
    w_i = ||P v_i||^2 lie in [0, 1])."""
    holds = True
    for dim in range(2, max_dim + 1):
        ls = sp.symbols(f"l1:{dim + 1}", real=True)
        ws = sp.symbols(f"w1:{dim + 1}", real=True)
        for rank in range(1, dim):
            last = rank - sum(ws[:-1])  # sum_i w_i = tr P = k
            weights = (*ws[:-1], last)
            left, right = ky_fan_deficit(ls, weights, rank)
            holds &= sp.expand(left - right) == 0
    return prove_true(ID, f"Ky Fan: sum_(i<=k) lambda_i - tr(P Sigma) = sum of non-negative terms including "
                          f"gap ||sin Theta||_F^2, every p <= {max_dim}, k < p", holds)


def prove_projection_weights() -> Check:
    """The weights w_i = e_i^T P e_i of a rank-k projection lie in [0, 1] and sum to k.

    For an orthogonal projection P of rank 1 or 2 in R^3 (P = q q^T/|q|^2 and I - r r^T/|r|^2, symbolic q, r):
    w_i = e_i^T P e_i and 1 - w_i = |(I - P) e_i|^2 are squares' sums, so 0 <= w_i <= 1, and sum_i w_i = rank P."""
    q = sp.Matrix(sp.symbols("q1:4", real=True))
    r = sp.Matrix(sp.symbols("r1:4", real=True))
    one = q * q.T / (q.T * q)[0]
    two = sp.eye(3) - r * r.T / (r.T * r)[0]
    def zero(expr) -> bool:
        return sp.cancel(sp.together(expr)) == 0

    holds = True
    for P, rank in ((one, 1), (two, 2)):
        holds &= all(zero(x) for x in (P * P - P)) and all(zero(x) for x in (P.T - P))
        for a in range(3):
            e = sp.eye(3)[:, a]
            holds &= zero(P[a, a] - ((P * e).T * (P * e))[0])  # w_a = |P e_a|^2 >= 0
            rest = (sp.eye(3) - P) * e
            holds &= zero(1 - P[a, a] - (rest.T * rest)[0])  # 1 - w_a = |(I-P) e_a|^2 >= 0
        holds &= zero(P.trace() - rank)
    return prove_true(ID, "the weights w_i = ||P v_i||^2 of a rank-k projection lie in [0, 1] and sum to k "
                          "(rank 1 and 2 in R^3)", holds)


def prove_constant_two_is_sharp() -> Check:
    """The constant 2 is sharp: the block swap attains gap/(gap + 2 eps) of the bound.

    The block swap (module docstring), symbolic k, gap, eps: the sample top block is the population's next block,
    ||sin Theta||_F = sqrt k, ||sin Theta||_op = 1, ||E||_op = gap/2 + eps, ||E||_F = sqrt(2k)(gap/2 + eps); the
    Frobenius and operator ratios are gap/(gap + 2 eps) -> 1 as eps -> 0, and twice that without the 2 (> 1)."""
    shift = gap / 2 + eps
    swapped = sp.simplify((1 - gap + shift) - (1 - shift)) == 2 * eps  # new top block above the old one
    e_op, e_fro = shift, sp.sqrt(2 * k) * shift
    minimum = sp.simplify(sp.Min(sp.sqrt(k) * e_op, e_fro) - sp.sqrt(k) * e_op) == 0
    fro_ratio = sp.simplify(sp.sqrt(k) / frobenius_bound().subs({E_op: e_op, E_F: e_fro}) - swap_ratio()) == 0
    op_ratio = sp.simplify(1 / operator_bound().subs(E_op, e_op) - swap_ratio()) == 0
    limit = sp.limit(swap_ratio(), eps, 0, "+") == 1
    without_two = sp.simplify(sp.sqrt(k) / frobenius_bound_without_two().subs({E_op: e_op, E_F: e_fro})
                              - 2 * swap_ratio()) == 0
    exceeds = sp.simplify(2 * swap_ratio() - 1 - (gap - 2 * eps) / (gap + 2 * eps)) == 0  # > 0 iff eps < gap/2
    return prove_true(ID, "the constant 2 is sharp: the block swap has ratio gap/(gap + 2 eps) -> 1, and exceeds "
                          "the bound without the 2 for eps < gap/2",
                      swapped and minimum and fro_ratio and op_ratio and limit and without_two
                      and exceeds)


def prove_first_order_angle() -> Check:
    """First order: the top eigenvector turns by v_2^T E v_1 / (lambda_1 - lambda_2).

    For a symmetric [[a, b], [b, c]], the rotation by theta with tan 2 theta = 2b/(a - c) diagonalises it (the
    off-diagonal entry ((c - a)/2) sin 2 theta + b cos 2 theta vanishes). For diag(l1, l2) + t E this is
    theta(t) = atan(2 t E12/(l1 - l2 + t(E11 - E22)))/2, and d sin theta/dt at 0 is E12/(l1 - l2): the top
    eigenvector turns by sin Theta = v_2^T E v_1/(lambda_1 - lambda_2) + O(||E||^2)."""
    a, b, c, cos2 = sp.symbols("a b c C", real=True)
    tan2 = 2 * b / (a - c)
    off_diagonal = (c - a) / 2 * (tan2 * cos2) + b * cos2  # sin 2 theta = tan 2 theta cos 2 theta
    t = sp.Symbol("t", real=True)
    l1, l2 = sp.symbols("l1 l2", real=True)
    e11, e12, e22 = sp.symbols("e11 e12 e22", real=True)
    theta = sp.atan(2 * t * e12 / (l1 - l2 + t * (e11 - e22))) / 2
    slope = sp.diff(sp.sin(theta), t).subs(t, 0)
    holds = sp.simplify(off_diagonal) == 0 and sp.simplify(slope - e12 / (l1 - l2)) == 0
    return prove_true(ID, "first order: sin Theta = v_2^T E v_1/(lambda_1 - lambda_2) + O(||E||^2) (2 x 2 rotation)",
                      holds)


def prove_first_order_variance() -> Check:
    """The first-order variance: E (v_j^T E v_i)^2 = lambda_i lambda_j / n for Gaussian samples.

    For x ~ N(0, diag(l_i, l_j)) and Sigma_hat = (1/n) sum_t x_t x_t^T, E[(Sigma_hat_ij)^2] = l_i l_j/n by Gaussian
    integrals (E z^2 = 1, E z = 0) and the independence of the n samples; summing the first-order entries,
    n E||sin Theta||_F^2 -> sum_(i<=k<j) l_i l_j/(l_i - l_j)^2."""
    z = sp.Symbol("z", real=True)
    density = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    moment = {power: sp.integrate(z**power * density, (z, -sp.oo, sp.oo)) for power in (1, 2)}
    # E[(sum_t a_t)^2] for a_t = x_ti x_tj: n E[a^2] + n(n-1) E[a]^2, with E a = sqrt(l_i l_j) E z E z' = 0
    mean_a = sp.sqrt(lam_i * lam_j) * moment[1] ** 2
    mean_a2 = lam_i * lam_j * moment[2] ** 2
    second_moment = (n * mean_a2 + n * (n - 1) * mean_a**2) / n**2
    first_order = second_moment / (lam_i - lam_j) ** 2
    return prove_equal(ID, "E[(v_j^T E v_i)^2] = lambda_i lambda_j/n: n E (sin Theta_ji)^2 -> lambda_i lambda_j/"
                           "(lambda_i - lambda_j)^2 to first order", n * first_order, first_order_term())


THEOREM = Theorem(
    id=ID,
    title="Principal components: Ky Fan's maximum and the Davis-Kahan bound with the population eigengap",
    module="low_rank.pca",
    reference=Reference(
        key="yu2015davis",
        authors=("Yi Yu", "Tengyao Wang", "Richard J. Samworth"),
        year=2015,
        title="A useful variant of the Davis-Kahan theorem for statisticians",
        venue="Biometrika",
        volume="102",
        number="2",
        pages="315--323",
        doi="10.1093/biomet/asv008",
        arxiv="1405.0680",
    ),
    statement=statement,
    assumptions=(
        r"$\Sigma$ symmetric with eigenvalues $\lambda_1 \ge \dots \ge \lambda_p$ and eigengap $\delta = "
        r"\lambda_k - \lambda_{k+1} > 0$; $\hat\Sigma = \Sigma + E$ symmetric, $\hat V$ its top-$k$ eigenvectors",
        r"$\|\sin\Theta\|$: the sines of the principal angles between $\hat V$ and $V$, $\|\sin\Theta\|_F = "
        r"\|V_\perp^\top \hat V\|_F$",
        r"that $VV^\top$ captures $\sum_{i\le k}\lambda_i$ is a definition; Ky Fan's theorem is that no rank-$k$ "
        r"projection captures more",
        r"first order: Gaussian samples, $\hat\Sigma = \frac1n\sum_t x_t x_t^\top$ with the mean known (zero)",
    ),
    proofs=(prove_ky_fan_deficit, prove_projection_weights, prove_constant_two_is_sharp, prove_first_order_angle,
            prove_first_order_variance),
    aliases=("pca", "davis-kahan", "ky-fan"),
    summary="tr(PΣ) ≤ Σᵢ≤ₖ λᵢ (Ky Fan); ‖sin Θ‖_F ≤ 2 min(√k‖E‖, ‖E‖_F)/δ with the population gap δ",
)
