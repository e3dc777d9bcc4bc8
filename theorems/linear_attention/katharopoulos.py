r"""Kernelised attention in $O(n)$: associativity, the causal RNN form, and its costs (Katharopoulos et al. 2020).

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

**Slip in the source.** The seed abstract (Y. Saad, *The linear algebra of LLMs*) says self-attention "can be
approximated linearly" from $O(n^2)$ to $O(n)$: the kernelised form is *exact* (not an approximation) for its own
similarity, which is not softmax; Performer and Linformer approximate softmax attention, with the errors stated in
:mod:`theorems.linear_attention.performer` and :mod:`theorems.linear_attention.linformer`.

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

On random data the forms differ by 0.5 to 9% of $2\beta$; the probabilistic model of rounding (Higham and Mary,
SIAM J. Sci. Comput. 41(5) 2019 and 42(5) 2020; :mod:`numerics.rounding_model`) predicts the difference in units
of $u$ to be the same in float32 as in float64, which the experiment checks two-sidedly.

**Wrong neighbours.** The normaliser dropped (:data:`unnormalised_statement`); the causal mask off by one, the RNN
equated with attention over $j \le i+1$ (:data:`next_token_statement`); $\phi = \mathrm{elu}$ without its $+1$
(:func:`elu`, negative for $x < 0$: the normaliser is no longer positive); the linear forms' cost of order $n^2$;
single precision ten times less accurate than the standard model (:data:`LOOSE_SINGLE_PRECISION`, looser). The
experiment rejects each (:mod:`numerics.linear_attention.katharopoulos`).

References: A. Katharopoulos, A. Vyas, N. Pappas, F. Fleuret, *Transformers are RNNs: fast autoregressive
transformers with linear attention*, ICML 2020, arXiv:2006.16236. N. J. Higham, *Accuracy and Stability of
Numerical Algorithms*, 2nd ed., SIAM 2002.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.linear_attention.forms import d, m, n
from theorems.rounding import gamma, u
from theorems.sums import equal_up_to_reindexing

ID = "katharopoulos2020"

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
    return prove_true(ID, "(phi(Q) phi(K)^T) V = phi(Q) (phi(K)^T V) entrywise, symbolic n, m, d",
                      equal_up_to_reindexing(_distribute(quadratic_numerator()), _distribute(linear_numerator())))


def prove_normaliser() -> Check:
    """Denominators: sum_j sum_l A_il B_jl = sum_l A_il sum_j B_jl, symbolic n, m."""
    return prove_true(ID, "normaliser sum_j phi(Q_i).phi(K_j) = phi(Q_i).(sum_j phi(K_j)), symbolic n, m",
                      equal_up_to_reindexing(_distribute(quadratic_denominator()),
                                             _distribute(linear_denominator())))


def prove_causal() -> Check:
    """Masked (j <= i) numerator and denominator: the same exchange with the upper limit i, symbolic n, m, d."""
    holds = (equal_up_to_reindexing(_distribute(quadratic_numerator(i)), _distribute(linear_numerator(i)))
             and equal_up_to_reindexing(_distribute(quadratic_denominator(i)), _distribute(linear_denominator(i))))
    return prove_true(ID, "causal: masked quadratic form = phi(Q_i)^T S_i / phi(Q_i)^T Z_i, symbolic sizes", holds)


def prove_recurrence() -> Check:
    """S_i - S_{i-1} = phi(K_i) V_i^T, Z_i - Z_{i-1} = phi(K_i), S_{-1} = Z_{-1} = 0: the RNN form."""
    from sympy.series.limitseq import difference_delta

    step_s = sp.simplify(difference_delta(state(i), i) - B[i + 1, l] * V[i + 1, c]) == 0
    step_z = sp.simplify(difference_delta(normaliser_state(i), i) - B[i + 1, l]) == 0
    empty = state(-1).doit() == 0 and normaliser_state(-1).doit() == 0
    return prove_true(ID, "S_i = S_{i-1} + phi(K_i) V_i^T, Z_i = Z_{i-1} + phi(K_i), S_{-1} = Z_{-1} = 0 "
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
    return prove_true(ID, f"normalised outputs equal at every n, m, d <= {max_size}, causal and not", holds)


def prove_feature_map_positive() -> Check:
    """phi(x) = elu(x) + 1 > 0 for every real x: x + 1 > 0 where x > 0, e^x > 0 everywhere."""
    x = sp.Symbol("x", real=True)
    xp = sp.Symbol("x", positive=True)
    branches = elu_plus_one(x).args
    holds = (sp.ask(sp.Q.positive(branches[0][0].subs(x, xp))) is True
             and sp.ask(sp.Q.positive(branches[1][0]), sp.Q.real(x)) is True)
    return prove_true(ID, "phi(x) = elu(x) + 1 > 0 for all real x, so the normaliser is positive", holds)


# Wrong neighbours: what a reader, a slide or a first implementation gets wrong -------------------------------------

unnormalised_statement = sp.Eq(quadratic_numerator() / quadratic_denominator(), linear_numerator(), evaluate=False)
r"""The normaliser dropped: $V'_{ic} = \sum_l \phi(Q_i)_l (\phi(K)^\top V)_{lc}$."""

