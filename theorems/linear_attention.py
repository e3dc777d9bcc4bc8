r"""Linear attention: kernelised attention in $O(n)$, its RNN form, and two linear approximations of softmax.

**Kernelised attention** (Katharopoulos et al. 2020). With queries, keys and values $Q, K \in \mathbb{R}^{n\times d}$,
$V \in \mathbb{R}^{n\times d_v}$ and a feature map $\phi:\mathbb{R}^d\to\mathbb{R}^m_{>0}$, attention with the
similarity $\mathrm{sim}(q,k) = \phi(q)^\top\phi(k)$ is

$$V'_i = \frac{\sum_{j} \phi(Q_i)^\top\phi(K_j)\, V_j}{\sum_{j} \phi(Q_i)^\top\phi(K_j)}
       = \frac{\phi(Q_i)^\top \left(\sum_j \phi(K_j) V_j^\top\right)}{\phi(Q_i)^\top \sum_j \phi(K_j)},$$

i.e. $(\phi(Q)\phi(K)^\top)V = \phi(Q)(\phi(K)^\top V)$ with the normaliser: associativity of the matrix product.
The left side costs $O(n^2 \max(m, d_v))$ operations, the right $O(n\,m\,d_v)$. The paper uses
$\phi(x) = \mathrm{elu}(x) + 1$, which is $x + 1$ for $x > 0$ and $e^x$ otherwise, hence positive. In the causal
(masked) form the sums run over $j \le i$: with $S_i = \sum_{j\le i}\phi(K_j)V_j^\top \in\mathbb{R}^{m\times d_v}$ and
$Z_i = \sum_{j\le i}\phi(K_j)$, $V'_i = \phi(Q_i)^\top S_i / \phi(Q_i)^\top Z_i$, and $S_i = S_{i-1} +
\phi(K_i)V_i^\top$, $Z_i = Z_{i-1} + \phi(K_i)$, $S_{-1} = 0$, $Z_{-1} = 0$: a recurrent network whose state has
$m(d_v+1)$ numbers whatever $n$. The proofs below hold at symbolic $n, m, d_v$: the two sides are written as nested
finite sums in their order of evaluation, constant factors are moved into the sums (distributivity) and the finite
sums are exchanged (:func:`theorems.sums.equal_up_to_reindexing`).

**Costs** (multiplications, additions and divisions; the feature map, the same in every form, not counted):

$$C_{\mathrm{quad}} = n^2(2m-1) + n d_v(2n-1) + n(n-1) + n d_v,\qquad
  C_{\mathrm{lin}} = m d_v(2n-1) + m(n-1) + n d_v(2m-1) + n(2m-1) + n d_v,$$

so $C_{\mathrm{quad}} \sim 2n^2(m+d_v)$ and $C_{\mathrm{lin}} \sim 4 n m d_v$; the linear form is cheaper beyond the
crossover $n^* \approx 2 m d_v/(m+d_v)$, i.e. $n^* \approx d$ when $m = d_v = d$ (:func:`crossover`, the exact root).

**Performer's positive random features** (Choromanski et al. 2021, Lemma 1). For $x, y\in\mathbb{R}^d$ and
$w\sim\mathcal N(0, I_d)$,

$$e^{x^\top y} = \mathbb{E}_w\!\left[e^{w^\top x - |x|^2/2}\, e^{w^\top y - |y|^2/2}\right],$$

because $\mathbb{E}\,e^{w^\top s} = e^{|s|^2/2}$ (a Gaussian integral, coordinate by coordinate) with $s = x + y$ and
$|x+y|^2/2 - |x|^2/2 - |y|^2/2 = x^\top y$. Averaging $m$ independent features gives an unbiased estimator with
relative mean squared error $\left(e^{|x+y|^2} - 1\right)/m$ (Lemma 2 of the paper, written relative). Softmax
attention uses $e^{q^\top k/\sqrt d}$: $x = q/d^{1/4}$, $y = k/d^{1/4}$.

**Linformer** (Wang et al. 2020, Theorem 1). Project the sequence axis with $E \in\mathbb{R}^{k\times n}$ of i.i.d.
$\mathcal N(0, 1/k)$ entries: $P V \approx (P E^\top)(E V)$, where $P = \mathrm{softmax}(QK^\top/\sqrt d)$. The
Johnson–Lindenstrauss lemma, in the form $\Pr\left[\,\big||Ex|^2 - |x|^2\big| > \varepsilon |x|^2\right] \le
2 e^{-(\varepsilon^2-\varepsilon^3)k/4}$ (Chernoff bound on $\chi^2_k$), and polarisation give, for each row $p$ of
$P$ and column $v$ of $V$,

$$\Pr\left[\,|p E^\top E v - p v| > \varepsilon |p|\,|v|\,\right] \le 4 e^{-(\varepsilon^2-\varepsilon^3)k/4},$$

which is $4 n^{-5/4}$ at the paper's $k = 5\log n/(\varepsilon^2 - \varepsilon^3)$. The guarantee is *additive*.
Exactly, $\mathbb{E}\,\|(P E^\top)(E V) - P V\|_F^2 = \left(\|P\|_F^2\|V\|_F^2 + \|P V\|_F^2\right)/k$ (Isserlis).

**Slips in the sources.**

* Linformer's Theorem 1 states the relative form $\|P E^\top E w - P w\| \le \varepsilon \|P w\|$ with probability
  $1 - o(1)$. The JL argument gives only $\varepsilon\|P\|\,\|w\|$ (additive): when $V$ has mean-zero columns,
  $P w$ is small (rows of $P$ are averages) and the relative error is of order one: for $V$ with i.i.d.
  $\mathcal N(0,1)$ entries, $\mathbb{E}\|PV\|_F^2 = d_v\|P\|_F^2$ and $\|V\|_F^2 \approx n d_v$, so by the exact
  expectation below the relative error is about $\sqrt{(n+1)/k}$, which *grows* like $\sqrt{n/(40\log n)}$ at
  $\varepsilon = 1/2$ (measured in :mod:`numerics.linear_attention`: 1.05 at $n = 256$, 1.37 at $n = 512$).
  Also, the union bound over all $n d_v$ pairs gives $4 d_v n^{-1/4}$, not $o(1)$ uniformly in $d_v$;
  the per-pair probability is what is checked here.
* With $\varepsilon = 1/2$, $k = 40\log n$ exceeds $n$ for $n$ below $-40\,W_{-1}(-1/40) \approx 214.8$
  (:func:`linformer_k_exceeds_n_below`): the "projection" then enlarges.
* Linformer's evidence for low rank came from trained models: for random $Q, K$ at temperature 1 the spectrum of
  $P$ decays slowly, and the package reports what it measures instead of claiming low rank.
* The seed abstract (Y. Saad, *The linear algebra of LLMs*) says self-attention "can be approximated linearly" from
  $O(n^2)$ to $O(n)$: the kernelised form is *exact* (not an approximation) for its own similarity, which is not
  softmax; Performer and Linformer approximate softmax attention, with the errors stated above.

**Floating point.** Every form computes the numerator $N_{ic} = \sum_{j,l} a_{il} b_{jl} v_{jc}$ ($a = \phi(Q)$,
$b = \phi(K)$) as some bracketing of $nm$ products of three factors, so (Higham 2002, §3.1) each carries at most
$n + m$ rounding factors and $|\hat N_{ic} - N_{ic}| \le \gamma_{n+m} \tilde N_{ic}$ with
$\tilde N = (\phi(Q)\phi(K)^\top)|V|$; the denominator has positive terms, so $|\hat D_i - D_i| \le \gamma_{n+m}
D_i$. Hence each computed output is within $\beta\,\tilde N_{ic}/D_i$ of the exact one, $\beta = (2\gamma_{n+m} +
u(1+\gamma_{n+m}))/(1-\gamma_{n+m})$, and two forms differ by at most $2\beta\,\tilde N_{ic}/D_i$
(:func:`forms_rounding_bound`), valid while nothing underflows: $\phi(x) = e^{x} \ge e^{-R}$ for $|x| \le R$, and
$D_i \ge n m e^{-2R}$ stays normal for $R \le 300$ in float64 (and $R \le 40$ in float32). In float16 the
normaliser, of mean $n m \mu^2$ with $\mu = \mathbb{E}\,\phi(x) = \tfrac12 + \tfrac1{\sqrt{2\pi}} + e^{1/2}\Phi(-1)
\approx 1.1605$ for standard normal inputs (:func:`mean_feature`), overflows near $n^* = 65504/(m\mu^2)$, about 760
at $m = 64$ (:func:`float16_overflow_length`).

References: A. Katharopoulos, A. Vyas, N. Pappas, F. Fleuret, *Transformers are RNNs: fast autoregressive
transformers with linear attention*, ICML 2020, arXiv:2006.16236. K. Choromanski et al., *Rethinking attention with
Performers*, ICLR 2021, arXiv:2009.14794. S. Wang, B. Z. Li, M. Khabsa, H. Fang, H. Ma, *Linformer: self-attention
with linear complexity*, arXiv:2006.04768, 2020. S. Dasgupta, A. Gupta, *An elementary proof of a theorem of Johnson
and Lindenstrauss*, Random Structures & Algorithms 22 (2003). N. J. Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., SIAM 2002.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.rounding import gamma, u
from theorems.sums import equal_up_to_reindexing

KATHAROPOULOS = "katharopoulos2020"
CHOROMANSKI = "choromanski2021"
WANG = "wang2020"

n, m, d = sp.symbols("n m d", integer=True, positive=True)
"""Sequence length n, feature dimension m of phi, value dimension d (d_v in the docstring)."""
i, j, l, c = sp.symbols("i j l c", integer=True)
A = sp.MatrixSymbol("A", n, m)
"""phi(Q), n x m, positive entries."""
B = sp.MatrixSymbol("B", n, m)
"""phi(K), n x m, positive entries."""
V = sp.MatrixSymbol("V", n, d)

# ---------------------------------------------------------------------------------------------------------------
# Kernelised attention: the two orders of evaluation, as nested finite sums
# ---------------------------------------------------------------------------------------------------------------


def _similarity(row, col):
    return sp.Sum(A[row, l] * B[col, l], (l, 0, m - 1))


def quadratic_numerator(last=n - 1):
    r"""$\sum_{j \le \mathrm{last}} (\sum_l A_{il} B_{jl}) V_{jc}$: the $n\times n$ similarity matrix first."""
    return sp.Sum(_similarity(i, j) * V[j, c], (j, 0, last))


def linear_numerator(last=n - 1):
    r"""$\sum_l A_{il} (\sum_{j\le\mathrm{last}} B_{jl} V_{jc})$: the $m\times d$ state $\phi(K)^\top V$ first."""
    return sp.Sum(A[i, l] * sp.Sum(B[j, l] * V[j, c], (j, 0, last)), (l, 0, m - 1))


def quadratic_denominator(last=n - 1):
    return sp.Sum(_similarity(i, j), (j, 0, last))


def linear_denominator(last=n - 1):
    return sp.Sum(A[i, l] * sp.Sum(B[j, l], (j, 0, last)), (l, 0, m - 1))


statement = sp.Eq(quadratic_numerator() / quadratic_denominator(), linear_numerator() / linear_denominator(),
                  evaluate=False)
r"""$V'_{ic}$ by the quadratic order equals $V'_{ic}$ by the linear order, at symbolic $n, m, d$."""

causal_statement = sp.Eq(quadratic_numerator(i) / quadratic_denominator(i), linear_numerator(i) / linear_denominator(i),
                         evaluate=False)


def state(last):
    r"""$S_{\mathrm{last}, lc} = \sum_{j\le \mathrm{last}} \phi(K_j)_l V_{jc}$, the causal form's state."""
    return sp.Sum(B[j, l] * V[j, c], (j, 0, last))


