r"""Linformer: a Johnson–Lindenstrauss projection of the sequence axis, with an additive error (Wang et al. 2020).

**Linformer** (Wang et al. 2020, Theorem 1). Project the sequence axis with $E \in\mathbb{R}^{k\times n}$ of i.i.d.
$\mathcal N(0, 1/k)$ entries: $P V \approx (P E^\top)(E V)$, where $P = \mathrm{softmax}(QK^\top/\sqrt d)$. The
Johnson–Lindenstrauss lemma, in the form $\Pr\left[\,\big||Ex|^2 - |x|^2\big| > \varepsilon |x|^2\right] \le
2 e^{-(\varepsilon^2-\varepsilon^3)k/4}$ (Chernoff bound on $\chi^2_k$), and polarisation give, for each row $p$ of
$P$ and column $v$ of $V$,

$$\Pr\left[\,|p E^\top E v - p v| > \varepsilon |p|\,|v|\,\right] \le 4 e^{-(\varepsilon^2-\varepsilon^3)k/4},$$

which is $4 n^{-5/4}$ at the paper's $k = 5\log n/(\varepsilon^2 - \varepsilon^3)$. The guarantee is *additive*.
Exactly, $\mathbb{E}\,\|(P E^\top)(E V) - P V\|_F^2 = \left(\|P\|_F^2\|V\|_F^2 + \|P V\|_F^2\right)/k$ (Isserlis).

**The exact law of one pair.** The same polarisation gives the law behind the bound: with $\rho = p\cdot v/(|p||v|)$,

$$\frac{pE^\top Ev - pv}{|p|\,|v|} \;\sim\; \frac{(1+\rho)A - (1-\rho)B}{2k} - \rho, \qquad A, B \sim \chi^2_k
\text{ independent}$$

(:func:`pair_error_law`), of mean 0 and variance $(1+\rho^2)/k$; at $\rho = 1$ it is $A/k - 1$, the quantity of the
JL lemma itself, whose tail is a pair of incomplete gamma functions (:func:`norm_error_tail`); for $|\rho| < 1$
the tail is a one-dimensional integral of the conditional tails :func:`pair_upper_tail_given_b` and
:func:`pair_lower_tail_given_a`. The Chernoff bound above is an upper bound on this tail at $t = \varepsilon$;
:mod:`numerics.linear_attention.linformer_counts` counts exceedances of a threshold where the tail is of order
$0.1$, against the law itself.

**Slips in the sources.**

* Linformer's Theorem 1 is an *existence* claim: for every $Q, K, V$ some $\tilde P$ of rank $\Theta(\log n)$ has
  $\|\tilde P w - P w\| < \varepsilon \|P w\|$ with probability $1 - o(1)$. Its proof takes $\tilde P = P E^\top E$ and
  applies the JL lemma, and that step gives only the additive $\varepsilon\|P\|\,\|w\|$: when $V$ has mean-zero
  columns, $P w$ is small (rows of $P$ are averages) and the relative error of $P E^\top E$ is of order one: for $V$
  with i.i.d. $\mathcal N(0,1)$ entries, $\mathbb{E}\|PV\|_F^2 = d_v\|P\|_F^2$ and $\|V\|_F^2 \approx n d_v$, so by the
  exact expectation below the relative error is about $\sqrt{(n+1)/k}$, which *grows* like $\sqrt{n/(40\log n)}$ at
  $\varepsilon = 1/2$ (measured in :mod:`numerics.linear_attention.linformer`: 1.05 at $n = 256$, 1.37 at $n = 512$).
  What fails is the proof step, the relative bound for $\tilde P = P E^\top E$; the existence claim itself is not
  tested here. Linformer's Theorem 2 (the projections $E, F$ of keys and values the model uses) is stated
  additively, $\varepsilon\|\mathrm{softmax}(w)\|\,\|V W^V\|$, the form the JL argument supports.
  Also, the union bound over all $n d_v$ pairs gives $4 d_v n^{-1/4}$, not $o(1)$ uniformly in $d_v$;
  the per-pair probability is what is checked here.
* With $\varepsilon = 1/2$, $k = 40\log n$ exceeds $n$ for $n$ below $-40\,W_{-1}(-1/40) \approx 214.8$
  (:func:`linformer_k_exceeds_n_below`): the "projection" then enlarges.
* Linformer's evidence for low rank came from trained models: for random $Q, K$ at temperature 1 the spectrum of
  $P$ decays slowly, and the package reports what it measures instead of claiming low rank.

References: S. Wang, B. Z. Li, M. Khabsa, H. Fang, H. Ma, *Linformer: self-attention with linear complexity*,
arXiv:2006.04768, 2020. S. Dasgupta, A. Gupta, *An elementary proof of a theorem of Johnson and Lindenstrauss*,
Random Structures & Algorithms 22 (2003).
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.linear_attention.forms import d, gaussian_mean, n, w
from theorems.notation import Expectation
from theorems.sums import equal_up_to_reindexing

ID = "wang2020"

eps = sp.Symbol("epsilon", positive=True)
k = sp.Symbol("k", positive=True)
"""The projected length (rows of E)."""


def linformer_k() -> sp.Expr:
    r"""$k = 5\log n/(\varepsilon^2 - \varepsilon^3)$ (Linformer, Theorem 1)."""
    return 5 * sp.log(n) / (eps**2 - eps**3)


def jl_norm_failure() -> sp.Expr:
    r"""$2e^{-(\varepsilon^2 - \varepsilon^3)k/4}$ bounds $\Pr[\,||Ex|^2 - |x|^2| > \varepsilon|x|^2]$."""
    return 2 * sp.exp(-(eps**2 - eps**3) * k / 4)


def pair_failure() -> sp.Expr:
    r"""$4e^{-(\varepsilon^2 - \varepsilon^3)k/4}$ bounds $\Pr[|pE^\top Ev - pv| > \varepsilon|p||v|]$ for one pair."""
    return 2 * jl_norm_failure()


def expected_squared_error(P_fro2, V_fro2, PV_fro2, rows) -> sp.Expr:
    r"""$(\|P\|_F^2\|V\|_F^2 + \|PV\|_F^2)/k$, the exact $\mathbb{E}\|(PE^\top)(EV) - PV\|_F^2$."""
    return (P_fro2 * V_fro2 + PV_fro2) / rows


P_F2, V_F2, PV_F2 = sp.symbols("P_F2 V_F2 PV_F2", nonnegative=True)
"""||P||_F^2, ||V||_F^2, ||P V||_F^2 as scalars (the arguments of the lambdified expectation)."""

rho = sp.Symbol("rho", real=True)
"""The cosine p.v / (|p||v|) of one pair (a row p of P, a column v of V)."""
chi_a, chi_b = sp.symbols("A B", positive=True)
"""Two independent chi^2_k variables: (k/(2(1+rho))) |E(p/|p| + v/|v|)|^2 and (k/(2(1-rho))) |E(p/|p| - v/|v|)|^2."""
t = sp.Symbol("t", positive=True)
"""A threshold on the normalised error |p E^T E v - p v| / (|p||v|)."""


def pair_error_law() -> sp.Expr:
    r"""$\frac{(1+\rho)A - (1-\rho)B}{2k} - \rho$, $A, B$ independent $\chi^2_k$: the exact law of
    $(pE^\top Ev - pv)/(|p||v|)$ (polarisation: $E(\hat p + \hat v)$ and $E(\hat p - \hat v)$ are independent
    Gaussian vectors because $(\hat p + \hat v)\cdot(\hat p - \hat v) = 0$; :func:`prove_pair_error_law`)."""
    return ((1 + rho) * chi_a - (1 - rho) * chi_b) / (2 * k) - rho


def pair_error_variance() -> sp.Expr:
    r"""$(1 + \rho^2)/k$: the variance of the normalised error of one pair, the per-pair form of
    :func:`expected_squared_error` ($(|p|^2|v|^2 + (p\cdot v)^2)/k$ over $|p|^2|v|^2$)."""
    return (1 + rho**2) / k


def chi2_survival(x: sp.Expr, dof: sp.Expr) -> sp.Expr:
    r"""$\Pr[\chi^2_{\mathrm{dof}} > x] = \Gamma(\mathrm{dof}/2, x_+/2)/\Gamma(\mathrm{dof}/2)$ ($x_+ = \max(x, 0)$)."""
    return sp.uppergamma(dof / 2, sp.Max(x, 0) / 2) / sp.gamma(dof / 2)


def norm_error_tail() -> sp.Expr:
    r"""$\Pr\left[\,\big||Ep|^2/|p|^2 - 1\big| > t\right] = \Pr[\chi^2_k > k(1+t)] + \Pr[\chi^2_k < k(1-t)]$
    ($0 < t < 1$): the law at $\rho = 1$, where the error is $A/k - 1$, the JL lemma's own quantity."""
    return chi2_survival(k * (1 + t), k) + sp.lowergamma(k / 2, k * (1 - t) / 2) / sp.gamma(k / 2)