next_token_statement = sp.Eq(linear_numerator(i) / linear_denominator(i),
                             quadratic_numerator(i + 1) / quadratic_denominator(i + 1), evaluate=False)
r"""The causal mask off by one: the RNN's output at $i$ equated with attention over $j \le i + 1$."""


def elu(x: sp.Expr) -> sp.Expr:
    r"""$\mathrm{elu}(x)$: $x$ for $x > 0$, $e^x - 1$ otherwise; the feature map without its $+1$ (negative for
    $x < 0$, so the normaliser can vanish)."""
    return sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True))


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
    return prove_true(ID, "C_quad ~ 2(m+d) n^2; C_lin ~ C_causal ~ (4md + 3m - 1) n as n -> oo", holds)


def prove_crossover() -> Check:
    """The crossover n* solves C_quad = C_lin, n*/(2md/(m+d)) -> 1 for m = d -> oo, and n* is in (64, 65) at
    m = d = 64: linear attention does fewer operations than quadratic for n > n*."""
    star = crossover()
    at64 = sp.N(star.subs({m: 64, d: 64}))
    holds = (sp.simplify((quadratic_cost() - linear_cost()).subs(n, star)) == 0
             and sp.limit(star.subs(d, m) / m, m, sp.oo) == 1 and 64 < at64 < 65
             and sp.N((quadratic_cost() - linear_cost()).subs({m: 64, d: 64, n: 65})) > 0)
    return prove_true(ID, f"crossover n* with C_quad(n*) = C_lin(n*); n* = {sp.N(at64, 5)} at m = d = 64 "
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
    return prove_equal(ID, f"E phi(x) = 1/2 + 1/sqrt(2 pi) + e^(1/2) Phi(-1) = {sp.N(closed, 6)} for "
                           "x ~ N(0,1) (float16 normaliser overflows near n = 65504/(m mu^2))",
                       mean_feature(), closed)


# Rounding -------------------------------------------------------------------------------------------------------


def forms_rounding_bound(unit: sp.Expr = u) -> sp.Expr:
    r"""$2\beta$: two forms' outputs differ by at most $2\beta\,\tilde N_{ic}/D_i$, with
    $\tilde N = (\phi(Q)\phi(K)^\top)|V|$."""
    g = gamma(n + m, unit)
    return 2 * (2 * g + unit * (1 + g)) / (1 - g)


LOOSE_SINGLE_PRECISION = 10
"""The factor by which the looser neighbour widens single precision's error (its model interval)."""


def gradient_rounding_bound(unit: sp.Expr = u) -> sp.Expr:
    r"""Constant for two forms' gradients: $2\gamma_{2(n+m+d)+8}$ times the gradient's absolute scale.

    Every term of the backward sums (e.g. $\partial L/\partial\phi(Q)_{il} = \sum_{j,c} \phi(K)_{jl}
    (G_{ic}/D_i)(V_{jc} - V'_{ic})$) is a product of at most six computed factors, each the result of at most
    $n+m+d$ additions, multiplications or a division; the scale replaces every factor by its absolute value
    (counting argument, first order in $u$ made rigorous by $\gamma$).
    """
    return 2 * gamma(2 * (n + m + d) + 8, unit)

THEOREM = Theorem(
    id=ID,
    title="Kernelised attention in O(n): associativity, the causal RNN form, costs",
    module="linear_attention.katharopoulos",
    reference=Reference(
        key="katharopoulos2020transformers",
        authors=("Angelos Katharopoulos", "Apoorv Vyas", "Nikolaos Pappas", "François Fleuret"),
        year=2020,
        title="Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention",
        venue="Proceedings of the 37th International Conference on Machine Learning (ICML)",
        arxiv="2006.16236",
        entry_type="inproceedings",
    ),
    statement=statement,
    assumptions=(
        r"$A = \phi(Q)$, $B = \phi(K) \in \mathbb{R}^{n \times m}$ with positive entries ($\phi = \mathrm{elu} + 1$), "
        r"$V \in \mathbb{R}^{n \times d}$",
        r"causal form: sums over $j \le i$; $S_i$, $Z_i$ the running states",
        r"floating point: $|Q|$, $|K|$ entries $\le 300$ in float64 ($\le 40$ in float32) so the normaliser stays "
        r"normal",
        r"costs count multiplications, additions and divisions; $\phi$ itself (the same in all forms) not counted",
    ),
    proofs=(prove_associativity, prove_normaliser, prove_causal, prove_recurrence, prove_explicit_sizes,
            prove_feature_map_positive, prove_cost_orders, prove_crossover, prove_mean_feature),
    aliases=("linear-attention", "transformers-are-rnns"),
    summary="φ(Q)(φ(K)ᵀV) = (φ(Q)φ(K)ᵀ)V with its normaliser; causal form is an RNN; O(n²) → O(n)",
)
