r"""Eckart–Young–Mirsky: the truncated SVD is a best rank-$k$ approximation.

Let $A \in \mathbb{R}^{m\times n}$ have singular values $\sigma_1 \ge \dots \ge \sigma_q \ge 0$, $q = \min(m, n)$,
and singular vectors $u_i, v_i$, and let $A_k = \sum_{i\le k}\sigma_i u_i v_i^\top$ for $k < q$. For **every**
matrix $B$ of rank at most $k$,

$$\|A - B\|_2 \;\ge\; \sigma_{k+1}, \qquad \|A - B\|_F^2 \;\ge\; \sum_{i=k+1}^{q}\sigma_i^2 ,$$

and $A_k$ attains both. That $\|A - A_k\|_2 = \sigma_{k+1}$ and $\|A - A_k\|_F^2 = \sum_{i>k}\sigma_i^2$ holds **by
construction** ($A - A_k = \sum_{i>k}\sigma_i u_i v_i^\top$ is itself an SVD): it is the definition of $A_k$, not the
theorem. The theorem is the inequality for every other $B$; Mirsky (1960) extended it to every unitarily invariant
norm, $\|A - B\| \ge \|\operatorname{diag}(\sigma_{k+1}, \dots, \sigma_q)\|$.

**Proof, as the symbolic checks follow it.**

* *Spectral norm* (Weyl's inequality $\sigma_{k+1}(A) \le \sigma_1(A - B)$). With $B = LR^\top$, $R \in
  \mathbb{R}^{n\times k}$, the $k \times (k+1)$ system $R^\top (v_1, \dots, v_{k+1}) c = 0$ has a non-zero solution:
  the vector of signed maximal minors (:func:`prove_null_vector`; by Cauchy–Binet its squared norm is
  $\det(MM^\top)$, non-zero when the rank is $k$, and a rank below $k$ leaves a larger null space). For $x =
  \sum_{i\le k+1} c_i v_i$, $Bx = 0$, so $\|(A - B)x\|^2 = \|Ax\|^2 = \sum_{i\le k+1} c_i^2\sigma_i^2 \ge
  \sigma_{k+1}^2\|x\|^2$ (:func:`prove_rayleigh_step`).
* *Frobenius norm* (through Ky Fan). Let $P$ project onto the column space of $B$, so $B = PB$. Pythagoras
  (:func:`prove_pythagoras`) gives $\|A - B\|_F^2 = \|(I - P)A\|_F^2 + \|P(A - B)\|_F^2 \ge \|A\|_F^2 -
  \operatorname{tr}(P AA^\top)$, and by Ky Fan's maximum principle for $AA^\top$ (eigenvalues $\sigma_i^2$; the
  identity of :mod:`theorems.low_rank.pca`, :func:`prove_ky_fan_step`) $\operatorname{tr}(PAA^\top) \le
  \sum_{i\le k}\sigma_i^2$, hence $\|A - B\|_F^2 \ge \sum_{i>k}\sigma_i^2$.

**Gradient descent on the factorised problem.** $f(X, Y) = \frac12\|A - XY^\top\|_F^2$ with $X \in
\mathbb{R}^{m\times k}$, $Y\in\mathbb{R}^{n\times k}$ has no spurious local minima; from a small random start
gradient descent reaches the minimum $\frac12\sum_{i>k}\sigma_i^2$. Near the balanced minimiser $X = U_k
\Sigma_k^{1/2}$, $Y = V_k\Sigma_k^{1/2}$ the Hessian has, besides the $k^2$ flat directions of $(X, Y) \mapsto
(XG, YG^{-\top})$, the eigenvalues $\sigma_i \pm \sigma_j$ ($i \le k < j$), $\sigma_i + \sigma_{i'}$ and $\sigma_i$
(:func:`prove_gradient_descent_hessian` at the smallest sizes). The smallest is $\sigma_k - \sigma_{k+1}$: with step
$\eta < 1/\sigma_1$ the excess $f - f^\star$ contracts by $(1 - \eta(\sigma_k - \sigma_{k+1}))^2$ per step, a rate
:mod:`numerics.low_rank.eckart_young` measures.

References: C. Eckart, G. Young, *The approximation of one matrix by another of lower rank*, Psychometrika 1(3),
211–218, 1936 (the Frobenius norm). L. Mirsky, *Symmetric gauge functions and unitarily invariant norms*, Quart. J.
Math. 11(1), 50–59, 1960 (every unitarily invariant norm, the spectral one included). E. Schmidt (1907) had the
Frobenius case for integral operators. G. H. Golub, C. F. Van Loan, *Matrix Computations*, 4th ed., §2.4.

**Slips in circulation.** The spectral-norm statement is commonly credited to Eckart and Young, whose paper treats
the Frobenius norm; the optimality is often stated as the error formula alone, which is the definition of $A_k$. The
wrong neighbours in :mod:`numerics.low_rank.eckart_young`: the error $\sigma_k$ (an off-by-one), the tail without
squares $\sum_{i>k}\sigma_i$ (the nuclear-norm error in place of the Frobenius one), and the looser $\sigma_{k+2}$.
"""