def pair_upper_tail_given_b() -> sp.Expr:
    r"""$\Pr[\text{error} > t \mid B] = \Pr\left[A > \frac{2k(t + \rho) + (1-\rho)B}{1 + \rho}\right]$
    ($\rho > -1$); its mean over $B \sim \chi^2_k$ is the upper tail of :func:`pair_error_law`."""
    return chi2_survival((2 * k * (t + rho) + (1 - rho) * chi_b) / (1 + rho), k)


def pair_lower_tail_given_a() -> sp.Expr:
    r"""$\Pr[\text{error} < -t \mid A] = \Pr\left[B > \frac{(1+\rho)A + 2k(t - \rho)}{1 - \rho}\right]$
    ($\rho < 1$); its mean over $A \sim \chi^2_k$ is the lower tail of :func:`pair_error_law`."""
    return chi2_survival(((1 + rho) * chi_a + 2 * k * (t - rho)) / (1 - rho), k)


def _linformer_display() -> sp.Eq:
    rows = sp.Symbol("k", integer=True, positive=True)
    P, E, Vm = sp.MatrixSymbol("P", n, n), sp.MatrixSymbol("E", rows, n), sp.MatrixSymbol("V", n, d)

    def fro2(M):
        return sp.Trace(M.T * M)

    return sp.Eq(Expectation(fro2(P * E.T * E * Vm - P * Vm)),
                 expected_squared_error(fro2(P), fro2(Vm), fro2(P * Vm), rows), evaluate=False)