def normaliser_state(last):
    r"""$Z_{\mathrm{last}, l} = \sum_{j\le \mathrm{last}} \phi(K_j)_l$."""
    return sp.Sum(B[j, l], (j, 0, last))


def elu_plus_one(x: sp.Expr) -> sp.Expr:
    r"""$\phi(x) = \mathrm{elu}(x) + 1$: $x + 1$ for $x > 0$, $e^x$ otherwise."""
    return sp.Piecewise((x + 1, x > 0), (sp.exp(x), True))


def _distribute(expr: sp.Expr) -> sp.Expr:
    """Move every factor that does not depend on an inner sum's index into that sum, and merge nested sums.

    c * Sum(f, (k, a, b)) = Sum(c * f, (k, a, b)) when k is not free in c (distributivity of a finite sum); a sum of
    a sum becomes one multiple sum. Raises if a factor depends on the inner index (the move would be invalid).
    """
    if not isinstance(expr, sp.Sum):
        return expr
    body = _distribute(expr.function)
    if isinstance(body, sp.Mul):
        inner = [a for a in body.args if isinstance(a, sp.Sum)]
        if len(inner) == 1:
            rest = body / inner[0]
            merged = _distribute(inner[0])
            if rest.free_symbols & {lim[0] for lim in merged.limits}:
                raise ValueError(f"factor {rest} depends on an index of {merged}")
            body = sp.Sum(rest * merged.function, *merged.limits)
    if isinstance(body, sp.Sum):
        return sp.Sum(body.function, *body.limits, *expr.limits)
    return sp.Sum(body, *expr.limits)