from __future__ import annotations


import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_true
from theorems.low_rank import pca
from theorems.notation import ForAll, symbol

ID = "eckart1936"

k = sp.Symbol("k", integer=True, positive=True)
"""The rank of the approximation."""
q = sp.Symbol("q", integer=True, positive=True)
"""min(m, n), the number of singular values."""
i = sp.Symbol("i", integer=True, positive=True)
sigma = sp.IndexedBase("sigma", real=True)
r"""The singular values $\sigma_1 \ge \dots \ge \sigma_q$, indexed from 1."""
eta = symbol("eta", r"\eta", positive=True)
"""The step size of gradient descent."""


# ---------------------------------------------------------------------------------------------------------------
# The formulas, once (numerics.low_rank.eckart_young lambdifies them)
# ---------------------------------------------------------------------------------------------------------------


def frobenius_tail() -> sp.Expr:
    r"""$\sum_{i=k+1}^{q}\sigma_i^2$: the least $\|A - B\|_F^2$ over rank-$k$ matrices $B$."""
    return sp.Sum(sigma[i] ** 2, (i, k + 1, q))


def spectral_tail() -> sp.Expr:
    r"""$\sigma_{k+1}$: the least $\|A - B\|_2$ over rank-$k$ matrices $B$."""
    return sigma[k + 1]


def excess_contraction() -> sp.Expr:
    r"""$(1 - \eta(\sigma_k - \sigma_{k+1}))^2$: the factor by which gradient descent's excess shrinks per step."""
    return (1 - eta * (sigma[k] - sigma[k + 1])) ** 2


# The wrong neighbours' formulas (numerics.low_rank.eckart_young declares them).


def frobenius_tail_from_k() -> sp.Expr:
    r"""Wrong: $\sum_{i=k}^{q}\sigma_i^2$ (off by one: the error $\sigma_k$)."""
    return sp.Sum(sigma[i] ** 2, (i, k, q))


def spectral_tail_from_k() -> sp.Expr:
    r"""Wrong: $\sigma_k$."""
    return sigma[k]


def frobenius_tail_unsquared() -> sp.Expr:
    r"""Wrong: $\sum_{i>k}\sigma_i$ for $\|A - A_k\|_F^2$ (the nuclear-norm error)."""
    return sp.Sum(sigma[i], (i, k + 1, q))


def frobenius_tail_from_k_plus_2() -> sp.Expr:
    r"""Looser: $\sum_{i\ge k+2}\sigma_i^2$, a floor below the true one (true as a bound, never attained)."""
    return sp.Sum(sigma[i] ** 2, (i, k + 2, q))


def spectral_tail_from_k_plus_2() -> sp.Expr:
    r"""Looser: $\sigma_{k+2}$ ($0$ past $q$)."""
    return sigma[k + 2]


def excess_contraction_linearised() -> sp.Expr:
    r"""Wrong: $1 - 2\eta(\sigma_k - \sigma_{k+1})$, the square of the contraction replaced by its first order (the
    rate a linearisation gives, a few per cent off at this step size)."""
    return 1 - 2 * eta * (sigma[k] - sigma[k + 1])