statement = _linformer_display()
r"""$\mathbb E\|(P E^\top)(E V) - P V\|_F^2 = (\|P\|_F^2 \|V\|_F^2 + \|P V\|_F^2)/k$, Frobenius norms as traces
($\mathbb E$ the expectation over the projection $E$)."""


def linformer_k_exceeds_n_below() -> sp.Expr:
    r"""The n at which $40\log n = n$ (ε = 1/2): $-40\,W_{-1}(-1/40)$; below it k > n."""
    return -40 * sp.LambertW(-sp.Rational(1, 40), -1)


def prove_pair_failure_at_paper_k() -> Check:
    """At k = 5 log n / (eps^2 - eps^3), the per-pair failure bound 4 exp(-(eps^2 - eps^3) k/4) is 4 n^(-5/4)."""
    return prove_equal(ID, "4 exp(-(eps^2-eps^3) k/4) = 4 n^(-5/4) at k = 5 log n/(eps^2-eps^3)",
                       sp.simplify(pair_failure().subs(k, linformer_k())),
                       4 * n**sp.Rational(-5, 4))


def prove_chernoff_upper() -> Check:
    r"""Upper tail: E exp(t g^2) = (1-2t)^(-1/2); at t = eps/(2(1+eps)) the Chernoff bound is ((1+eps)e^-eps)^(1/2)
    per coordinate, and log(1+eps) - eps <= -(eps^2 - eps^3)/2 for eps > 0 (its derivative is a ratio of
    non-negative polynomials and it vanishes at 0).
    """
    g = sp.Symbol("g", real=True)
    t = sp.Rational(1, 4)
    mgf = sp.integrate(sp.exp(t * g**2) * sp.exp(-g**2 / 2) / sp.sqrt(2 * sp.pi), (g, -sp.oo, sp.oo))
    mgf_ok = sp.simplify(mgf - (1 - 2 * t)**sp.Rational(-1, 2)) == 0
    tt = sp.Symbol("t", positive=True)
    chernoff = sp.exp(-tt * (1 + eps)) * (1 - 2 * tt)**sp.Rational(-1, 2)
    optimum = eps / (2 * (1 + eps))
    stationary = sp.simplify(sp.diff(sp.log(chernoff), tt).subs(tt, optimum)) == 0
    value_ok = sp.simplify(chernoff.subs(tt, optimum)**2 - (1 + eps) * sp.exp(-eps)) == 0
    gap = -(eps**2 - eps**3) / 2 - (sp.log(1 + eps) - eps)
    derivative = sp.factor(sp.together(sp.diff(gap, eps)))
    numer, denom = sp.fraction(derivative)
    monotone = all(sp.Poly(p, eps).is_zero or all(cf >= 0 for cf in sp.Poly(p, eps).coeffs())
                   for p in (sp.expand(numer), sp.expand(denom)))
    return prove_true(ID, "Chernoff: P(|Ex|^2 >= (1+eps)|x|^2) <= ((1+eps)e^-eps)^(k/2) <= exp(-(eps^2-eps^3)k/4)",
                      mgf_ok and stationary and value_ok and monotone and gap.subs(eps, 0) == 0)