def prove_associativity() -> Check:
    """Numerators: sum_j (sum_l A_il B_jl) V_jc = sum_l A_il (sum_j B_jl V_jc), symbolic n, m, d."""
    return prove_true(KATHAROPOULOS, "(phi(Q) phi(K)^T) V = phi(Q) (phi(K)^T V) entrywise, symbolic n, m, d",
                      equal_up_to_reindexing(_distribute(quadratic_numerator()), _distribute(linear_numerator())))


def prove_normaliser() -> Check:
    """Denominators: sum_j sum_l A_il B_jl = sum_l A_il sum_j B_jl, symbolic n, m."""
    return prove_true(KATHAROPOULOS, "normaliser sum_j phi(Q_i).phi(K_j) = phi(Q_i).(sum_j phi(K_j)), symbolic n, m",
                      equal_up_to_reindexing(_distribute(quadratic_denominator()),
                                             _distribute(linear_denominator())))


def prove_causal() -> Check:
    """Masked (j <= i) numerator and denominator: the same exchange with the upper limit i, symbolic n, m, d."""
    holds = (equal_up_to_reindexing(_distribute(quadratic_numerator(i)), _distribute(linear_numerator(i)))
             and equal_up_to_reindexing(_distribute(quadratic_denominator(i)), _distribute(linear_denominator(i))))
    return prove_true(KATHAROPOULOS, "causal: masked quadratic form = phi(Q_i)^T S_i / phi(Q_i)^T Z_i, symbolic sizes",
                      holds)