def excess_contraction_squared_gap() -> sp.Expr:
    r"""Wrong: $(1 - \eta(\sigma_k^2 - \sigma_{k+1}^2))^2$, the gap of $AA^\top$ for that of the factorised problem."""
    return (1 - eta * (sigma[k] ** 2 - sigma[k + 1] ** 2)) ** 2


# ---------------------------------------------------------------------------------------------------------------
# The statement (display)
# ---------------------------------------------------------------------------------------------------------------


class _Norm(sp.Function):
    """$\\|X\\|_F$ (second argument 'F') or $\\|X\\|_2$ (second argument 2), display only."""

    nargs = 2

    def _latex(self, printer, exp=None) -> str:
        norm = rf"\left\|{printer._print(self.args[0])}\right\|_{{{printer._print(self.args[1])}}}"
        return norm if exp is None else f"{norm}^{{{exp}}}"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(f"‖{sp.pretty(self.args[0], use_unicode=True)}‖_{self.args[1]}")


def _statement() -> sp.Basic:
    A, B, A_k = symbol("A", "A"), symbol("B", "B"), symbol("A_k", "A_k")
    F = symbol("F", "F")
    optimal = sp.And(sp.Ge(_Norm(A - B, F) ** 2, frobenius_tail()), sp.Ge(_Norm(A - B, 2), spectral_tail()))
    attained = sp.And(sp.Eq(_Norm(A - A_k, F) ** 2, frobenius_tail()), sp.Eq(_Norm(A - A_k, 2), spectral_tail()))
    return sp.And(ForAll((B,), optimal, symbol("rank_k", r"\{\operatorname{rank} B \le k\}")), attained)


statement = _statement()
r"""$\forall B$ of rank $\le k$: $\|A - B\|_F^2 \ge \sum_{i>k}\sigma_i^2$ and $\|A - B\|_2 \ge \sigma_{k+1}$; $A_k$
attains both (by construction)."""


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def _signed_minors(M: sp.Matrix) -> sp.Matrix:
    """(-1)^j det(M without column j), j = 0..k, for a k x (k+1) matrix M."""
    cols = M.shape[1]
    return sp.Matrix([(-1) ** c * M[:, [d for d in range(cols) if d != c]].det() for c in range(cols)])


def prove_null_vector(max_rank: int = 3) -> Check:
    """Weyl's step: a rank-k B kills a non-zero vector of span(v_1, ..., v_k+1).

    For a symbolic k x (k+1) matrix M (k <= max_rank), the signed maximal minors c satisfy M c = 0 (each entry is a
    determinant with a repeated row), and |c|^2 = det(M M^T) (Cauchy-Binet): c != 0 when rank M = k."""
    holds = True
    for rank in range(1, max_rank + 1):
        M = sp.Matrix(rank, rank + 1, lambda r, c: sp.Symbol(f"m{r}{c}", real=True))
        c = _signed_minors(M)
        holds &= all(sp.expand(x) == 0 for x in M * c)
        holds &= sp.expand((c.T * c)[0] - (M * M.T).det()) == 0
    return prove_true(ID, f"a rank-k B = L R^T kills some non-zero x in span(v_1..v_k+1): signed minors solve "
                          f"R^T V c = 0, |c|^2 = det(M M^T) (k <= {max_rank})", holds)