def prove_chernoff_lower() -> Check:
    r"""Lower tail: ((1-eps)e^eps)^(k/2) <= exp(-eps^2 k/4) <= exp(-(eps^2-eps^3)k/4), i.e.
    log(1-eps) + eps <= -eps^2/2 on [0, 1) (derivative -eps/(1-eps) - ... <= 0, value 0 at 0)."""
    gap = -eps**2 / 2 - (sp.log(1 - eps) + eps)
    derivative = sp.factor(sp.together(sp.diff(gap, eps)))  # eps^2 / (1 - eps) >= 0 on [0, 1)
    holds = sp.simplify(derivative - eps**2 / (1 - eps)) == 0 and gap.subs(eps, 0) == 0
    return prove_true(ID, "Chernoff lower tail: log(1-eps) + eps <= -eps^2/2 <= -(eps^2-eps^3)/2 on [0,1)", holds)


def prove_polarisation() -> Check:
    """p.v = (|p+v|^2 - |p-v|^2)/4 and (|p+v|^2 + |p-v|^2)/4 = (|p|^2+|v|^2)/2: norms within eps give
    |Ep.Ev - p.v| <= eps (|p|^2 + |v|^2)/2 = eps for unit p, v, hence eps |p||v| by homogeneity (symbolic n)."""
    p, v = sp.IndexedBase("p", real=True), sp.IndexedBase("v", real=True)
    r = sp.Symbol("r", integer=True)

    def S(f):
        return sp.Sum(f, (r, 0, n - 1))

    polar = sp.simplify(S(sp.expand(((p[r] + v[r])**2 - (p[r] - v[r])**2) / 4 - p[r] * v[r]))) == 0
    parallelogram = sp.simplify(S(sp.expand(((p[r] + v[r])**2 + (p[r] - v[r])**2) / 4
                                            - (p[r]**2 + v[r]**2) / 2))) == 0
    return prove_true(ID, "polarisation: additive |p E^T E v - p v| <= eps |p||v| when |E(p+-v)|^2 within eps, "
                          "per-pair failure <= 4 exp(-(eps^2-eps^3)k/4)", polar and parallelogram)