def prove_recurrence() -> Check:
    """S_i - S_{i-1} = phi(K_i) V_i^T, Z_i - Z_{i-1} = phi(K_i), S_{-1} = Z_{-1} = 0: the RNN form."""
    from sympy.series.limitseq import difference_delta

    step_s = sp.simplify(difference_delta(state(i), i) - B[i + 1, l] * V[i + 1, c]) == 0
    step_z = sp.simplify(difference_delta(normaliser_state(i), i) - B[i + 1, l]) == 0
    empty = state(-1).doit() == 0 and normaliser_state(-1).doit() == 0
    return prove_true(KATHAROPOULOS, "S_i = S_{i-1} + phi(K_i) V_i^T, Z_i = Z_{i-1} + phi(K_i), S_{-1} = Z_{-1} = 0 "
                                     "(an RNN with an m x (d+1) state)", step_s and step_z and empty)


def prove_explicit_sizes(max_size: int = 2) -> Check:
    """The normalised outputs agree as rational functions at every n, m, d <= max_size, causal and not."""
    holds = True
    for nn, mm, dd in product(range(1, max_size + 1), repeat=3):
        a = sp.Matrix(nn, mm, lambda r, s: sp.Symbol(f"a{r}{s}", positive=True))
        b = sp.Matrix(nn, mm, lambda r, s: sp.Symbol(f"b{r}{s}", positive=True))
        v = sp.Matrix(nn, dd, lambda r, s: sp.Symbol(f"v{r}{s}", real=True))
        sim = a * b.T
        for causal in (False, True):
            mask = sp.Matrix(nn, nn, lambda r, s: 1 if (s <= r or not causal) else 0)
            masked = sim.multiply_elementwise(mask)
            quad = sp.diag(*[1 / sum(masked.row(r)) for r in range(nn)]) * (masked * v)
            rows = []
            for r in range(nn):
                upto = r + 1 if causal else nn
                s_state = b[:upto, :].T * v[:upto, :]
                z_state = b[:upto, :].T * sp.ones(upto, 1)
                rows.append((a.row(r) * s_state) / (a.row(r) * z_state)[0, 0])
            lin = sp.Matrix.vstack(*rows)
            holds &= all(sp.cancel(x) == 0 for x in (quad - lin))
    return prove_true(KATHAROPOULOS, f"normalised outputs equal at every n, m, d <= {max_size}, causal and not",
                      holds)


def prove_feature_map_positive() -> Check:
    """phi(x) = elu(x) + 1 > 0 for every real x: x + 1 > 0 where x > 0, e^x > 0 everywhere."""
    x = sp.Symbol("x", real=True)
    xp = sp.Symbol("x", positive=True)
    branches = elu_plus_one(x).args
    holds = (sp.ask(sp.Q.positive(branches[0][0].subs(x, xp))) is True
             and sp.ask(sp.Q.positive(branches[1][0]), sp.Q.real(x)) is True)
    return prove_true(KATHAROPOULOS, "phi(x) = elu(x) + 1 > 0 for all real x, so the normaliser is positive", holds)


# Costs ----------------------------------------------------------------------------------------------------------


def quadratic_cost() -> sp.Expr:
    """Operations of (phi(Q) phi(K)^T) V / row sums: n^2 dot products of length m, n d of length n, n row sums."""
    return n**2 * (2 * m - 1) + n * d * (2 * n - 1) + n * (n - 1) + n * d


def linear_cost() -> sp.Expr:
    """Operations of phi(Q)(phi(K)^T V) / phi(Q)(phi(K)^T 1): m d and m sums over n, then n(d+1) dots of length m."""
    return m * d * (2 * n - 1) + m * (n - 1) + n * d * (2 * m - 1) + n * (2 * m - 1) + n * d


def causal_linear_cost() -> sp.Expr:
    """The RNN form: per step an outer product (m d), two state updates (m d + m), two contractions, a division."""
    return n * (m * d) + (n - 1) * (m * d + m) + n * d * (2 * m - 1) + n * (2 * m - 1) + n * d


def crossover() -> sp.Expr:
    """The n > 0 at which the quadratic and linear costs are equal: the larger root of a quadratic in n."""
    roots = sp.solve(sp.Eq(quadratic_cost(), linear_cost()), n)
    at_one = [sp.N(r.subs({m: 1, d: 1})) for r in roots]
    return roots[at_one.index(max(at_one))]