def prove_rayleigh_step(max_rank: int = 4) -> Check:
    """On span(v_1, ..., v_k+1), |A x| >= sigma_k+1 |x|: so ||A - B||_2 >= sigma_k+1.

    For x = sum_(i<=k+1) c_i v_i: |A x|^2 - sigma_(k+1)^2 |x|^2 = sum_i c_i^2 (sigma_i^2 - sigma_(k+1)^2), which
    with sigma_i = sigma_(k+1) + g_i + ... + g_k (g >= 0) is a polynomial with non-negative coefficients in
    non-negative variables: >= 0, so ||A - B||_2 >= |(A - B)x|/|x| = |Ax|/|x| >= sigma_(k+1) (k <= max_rank)."""
    holds = True
    for rank in range(1, max_rank + 1):
        floor = sp.Symbol("s", nonnegative=True)
        g = sp.symbols(f"g1:{rank + 1}", nonnegative=True)
        C = sp.symbols(f"C1:{rank + 2}", nonnegative=True)  # c_i^2
        sig = [floor + sum(g[a:]) for a in range(rank)] + [floor]  # ordered: sigma_1 >= ... >= sigma_(k+1)
        gap = sp.expand(sum(Ci * s**2 for Ci, s in zip(C, sig)) - floor**2 * sum(C))
        holds &= all(coefficient >= 0 for coefficient in sp.Poly(gap, floor, *g, *C).coeffs())
    return prove_true(ID, f"|A x|^2 >= sigma_(k+1)^2 |x|^2 on span(v_1..v_k+1): non-negative coefficients "
                          f"(k <= {max_rank}); so ||A - B||_2 >= sigma_(k+1)", holds)


def _projections() -> tuple[tuple[sp.Matrix, int], ...]:
    """Symbolic orthogonal projections of R^3 of rank 1 (q q^T/|q|^2) and rank 2 (I - r r^T/|r|^2)."""
    qv = sp.Matrix(sp.symbols("q1:4", real=True))
    rv = sp.Matrix(sp.symbols("r1:4", real=True))
    return (qv * qv.T / (qv.T * qv)[0], 1), (sp.eye(3) - rv * rv.T / (rv.T * rv)[0], 2)


def _frobenius_sq(M: sp.Matrix) -> sp.Expr:
    return sum(x**2 for x in M)


def prove_pythagoras() -> Check:
    """Pythagoras: ||A - B||_F^2 >= ||A||_F^2 - tr(P A A^T) when B = P B.

    For B = P C (column space in range P, P an orthogonal projection of rank 1 or 2 in R^3, a and c symbolic
    columns): |a - P c|^2 = |(I - P)a|^2 + |P(a - c)|^2 and |(I - P)a|^2 = |a|^2 - a^T P a. The squared Frobenius
    norm is the sum over columns, so this is ||A - B||_F^2 = ||(I - P)A||_F^2 + ||P(A - B)||_F^2 and
    ||(I - P)A||_F^2 = ||A||_F^2 - tr(P A A^T) for every A and B = P C."""
    A = sp.Matrix(sp.symbols("a1:4", real=True))
    C = sp.Matrix(sp.symbols("c1:4", real=True))
    holds = True
    for P, _ in _projections():
        rest = (sp.eye(3) - P) * A
        split = _frobenius_sq(A - P * C) - _frobenius_sq(rest) - _frobenius_sq(P * (A - C))
        kept = _frobenius_sq(rest) - (_frobenius_sq(A) - (P * A * A.T).trace())
        holds &= sp.cancel(sp.together(split)) == 0 and sp.cancel(sp.together(kept)) == 0
    return prove_true(ID, "Pythagoras: ||A - B||_F^2 = ||(I-P)A||_F^2 + ||P(A-B)||_F^2 >= ||A||_F^2 - tr(P A A^T) "
                          "for B = P B (rank 1 and 2 projections of R^3)", holds)


def prove_ky_fan_step(max_dim: int = 6) -> Check:
    """Ky Fan for A A^T: tr(P A A^T) <= sum of the k largest sigma_i^2, so the Frobenius bound holds.

    Ky Fan for A A^T (eigenvalues sigma_i^2): sum_(i<=k) sigma_i^2 - tr(P A A^T) is the sum of non-negative terms of
    theorems.low_rank.pca.ky_fan_deficit, at every q <= max_dim and k < q; with the step above,
    ||A - B||_F^2 >= sum_(i>k) sigma_i^2."""
    holds = True
    for dim in range(2, max_dim + 1):
        s = sp.symbols(f"s1:{dim + 1}", real=True)
        ws = sp.symbols(f"w1:{dim + 1}", real=True)
        for rank in range(1, dim):
            weights = (*ws[:-1], rank - sum(ws[:-1]))
            left, right = pca.ky_fan_deficit([x**2 for x in s], weights, rank)
            holds &= sp.expand(left - right) == 0
    return prove_true(ID, f"Ky Fan for A A^T: tr(P A A^T) <= sum_(i<=k) sigma_i^2, hence ||A - B||_F^2 >= "
                          f"sum_(i>k) sigma_i^2 (q <= {max_dim})", holds)