def _gaussian_moment(power: int, variance: sp.Expr) -> sp.Expr:
    """E g^power for g ~ N(0, variance): (power-1)!! variance^(power/2) for even power, 0 for odd."""
    if power % 2:
        return sp.Integer(0)
    return sp.factorial2(power - 1) * variance**(power // 2)


def prove_isserlis_row() -> Check:
    """For one row g of i.i.d. N(0,1): E[g_a g_b g_c g_e] - d_ab d_ce = d_ac d_be + d_ae d_bc, all index patterns.

    The moments E g^2 = 1, E g^4 = 3 come from Gaussian integrals; the check runs over every (a, b, c, e) in
    {0,1,2,3}^4, which covers every pattern of equal indices.
    """
    moments_ok = all(gaussian_mean(w**p) == _gaussian_moment(p, 1) for p in range(5))
    holds = moments_ok
    for a, b, cc, e in product(range(4), repeat=4):
        counts = {q: (a, b, cc, e).count(q) for q in set((a, b, cc, e))}
        moment = sp.Mul(*[_gaussian_moment(p, 1) for p in counts.values()])
        delta = sp.KroneckerDelta
        holds &= moment - delta(a, b) * delta(cc, e) == delta(a, cc) * delta(b, e) + delta(a, e) * delta(b, cc)
    return prove_true(ID, "Isserlis for one row: Cov(g_a g_b, g_c g_e) = d_ac d_be + d_ae d_bc", holds)


def _on_range(expr: sp.Expr, ranges: set) -> sp.Expr:
    """Drop Piecewise((f, cond), (0, True)) to f when cond only restates the summation ranges (it is then true)."""
    def simplify_piece(pw):
        (f, cond), rest = pw.args[0], pw.args[1:]
        atoms = set(sp.And.make_args(cond))
        if rest and rest[0][0] == 0 and atoms <= ranges:
            return f
        return pw
    while expr.has(sp.Piecewise):
        new = expr.replace(lambda x: isinstance(x, sp.Piecewise), simplify_piece)
        if new == expr:
            break
        expr = new
    return expr


def prove_expected_error_symbolic() -> Check:
    r"""With Cov((E^T E)_{ab}, (E^T E)_{ce}) = (d_ac d_be + d_ae d_bc)/k (Isserlis over k rows of variance 1/k),
    E[(sum_ab p_a M'_ab v_b)^2] = (|p|^2|v|^2 + (p.v)^2)/k at symbolic n: the Kronecker deltas collapse the sums
    over (c, e), leaving double sums over (a, b) that equal the products of single sums."""
    p, v = sp.IndexedBase("p", real=True), sp.IndexedBase("v", real=True)
    a, b, cc, e = sp.symbols("a b c e", integer=True)
    dl = sp.KroneckerDelta
    ranges = {a >= 0, a <= n - 1, b >= 0, b <= n - 1}
    body = sp.expand(p[a] * v[b] * p[cc] * v[e] * (dl(a, cc) * dl(b, e) + dl(a, e) * dl(b, cc)) / k)
    collapsed = [_on_range(sp.Sum(t, (cc, 0, n - 1), (e, 0, n - 1)).doit(), ranges) for t in sp.Add.make_args(body)]
    got = [sp.Sum(t, (a, 0, n - 1), (b, 0, n - 1)) for t in collapsed]
    # |p|^2 |v|^2 = sum_{a,b} p_a^2 v_b^2 and (p.v)^2 = sum_{a,b} p_a v_a p_b v_b (product of finite sums)
    want = [sp.Sum(p[a]**2 * v[b]**2 / k, (a, 0, n - 1), (b, 0, n - 1)),
            sp.Sum(p[a] * v[a] * p[b] * v[b] / k, (a, 0, n - 1), (b, 0, n - 1))]
    holds = len(got) == 2 and any(
        all(equal_up_to_reindexing(g, h) for g, h in zip(got, order)) for order in (want, want[::-1]))
    return prove_true(ID, "E[(p E^T E v - p v)^2] = (|p|^2 |v|^2 + (p.v)^2)/k, symbolic n (Isserlis)", holds)


def prove_expected_error_explicit() -> Check:
    """E||(P E^T)(E V) - P V||_F^2 = (||P||^2 ||V||^2 + ||PV||^2)/k by exact Gaussian moments, small n, k."""
    holds = True
    for nn, kk in ((2, 1), (2, 2), (3, 1)):
        Pm = sp.Matrix(2, nn, lambda r, q: sp.Symbol(f"p{r}{q}", real=True))
        Vm = sp.Matrix(nn, 2, lambda r, q: sp.Symbol(f"v{r}{q}", real=True))
        Em = sp.Matrix(kk, nn, lambda r, q: sp.Symbol(f"e{r}{q}", real=True))
        diff = Pm * Em.T * Em * Vm - Pm * Vm
        sq = sp.expand(sum(x**2 for x in diff))
        entries = list(Em)
        poly = sp.Poly(sq, *entries)
        mean = sp.Integer(0)
        for powers, coeff in poly.terms():
            mean += coeff * sp.Mul(*[_gaussian_moment(p, sp.Rational(1, kk)) for p in powers])
        fro = lambda M: sum(x**2 for x in M)  # noqa: E731
        holds &= sp.expand(mean - expected_squared_error(fro(Pm), fro(Vm), fro(Pm * Vm), kk)) == 0
    return prove_true(ID, "E||(P E^T)(E V) - P V||_F^2 = (||P||_F^2 ||V||_F^2 + ||PV||_F^2)/k exactly "
                          "(n, k) in {(2,1), (2,2), (3,1)}", holds)


def prove_k_exceeds_n() -> Check:
    """At eps = 1/2, k = 40 log n, and 40 log n = n at n* = -40 W_{-1}(-1/40) ~ 214.8 (k > n below it)."""
    star = linformer_k_exceeds_n_below()
    k_half = linformer_k().subs(eps, sp.Rational(1, 2))
    holds = (sp.simplify(k_half - 40 * sp.log(n)) == 0
             and abs(sp.N(40 * sp.log(star) - star, 30)) < 1e-20 and 214 < sp.N(star) < 216)
    return prove_true(ID, f"eps = 1/2: k = 40 log n > n for n < {sp.N(star, 5)}", holds)


def prove_pair_error_law() -> Check:
    r"""The law of one pair's normalised error, and its first two moments.

    For unit $\hat p, \hat v$ with $\hat p\cdot\hat v = \rho$: $|\hat p \pm \hat v|^2 = 2(1 \pm \rho)$ and
    $(\hat p + \hat v)\cdot(\hat p - \hat v) = 0$ (so $E(\hat p+\hat v)$, $E(\hat p-\hat v)$ are independent,
    $|Eu|^2 = |u|^2\chi^2_k/k$), and polarisation $\hat pE^\top E\hat v = (|E(\hat p+\hat v)|^2 -
    |E(\hat p-\hat v)|^2)/4$ give :func:`pair_error_law` (symbolic $n$ for the inner products). With
    $\mathbb E A = k$, $\mathrm{Var} A = 2k$ its mean is 0 and its variance :func:`pair_error_variance`, which
    times $|p|^2|v|^2$ is :func:`expected_squared_error` of one row and one column (Isserlis); at $\rho = 1$ the
    law is $A/k - 1$ (:func:`norm_error_tail`) and the conditional upper tail no longer depends on $B$."""
    p, v = sp.IndexedBase("p", real=True), sp.IndexedBase("v", real=True)
    i = sp.Symbol("i", integer=True)
    known = {p[i]**2: 1, v[i]**2: 1, p[i] * v[i]: rho}  # sum_i of each: unit norms and the cosine

    def dot(f):  # sum_i f_i for f a quadratic form in p_i, v_i: term by term (linearity), each a known sum
        pieces = (term.as_coeff_Mul() for term in sp.Add.make_args(sp.expand(f)))
        return sp.Add(*[coefficient * known[monomial] for coefficient, monomial in pieces])

    plus, minus, cross = dot((p[i] + v[i])**2), dot((p[i] - v[i])**2), dot((p[i] + v[i]) * (p[i] - v[i]))
    geometry = sp.simplify(plus - 2 * (1 + rho)) == 0 and sp.simplify(minus - 2 * (1 - rho)) == 0 and cross == 0
    polarised = (plus * chi_a / k - minus * chi_b / k) / 4 - rho
    law_ok = sp.simplify(polarised - pair_error_law()) == 0
    alpha, beta = (1 + rho) / (2 * k), (1 - rho) / (2 * k)  # the law is alpha A - beta B - rho
    coefficients_ok = sp.simplify(pair_error_law() - (alpha * chi_a - beta * chi_b - rho)) == 0
    mean_ok = sp.simplify(alpha * k - beta * k - rho) == 0
    variance = alpha**2 * 2 * k + beta**2 * 2 * k
    variance_ok = sp.simplify(variance - pair_error_variance()) == 0
    isserlis_ok = sp.simplify(pair_error_variance() * P_F2 * V_F2
                              - expected_squared_error(P_F2, V_F2, rho**2 * P_F2 * V_F2, k)) == 0
    norm_ok = (sp.simplify(pair_error_law().subs(rho, 1) - (chi_a / k - 1)) == 0
               and not pair_upper_tail_given_b().subs(rho, 1).has(chi_b))
    return prove_true(ID, "(p E^T E v - p v)/(|p||v|) = ((1+rho)A - (1-rho)B)/(2k) - rho, A, B independent chi^2_k: "
                          "mean 0, variance (1+rho^2)/k (Isserlis per pair); A/k - 1 at rho = 1",
                      geometry and law_ok and coefficients_ok and mean_ok and variance_ok and isserlis_ok and norm_ok)


THEOREM = Theorem(
    id=ID,
    title="Linformer: Johnson-Lindenstrauss projection of the sequence axis (additive error)",
    module="linear_attention.linformer",
    reference=Reference(
        key="wang2020linformer",
        authors=("Sinong Wang", "Belinda Z. Li", "Madian Khabsa", "Han Fang", "Hao Ma"),
        year=2020,
        title="Linformer: Self-Attention with Linear Complexity",
        venue="arXiv preprint",
        arxiv="2006.04768",
    ),
    statement=statement,
    assumptions=(
        r"$E \in \mathbb{R}^{k \times n}$ with i.i.d. $\mathcal{N}(0, 1/k)$ entries, independent of $P$ and $V$; "
        r"$\mathbb{E}$ the expectation over $E$",
        r"the JL guarantee is additive, $\varepsilon |p_i|\,|v_j|$ per pair (Linformer's Theorem 2 is stated so); "
        r"the relative bound of Theorem 1 fails for $\tilde P = P E^\top E$ with mean-zero $V$ (Theorem 1 claims "
        r"only that some low-rank $\tilde P$ exists)",
        r"$k = 5 \log n/(\varepsilon^2 - \varepsilon^3)$ (natural log); $\varepsilon = 1/2$ gives $k = 40 \log n$, "
        r"larger than $n$ below $n \approx 215$",
        r"one pair's normalised error is $((1+\rho)A - (1-\rho)B)/(2k) - \rho$ in law, $A, B$ independent "
        r"$\chi^2_k$, $\rho$ the cosine of $p$ and $v$",
    ),
    proofs=(prove_pair_failure_at_paper_k, prove_chernoff_upper, prove_chernoff_lower, prove_polarisation,
            prove_isserlis_row, prove_expected_error_symbolic, prove_expected_error_explicit, prove_k_exceeds_n,
            prove_pair_error_law),
    parts=("linear_attention.linformer_counts",),
    aliases=("linformer",),
    summary="P Eᵀ E V ≈ P V: additive JL bound per pair; 𝔼‖error‖²_F = (‖P‖²‖V‖² + ‖PV‖²)/k",
)