def prove_cost_orders() -> Check:
    """C_quad / n^2 -> 2 (m + d); C_lin / n and C_causal / n -> 4 m d + 3 m - 1 (fixed m, d): O(n^2) vs O(n)."""
    linear_rate = 4 * m * d + 3 * m - 1
    holds = (sp.simplify(sp.limit(quadratic_cost() / n**2, n, sp.oo) - 2 * (m + d)) == 0
             and sp.simplify(sp.limit(linear_cost() / n, n, sp.oo) - linear_rate) == 0
             and sp.simplify(sp.limit(causal_linear_cost() / n, n, sp.oo) - linear_rate) == 0)
    return prove_true(KATHAROPOULOS, "C_quad ~ 2(m+d) n^2; C_lin ~ C_causal ~ (4md + 3m - 1) n as n -> oo", holds)


def prove_crossover() -> Check:
    """The crossover n* solves C_quad = C_lin, n*/(2md/(m+d)) -> 1 for m = d -> oo, and n* is in (64, 65) at
    m = d = 64: linear attention does fewer operations than quadratic for n > n*."""
    star = crossover()
    at64 = sp.N(star.subs({m: 64, d: 64}))
    holds = (sp.simplify((quadratic_cost() - linear_cost()).subs(n, star)) == 0
             and sp.limit(star.subs(d, m) / m, m, sp.oo) == 1 and 64 < at64 < 65
             and sp.N((quadratic_cost() - linear_cost()).subs({m: 64, d: 64, n: 65})) > 0)
    return prove_true(KATHAROPOULOS, f"crossover n* with C_quad(n*) = C_lin(n*); n* = {sp.N(at64, 5)} at m = d = 64 "
                                     "(n* ~ 2md/(m+d))", holds)


# Low precision ---------------------------------------------------------------------------------------------------

FLOAT16_MAX = sp.Integer(65504)
"""The largest finite float16."""


def mean_feature() -> sp.Expr:
    r"""$\mu = \mathbb{E}\,\phi(x)$ for $x\sim\mathcal N(0,1)$: $	frac12 + 	frac1{\sqrt{2\pi}} + e^{1/2}\Phi(-1)$."""
    x = sp.Symbol("x", real=True)
    density = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    return sp.integrate(sp.exp(x) * density, (x, -sp.oo, 0)) + sp.integrate((x + 1) * density, (x, 0, sp.oo))


def float16_overflow_length() -> sp.Expr:
    r"""$n^* = 65504/(m\mu^2)$: the normaliser $D_i = \sum_{j,l}\phi(Q_{il})\phi(K_{jl})$, of mean $n m\mu^2$ for
    independent standard normal inputs, passes float16's largest finite number near $n^*$."""
    return FLOAT16_MAX / (m * mean_feature()**2)


def prove_mean_feature() -> Check:
    """E phi(x) = 1/2 + 1/sqrt(2 pi) + e^(1/2) Phi(-1) ~ 1.1605 by integration over the two branches."""
    closed = sp.Rational(1, 2) + 1 / sp.sqrt(2 * sp.pi) + sp.exp(sp.Rational(1, 2)) * (1 + sp.erf(-1 / sp.sqrt(2))) / 2
    return prove_equal(KATHAROPOULOS, f"E phi(x) = 1/2 + 1/sqrt(2 pi) + e^(1/2) Phi(-1) = {sp.N(closed, 6)} for "
                                      "x ~ N(0,1) (float16 normaliser overflows near n = 65504/(m mu^2))",
                       mean_feature(), closed)


# Rounding -------------------------------------------------------------------------------------------------------


def forms_rounding_bound(unit: sp.Expr = u) -> sp.Expr:
    r"""$2\beta$: two forms' outputs differ by at most $2\beta\,\tilde N_{ic}/D_i$, with
    $\tilde N = (\phi(Q)\phi(K)^\top)|V|$."""
    g = gamma(n + m, unit)
    return 2 * (2 * g + unit * (1 + g)) / (1 - g)


def gradient_rounding_bound(unit: sp.Expr = u) -> sp.Expr:
    r"""Constant for two forms' gradients: $2\gamma_{2(n+m+d)+8}$ times the gradient's absolute scale.

    Every term of the backward sums (e.g. $\partial L/\partial\phi(Q)_{il} = \sum_{j,c} \phi(K)_{jl}
    (G_{ic}/D_i)(V_{jc} - V'_{ic})$) is a product of at most six computed factors, each the result of at most
    $n+m+d$ additions, multiplications or a division; the scale replaces every factor by its absolute value
    (counting argument, first order in $u$ made rigorous by $\gamma$).
    """
    return 2 * gamma(2 * (n + m + d) + 8, unit)