def _hessian_at_balanced_minimum(rows: int, cols: int) -> tuple[sp.Matrix, tuple]:
    """The Hessian of f(x, y) = 1/2 ||S - x y^T||_F^2, S = diag(s1, s2) padded to rows x cols, at the balanced
    rank-1 minimiser x = sqrt(s1) e_1, y = sqrt(s1) e_1."""
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    S = sp.zeros(rows, cols)
    S[0, 0], S[1, 1] = s1, s2
    x = sp.Matrix(sp.symbols(f"x1:{rows + 1}", real=True))
    y = sp.Matrix(sp.symbols(f"y1:{cols + 1}", real=True))
    f = _frobenius_sq(S - x * y.T) / 2
    variables = (*x, *y)
    at = {v: 0 for v in variables} | {x[0]: sp.sqrt(s1), y[0]: sp.sqrt(s1)}
    return sp.hessian(f, variables).subs(at), (s1, s2)


def prove_gradient_descent_hessian() -> Check:
    """Gradient descent's rate: the Hessian's smallest non-zero eigenvalue is sigma_1 - sigma_2 (rank 1).

    At the balanced minimiser of 1/2 ||A - x y^T||_F^2 (A = diag(sigma1, sigma2), 2 x 2 and padded to 3 x 2) the
    Hessian's eigenvalues are 0 (the flat direction), 2 sigma1, sigma1 + sigma2, sigma1 - sigma2 (and sigma1 for the
    padded row): the characteristic polynomial factors so. The slowest mode contracts by 1 - eta(sigma1 - sigma2)."""
    t = sp.Symbol("t")
    holds = True
    for rows in (2, 3):
        H, (s1, s2) = _hessian_at_balanced_minimum(rows, 2)
        expected = [0, 2 * s1, s1 + s2, s1 - s2] + [s1] * (rows - 2)
        holds &= sp.expand(H.charpoly(t).as_expr() - sp.Mul(*[t - e for e in expected])) == 0
    return prove_true(ID, "gradient descent's rate: Hessian eigenvalues {0, 2 s1, s1 + s2, s1 - s2 (, s1)} at the "
                          "balanced minimiser; the excess contracts by (1 - eta(s_k - s_k+1))^2 per step", holds)


THEOREM = Theorem(
    id=ID,
    title="Eckart-Young-Mirsky: the truncated SVD is a best rank-k approximation",
    module="low_rank.eckart_young",
    reference=Reference(
        key="eckart1936approximation",
        authors=("Carl Eckart", "Gale Young"),
        year=1936,
        title="The approximation of one matrix by another of lower rank",
        venue="Psychometrika",
        volume="1",
        number="3",
        pages="211--218",
        doi="10.1007/BF02288367",
    ),
    statement=statement,
    assumptions=(
        r"$A \in \mathbb{R}^{m\times n}$ with singular values $\sigma_1 \ge \dots \ge \sigma_q$, $q = \min(m, n)$; "
        r"$1 \le k < q$; $B$ ranges over all matrices of rank at most $k$",
        r"$A_k = \sum_{i\le k}\sigma_i u_i v_i^\top$ attains both bounds by construction (a definition); the theorem "
        r"is the inequality for every other $B$ (the spectral norm is Mirsky's, 1960)",
        r"gradient descent: $f(X, Y) = \frac12\|A - XY^\top\|_F^2$, step $\eta < 1/\sigma_1$, small random start, "
        r"distinct $\sigma_k > \sigma_{k+1}$",
    ),
    proofs=(prove_null_vector, prove_rayleigh_step, prove_pythagoras, prove_ky_fan_step,
            prove_gradient_descent_hessian),
    aliases=("eckart-young", "eckart-young-mirsky"),
    summary="min over rank-k B: ‖A − B‖₂ = σₖ₊₁, ‖A − B‖²_F = Σᵢ>ₖ σᵢ²; the truncated SVD attains both",
)