# ---------------------------------------------------------------------------------------------------------------
# Performer: positive random features
# ---------------------------------------------------------------------------------------------------------------

w = sp.Symbol("w", real=True)
s = sp.Symbol("s", real=True)
k_ = sp.Symbol("k", integer=True)
X = sp.IndexedBase("x", real=True)
Y = sp.IndexedBase("y", real=True)
features = sp.Symbol("m", integer=True, positive=True)
"""Number of random features (the m of the Performer paper)."""
norm_sum_sq = sp.Symbol("r", nonnegative=True)
"""|x + y|^2."""
STANDARD_NORMAL = sp.exp(-w**2 / 2) / sp.sqrt(2 * sp.pi)


def _gaussian_mean(expr: sp.Expr) -> sp.Expr:
    return sp.integrate(expr * STANDARD_NORMAL, (w, -sp.oo, sp.oo))


def relative_mse() -> sp.Expr:
    r"""$(e^{|x+y|^2} - 1)/m$: relative MSE of the m-feature positive estimator of $e^{x^\top y}$."""
    return (sp.exp(norm_sum_sq) - 1) / features


def _sq(f):
    return sp.Sum(f, (k_, 0, d - 1))


_W = sp.IndexedBase("w", real=True)
performer_statement = sp.Eq(sp.exp(_sq(X[k_] * Y[k_])),
                            sp.Function("E_w")(sp.exp(_sq(_W[k_] * X[k_]) - _sq(X[k_]**2) / 2)
                                               * sp.exp(_sq(_W[k_] * Y[k_]) - _sq(Y[k_]**2) / 2)),
                            evaluate=False)
"""Lemma 1 (E_w the expectation over w ~ N(0, I_d)); proved by :func:`prove_gaussian_mgf` and
:func:`prove_positive_features`."""


def prove_gaussian_mgf() -> Check:
    """E exp(s w) = exp(s^2 / 2) for w ~ N(0, 1) and every real s (the Gaussian integral)."""
    return prove_equal(CHOROMANSKI, "E exp(s w) = exp(s^2/2), w ~ N(0,1), by integration",
                       _gaussian_mean(sp.exp(s * w)), sp.exp(s**2 / 2))


def prove_positive_features() -> Check:
    """exp(x.y) = E[exp(w.x - |x|^2/2) exp(w.y - |y|^2/2)]: the exponent sum_k (x_k+y_k)^2/2 - x_k^2/2 - y_k^2/2.

    With the MGF per coordinate (independent coordinates multiply), the expectation is
    exp(sum_k (x_k+y_k)^2/2 - |x|^2/2 - |y|^2/2); the exponent equals x.y termwise, at symbolic d.
    """
    exponent = _sq(sp.expand((X[k_] + Y[k_])**2 / 2 - X[k_]**2 / 2 - Y[k_]**2 / 2))
    return prove_equal(CHOROMANSKI, "exp(x.y) = E_w[exp(w.x - |x|^2/2) exp(w.y - |y|^2/2)], symbolic d",
                       exponent, _sq(X[k_] * Y[k_]))


def prove_relative_mse() -> Check:
    """Var of one feature / exp(x.y)^2 = exp(|x+y|^2) - 1; m i.i.d. features divide it by m.

    E[Y^2] = E exp(2 w.s) exp(-|x|^2 - |y|^2) = exp(2|s|^2 - |x|^2 - |y|^2) (MGF at 2s, proved by integration for
    one coordinate), and 2|s|^2 - |x|^2 - |y|^2 - 2 x.y = |s|^2 termwise at symbolic d.
    """
    second_moment_1d = sp.simplify(_gaussian_mean(sp.exp(2 * s * w)) - sp.exp(2 * s**2)) == 0
    sk = X[k_] + Y[k_]
    exponent = _sq(sp.expand(2 * sk**2 - X[k_]**2 - Y[k_]**2 - 2 * X[k_] * Y[k_] - sk**2))
    exponent_ok = sp.simplify(exponent) == 0
    mean_of_m = sp.simplify((sp.exp(norm_sum_sq) - 1) / features - relative_mse()) == 0
    return prove_true(CHOROMANSKI, "relative MSE of the m-feature estimator = (exp(|x+y|^2) - 1)/m, symbolic d",
                      second_moment_1d and exponent_ok and mean_of_m)


def prove_explicit_dimension_two() -> Check:
    """E exp(w.s) = exp(|s|^2/2) at d = 2 by a double Gaussian integral (no independence argument needed);
    with s = x + y this is Lemma 1 at d = 2 (the exponent identity is :func:`prove_positive_features`)."""
    w1, w2, s1, s2 = sp.symbols("w1 w2 s1 s2", real=True)
    density = sp.exp(-(w1**2 + w2**2) / 2) / (2 * sp.pi)
    total = sp.integrate(sp.exp(w1 * s1 + w2 * s2) * density, (w1, -sp.oo, sp.oo), (w2, -sp.oo, sp.oo))
    return prove_equal(CHOROMANSKI, "E exp(w.s) = exp(|s|^2/2) at d = 2 by a double integral", total,
                       sp.exp((s1**2 + s2**2) / 2))


# ---------------------------------------------------------------------------------------------------------------
# Linformer: Johnson-Lindenstrauss, additive, and the exact expected squared error
# ---------------------------------------------------------------------------------------------------------------

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


def _linformer_display() -> sp.Eq:
    rows = sp.Symbol("k", integer=True, positive=True)
    P, E, Vm = sp.MatrixSymbol("P", n, n), sp.MatrixSymbol("E", rows, n), sp.MatrixSymbol("V", n, d)

    def fro2(M):
        return sp.Trace(M.T * M)

    return sp.Eq(sp.Function("E")(fro2(P * E.T * E * Vm - P * Vm)),
                 expected_squared_error(fro2(P), fro2(Vm), fro2(P * Vm), rows), evaluate=False)


linformer_statement = _linformer_display()
"""E ||(P E^T)(E V) - P V||_F^2 = (||P||_F^2 ||V||_F^2 + ||P V||_F^2)/k, Frobenius norms as traces."""


def linformer_k_exceeds_n_below() -> sp.Expr:
    r"""The n at which $40\log n = n$ (ε = 1/2): $-40\,W_{-1}(-1/40)$; below it k > n."""
    return -40 * sp.LambertW(-sp.Rational(1, 40), -1)


def prove_pair_failure_at_paper_k() -> Check:
    """At k = 5 log n / (eps^2 - eps^3), the per-pair failure bound 4 exp(-(eps^2 - eps^3) k/4) is 4 n^(-5/4)."""
    return prove_equal(WANG, "4 exp(-(eps^2-eps^3) k/4) = 4 n^(-5/4) at k = 5 log n/(eps^2-eps^3)",
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
    return prove_true(WANG, "Chernoff: P(|Ex|^2 >= (1+eps)|x|^2) <= ((1+eps)e^-eps)^(k/2) <= exp(-(eps^2-eps^3)k/4)",
                      mgf_ok and stationary and value_ok and monotone and gap.subs(eps, 0) == 0)


def prove_chernoff_lower() -> Check:
    r"""Lower tail: ((1-eps)e^eps)^(k/2) <= exp(-eps^2 k/4) <= exp(-(eps^2-eps^3)k/4), i.e.
    log(1-eps) + eps <= -eps^2/2 on [0, 1) (derivative -eps/(1-eps) - ... <= 0, value 0 at 0)."""
    gap = -eps**2 / 2 - (sp.log(1 - eps) + eps)
    derivative = sp.factor(sp.together(sp.diff(gap, eps)))  # eps^2 / (1 - eps) >= 0 on [0, 1)
    holds = sp.simplify(derivative - eps**2 / (1 - eps)) == 0 and gap.subs(eps, 0) == 0
    return prove_true(WANG, "Chernoff lower tail: log(1-eps) + eps <= -eps^2/2 <= -(eps^2-eps^3)/2 on [0,1)", holds)


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
    return prove_true(WANG, "polarisation: additive |p E^T E v - p v| <= eps |p||v| when |E(p+-v)|^2 within eps, "
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
    moments_ok = all(_gaussian_mean(w**p) == _gaussian_moment(p, 1) for p in range(5))
    holds = moments_ok
    for a, b, cc, e in product(range(4), repeat=4):
        counts = {q: (a, b, cc, e).count(q) for q in set((a, b, cc, e))}
        moment = sp.Mul(*[_gaussian_moment(p, 1) for p in counts.values()])
        delta = sp.KroneckerDelta
        holds &= moment - delta(a, b) * delta(cc, e) == delta(a, cc) * delta(b, e) + delta(a, e) * delta(b, cc)
    return prove_true(WANG, "Isserlis for one row: Cov(g_a g_b, g_c g_e) = d_ac d_be + d_ae d_bc", holds)


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
    return prove_true(WANG, "E[(p E^T E v - p v)^2] = (|p|^2 |v|^2 + (p.v)^2)/k, symbolic n (Isserlis)", holds)


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
    return prove_true(WANG, "E||(P E^T)(E V) - P V||_F^2 = (||P||_F^2 ||V||_F^2 + ||PV||_F^2)/k exactly "
                            "(n, k) in {(2,1), (2,2), (3,1)}", holds)


def prove_k_exceeds_n() -> Check:
    """At eps = 1/2, k = 40 log n, and 40 log n = n at n* = -40 W_{-1}(-1/40) ~ 214.8 (k > n below it)."""
    star = linformer_k_exceeds_n_below()
    k_half = linformer_k().subs(eps, sp.Rational(1, 2))
    holds = (sp.simplify(k_half - 40 * sp.log(n)) == 0
             and abs(sp.N(40 * sp.log(star) - star, 30)) < 1e-20 and 214 < sp.N(star) < 216)
    return prove_true(WANG, f"eps = 1/2: k = 40 log n > n for n < {sp.N(star, 5)}", holds)


# ---------------------------------------------------------------------------------------------------------------

_KATHAROPOULOS_REF = Reference(
    key="katharopoulos2020transformers",
    authors=("Angelos Katharopoulos", "Apoorv Vyas", "Nikolaos Pappas", "François Fleuret"),
    year=2020,
    title="Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention",
    venue="Proceedings of the 37th International Conference on Machine Learning (ICML)",
    arxiv="2006.16236",
    entry_type="inproceedings",
)
_CHOROMANSKI_REF = Reference(
    key="choromanski2021rethinking",
    authors=("Krzysztof Choromanski", "Valerii Likhosherstov", "David Dohan", "Xingyou Song", "Andreea Gane",
             "Tamas Sarlos", "Peter Hawkins", "Jared Davis", "Afroz Mohiuddin", "Lukasz Kaiser", "David Belanger",
             "Lucy Colwell", "Adrian Weller"),
    year=2021,
    title="Rethinking Attention with Performers",
    venue="International Conference on Learning Representations (ICLR)",
    arxiv="2009.14794",
    entry_type="inproceedings",
)
_WANG_REF = Reference(
    key="wang2020linformer",
    authors=("Sinong Wang", "Belinda Z. Li", "Madian Khabsa", "Han Fang", "Hao Ma"),
    year=2020,
    title="Linformer: Self-Attention with Linear Complexity",
    venue="arXiv preprint",
    arxiv="2006.04768",
)

THEOREMS = (
    Theorem(
        id=KATHAROPOULOS,
        title="Kernelised attention in O(n): associativity, the causal RNN form, costs",
        module="linear_attention",
        reference=_KATHAROPOULOS_REF,
        statement=statement,
        assumptions=(
            "A = phi(Q), B = phi(K) in R^{n x m} with positive entries (phi = elu + 1), V in R^{n x d}",
            "causal form: sums over j <= i; S_i, Z_i the running states",
            "floating point: |Q|, |K| entries <= 300 in float64 (<= 40 in float32) so the normaliser stays normal",
            "costs count multiplications, additions and divisions; phi itself (the same in all forms) not counted",
        ),
        proofs=(prove_associativity, prove_normaliser, prove_causal, prove_recurrence, prove_explicit_sizes,
                prove_feature_map_positive, prove_cost_orders, prove_crossover, prove_mean_feature),
        aliases=("linear-attention", "transformers-are-rnns"),
        summary="phi(Q)(phi(K)^T V) = (phi(Q)phi(K)^T)V with its normaliser; causal form is an RNN; O(n^2) -> O(n)",
    ),
    Theorem(
        id=CHOROMANSKI,
        title="Performer: positive random features for the softmax kernel",
        module="linear_attention",
        reference=_CHOROMANSKI_REF,
        statement=performer_statement,
        assumptions=(
            "w ~ N(0, I_d); m i.i.d. features (orthogonal features compared numerically)",
            "relative MSE (exp(|x+y|^2) - 1)/m; the sample MSE is checked for |x + y| <= 1 only (log-normal tails)",
            "softmax attention exp(q.k/sqrt(d)) uses x = q/d^(1/4), y = k/d^(1/4)",
        ),
        proofs=(prove_gaussian_mgf, prove_positive_features, prove_relative_mse, prove_explicit_dimension_two),
        aliases=("performer", "favor+"),
        summary="exp(x.y) = E[exp(w.x - |x|^2/2) exp(w.y - |y|^2/2)], relative MSE (e^{|x+y|^2} - 1)/m",
    ),
    Theorem(
        id=WANG,
        title="Linformer: Johnson-Lindenstrauss projection of the sequence axis (additive error)",
        module="linear_attention",
        reference=_WANG_REF,
        statement=linformer_statement,
        assumptions=(
            "E in R^{k x n} with i.i.d. N(0, 1/k) entries, independent of P and V",
            "the guarantee is additive, eps |p_i||v_j| per pair; Linformer's relative form fails for mean-zero V",
            "k = 5 log n/(eps^2 - eps^3) (natural log); eps = 1/2 gives k = 40 log n, larger than n below n ~ 215",
        ),
        proofs=(prove_pair_failure_at_paper_k, prove_chernoff_upper, prove_chernoff_lower, prove_polarisation,
                prove_isserlis_row, prove_expected_error_symbolic, prove_expected_error_explicit, prove_k_exceeds_n),
        aliases=("linformer",),
        summary="P E^T E V ~ P V: additive JL bound per pair; E||error||_F^2 = (|P|^2|V|^2 + |PV|^2)/k",
    ),
)
