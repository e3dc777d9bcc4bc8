r"""Universal approximation by one hidden layer (Cybenko 1989), quantitative in 1-D, and its polynomial converse.

**Cybenko (1989).** Let $f_\theta(x) = \sum_{s=1}^p a_s\,\sigma(\langle x, w_s\rangle + b_s)$ be the two-layer
perceptron with $p$ neurons (:mod:`theorems.universal_approximation.network`). If $\sigma$ is continuous and
sigmoidal ($\sigma(t)\to 1$ as $t\to+\infty$, $\to 0$ as
$t\to-\infty$), then for every $f$ continuous on a compact $\Omega\subset\mathbb{R}^d$ and every $\varepsilon>0$ there
are $p$ and $\theta$ with $\sup_{x\in\Omega}|f_\theta(x)-f(x)|\le\varepsilon$. Leshno, Lin, Pinkus and Schocken
(1993) extend this to every continuous $\sigma$ that is *not a polynomial*; the slide's wording ("for $p$ large
enough") is theirs. The converse is elementary: with $\sigma(t)=t^k$ every $f_\theta$ is a polynomial of degree
$\le k$ (:func:`prove_polynomial_activation_gives_polynomials`), a closed finite-dimensional space, so the sup error
of *every* such network is at least the best-approximation error $E_k(f)=\min_{\deg q\le k}\|f-q\|_\infty>0$ for
$f\notin\mathcal P_k$. Example with a certificate: $E_k(x^{k+1}) = 2^{-k}$ on $[-1,1]$, because
$x^{k+1}-2^{-k}T_{k+1}(x)$ has degree $\le k$ and $T_{k+1}$ equioscillates at $k+2$ points (de la Vallée Poussin /
Chebyshev alternation; :func:`prove_polynomial_networks_stall`).

*Quantitative 1-D form used by the experiment (the "staircase").* On $[0,1]$ with $h=1/p$, nodes $x_k=kh$ and
midpoints $\xi_k=(k-\tfrac12)h$,

$$f_p(x) = f(0) + \sum_{k=1}^p \big(f(x_k)-f(x_{k-1})\big)\,\sigma(\kappa(x-\xi_k)),\qquad
  \sigma(t)=\frac{1}{1+e^{-t}},$$

satisfies, for $f$ with modulus of continuity $\omega_f(\delta)\le\min(L\delta,\ \mathrm{osc} f)$ and
$q=e^{-\kappa h}$,

$$\sup_{[0,1]}|f-f_p| \le \omega_f(h/2) + \min\!\Big(\frac{2\,W(e^{-1})\,L}{\kappa},\ \frac{\mathrm{osc} f}{2}\Big)
  + \omega_f(h)\,\frac{q+\sqrt q}{1-q}$$

(:func:`staircase_bound`). Proof: for $x\in[x_{j-1},\xi_j]$ at distance $u$ from $\xi_j$ the unit $j$ mixes
$f(x_{j-1})$ and $f(x_j)$ with weights $1-\sigma_j, \sigma_j$, $\sigma_j=\sigma(-\kappa u)$, costing at most
$\omega(h/2)+\sigma(-\kappa u)\,\omega(2u)$, and $\max_{v\ge0} v\,\sigma(-v) = W(e^{-1}) \approx 0.2785$ (Lambert
$W$; :func:`prove_sigmoid_tail_constant`); every other unit is off by $|f(x_k)-f(x_{k-1})|\,\sigma(-\kappa|x-\xi_k|)
\le\omega(h)e^{-\kappa|x-\xi_k|}$ at distances $\ge h/2+mh$ on one side and $\ge mh$, $m\ge1$, on the other (two
geometric series). The symmetric case $x\in[\xi_j,x_j]$ is the same. With $\kappa=c/h$ (steepness tied to the grid)
the bound is $L h(\tfrac12 + 2W(e^{-1})/c + (e^{-c}+e^{-c/2})/(1-e^{-c}))\to0$; with $\kappa$ fixed and $h\to0$ it
tends to $(2+2W(e^{-1}))L/\kappa$ (the tails add up): the bound, and the measured error, stall.

*The bound is sharp to a factor about 3.* On a cell $[x_{j-1},x_j]$ where $f$ is linear the staircase's own unit
contributes exactly $f'h(\sigma(cv)-\frac12-v)$ at $x=\xi_j+vh$, $c=\kappa h$ (:func:`prove_linear_cell_error`), and the
others at most $\omega(h)(e^{-c(1+v)}+e^{-c(1-v)})/(1-e^{-c})$, so :func:`staircase_lower_bound` holds the error
from below: for $c=10$ about $0.18\,|f'|h$, against the upper bound's $0.56\,Lh$.

**Wrong neighbours** (rejected in :mod:`numerics.universal_approximation.cybenko` and
:mod:`numerics.universal_approximation.polynomial_activation`): the upper bound without $\omega(h/2)$
(:func:`staircase_bound_without_half_cell`); a fixed $\kappa$ that converges like $\kappa=c/h$; a constant 10 times
the staircase's (looser: the lower bound rejects it); $\sigma(t)=t^k$ universal.

**Slip in the sources.** The slide's universality statement (any continuous non-polynomial $\sigma$) is Leshno et
al.'s; Cybenko's is for sigmoidal $\sigma$.

References: G. Cybenko, Approximation by superpositions of a sigmoidal function, *Math. Control Signals Systems* 2
(1989) 303–314. M. Leshno, V. Ya. Lin, A. Pinkus, S. Schocken, *Neural Networks* 6 (1993) 861–867.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.notation import Exists, ForAll, symbol
from theorems.universal_approximation.network import kappa, network, p, x

ID = "cybenko1989"

f = sp.Function("f")
epsilon = symbol("epsilon", r"\varepsilon", "ε", positive=True)

Omega = symbol("Omega", r"\Omega", "Ω")
"""The compact domain $\\Omega \\subset \\mathbb R^d$ (display only)."""
theta = symbol("theta", r"\theta", "θ")
"""The parameters $\\theta = (a_s, w_s, b_s)_{s \\le p}$ (display only)."""

error_bound = sp.Le(sp.Abs(network - f(x)), epsilon)
"""$|f_\\theta(x)-f(x)|\\le\\varepsilon$ at one $x$."""
statement = ForAll((epsilon,), Exists((p, theta), ForAll((x,), error_bound, Omega)), sp.Interval.open(0, sp.oo))
r"""$\forall \varepsilon > 0\ \exists p, \theta\ \forall x \in \Omega$: $|f_\theta(x)-f(x)|\le\varepsilon$
(display only: the quantifiers are :mod:`theorems.notation` records, never evaluated)."""

# ---------------------------------------------------------------------------------------------------------------
# The staircase bound (quantitative in 1-D).
# ---------------------------------------------------------------------------------------------------------------

h = sp.Symbol("h", positive=True)
lipschitz = sp.Symbol("L", positive=True)
oscillation = sp.Symbol("osc", positive=True)
TAIL_CONSTANT = sp.LambertW(sp.exp(-1))
"""$W(e^{-1})=\\max_{v\\ge0}v\\,\\sigma(-v)\\approx0.27846$."""


def modulus(delta: sp.Expr, lip: sp.Expr = lipschitz, osc: sp.Expr = oscillation) -> sp.Expr:
    r"""$\omega_f(\delta)\le\min(L\delta,\ \mathrm{osc}\,f)$ for an $L$-Lipschitz $f$ of oscillation osc."""
    return sp.Min(lip * delta, osc)


def staircase_bound(spacing: sp.Expr = h, steepness: sp.Expr = kappa, lip: sp.Expr = lipschitz,
                    osc: sp.Expr = oscillation) -> sp.Expr:
    r"""$\omega(h/2)+\min(2W(e^{-1})L/\kappa,\ \mathrm{osc}/2)+\omega(h)(q+\sqrt q)/(1-q)$, $q=e^{-\kappa h}$."""
    q = sp.exp(-steepness * spacing)
    return (modulus(spacing / 2, lip, osc) + sp.Min(2 * TAIL_CONSTANT * lip / steepness, osc / 2)
            + modulus(spacing, lip, osc) * (q + sp.sqrt(q)) / (1 - q))


def staircase_slope_bound(spacing: sp.Expr = h, steepness: sp.Expr = kappa, lip: sp.Expr = lipschitz,
                          osc: sp.Expr = oscillation) -> sp.Expr:
    r"""Lipschitz constant of the staircase: $\max_k|\Delta_k|\,\kappa\,(1/4+2\sqrt q/(1-q))$, $|\Delta_k|\le\omega(h)$.

    ($\sigma'\le1/4$ at the nearest unit and $\sigma'(v)\le e^{-|v|}$ at the others, at distances $\ge h/2+mh$.)
    Used to bound how far the sup on a grid can be below the true sup.
    """
    q = sp.exp(-steepness * spacing)
    return modulus(spacing, lip, osc) * steepness * (sp.Rational(1, 4) + 2 * sp.sqrt(q) / (1 - q))


def sigmoid(t: sp.Expr) -> sp.Expr:
    r"""$\sigma(t)=1/(1+e^{-t})$."""
    return 1 / (1 + sp.exp(-t))


offset = sp.Symbol("v", real=True)
"""The position $x=\\xi_j+vh$ in a cell, $v\\in[-\\frac12,\\frac12]$."""
cell_slope = sp.Symbol("L_cell", positive=True)
"""$|f'|$ on a cell where $f$ is linear."""
per_cell = sp.Symbol("c", positive=True)
"""The steepness per cell $c=\\kappa h$."""


def linear_cell_error(position: sp.Expr = offset, steepness_per_cell: sp.Expr = per_cell) -> sp.Expr:
    r"""$\sigma(cv)-\frac12-v$: the staircase's error on a cell where $f$ is linear, in units of $f'h$, from its own
    unit alone ($c=\kappa h$; :func:`prove_linear_cell_error`)."""
    return sigmoid(steepness_per_cell * position) - sp.Rational(1, 2) - position


def staircase_lower_bound(spacing: sp.Expr = h, steepness: sp.Expr = kappa, slope: sp.Expr = cell_slope,
                          lip: sp.Expr = lipschitz, osc: sp.Expr = oscillation, position: sp.Expr = offset) -> sp.Expr:
    r"""$|f'|\,h\,|\sigma(cv)-\frac12-v|-\omega(h)\,(e^{-c(1+v)}+e^{-c(1-v)})/(1-e^{-c})$, $c=\kappa h$: a lower
    bound on $|f-f_p|$ at $x=\xi_j+vh$ when $f$ is linear with slope $\pm|f'|$ on the cell $[x_{j-1},x_j]$.

    The error there is $f'h(\sigma(cv)-\frac12-v)$ from unit $j$ (:func:`prove_linear_cell_error`) plus the
    other units' $\Delta_k(\sigma_k-\mathbb 1\{k<j\})$, each at most $\omega(h)e^{-c(m\pm v)}$ at distance
    $(m\pm v)h$, $m\ge1$ ($\sigma(-y)\le e^{-y}$): two geometric series. It is what makes the upper bound
    :func:`staircase_bound` *sharp*: for $c=10$ the sup error is at least $0.17\,|f'|h$ (on a grid of 8 points a
    cell; $0.18$ on 16) against the bound's $0.56\,Lh$, so a bound 10 times too large cannot hold with it.
    """
    c = steepness * spacing
    tails = (sp.exp(-c * (1 + position)) + sp.exp(-c * (1 - position))) / (1 - sp.exp(-c))
    return slope * spacing * sp.Abs(linear_cell_error(position, c)) - modulus(spacing, lip, osc) * tails


def staircase_bound_without_half_cell(spacing: sp.Expr = h, steepness: sp.Expr = kappa, lip: sp.Expr = lipschitz,
                                      osc: sp.Expr = oscillation) -> sp.Expr:
    r"""Wrong neighbour: :func:`staircase_bound` without $\omega(h/2)$, as if the sigmoid staircase interpolated."""
    return staircase_bound(spacing, steepness, lip, osc) - modulus(spacing / 2, lip, osc)


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def prove_polynomial_activation_gives_polynomials(max_degree: int = 4, units: int = 3) -> Check:
    """With sigma(t) = t^k, f_theta is a polynomial of total degree <= k (d = 1, 2, 3; p = 3 symbolic units)."""
    holds = True
    for k, d in product(range(0, max_degree + 1), (1, 2, 3)):
        xs = sp.symbols(f"x0:{d}", real=True)
        total = 0
        for unit in range(units):
            ws = sp.symbols(f"w{unit}_0:{d}", real=True)
            total += sp.Symbol(f"a{unit}") * (sum(wi * xi for wi, xi in zip(ws, xs)) + sp.Symbol(f"b{unit}")) ** k
        holds &= sp.Poly(sp.expand(total), *xs).total_degree() <= k
    return prove_true(ID, f"sigma(t) = t^k makes f_theta a polynomial of degree <= k (k <= {max_degree}, "
                          f"d <= 3, p = {units}): not universal", holds)


def prove_polynomial_networks_stall(max_degree: int = 8) -> Check:
    """E_k(x^{k+1}) = 2^{-k} on [-1, 1]: q = x^{k+1} - 2^{-k} T_{k+1} has degree <= k and the error 2^{-k} T_{k+1}
    equioscillates (values ±2^{-k}, alternating) at the k+2 points cos(j pi/(k+1)): by de la Vallée Poussin no
    polynomial of degree <= k does better, so no network with sigma = t^k gets below 2^{-k}."""
    t, angle = sp.Symbol("t", real=True), sp.Symbol("theta", real=True)
    holds = True
    for k in range(1, max_degree + 1):
        chebyshev = sp.chebyshevt(k + 1, t)
        holds &= sp.Poly(sp.expand(t ** (k + 1) - chebyshev / 2**k), t).degree() <= k
        # T_{k+1}(cos theta) = cos((k+1) theta), so at theta_j = j pi/(k+1) the error is (-1)^j 2^-k.
        identity = sp.expand(sp.expand_trig(sp.cos((k + 1) * angle)) - chebyshev.subs(t, sp.cos(angle)))
        holds &= sp.simplify(identity) == 0
        holds &= all(sp.cos((k + 1) * j * sp.pi / (k + 1)) == (-1) ** j for j in range(k + 2))
        holds &= len({sp.cos(j * sp.pi / (k + 1)) for j in range(k + 2)}) == k + 2
    return prove_true(ID, f"E_k(x^(k+1)) = 2^-k on [-1,1] by Chebyshev alternation, k <= {max_degree}: "
                          "polynomial-activation networks stall", holds)


def prove_staircase_telescopes() -> Check:
    """With steps in place of sigmoids the staircase at node j is f(x_0) + sum_{k<=j} (f(x_k) - f(x_{k-1})) = f(x_j)."""
    k, j = sp.symbols("k j", integer=True, positive=True)
    telescoped = f(0) + sp.Sum(f(k) - f(k - 1), (k, 1, j)).doit()
    return prove_equal(ID, "staircase of steps interpolates: f(x_0) + sum_{k<=j} Delta_k = f(x_j)",
                       telescoped, f(j))


def prove_linear_cell_error() -> Check:
    """For f = a + L x, nodes x_k = k h, midpoint xi_j = (j - 1/2) h and x = xi_j + v h: the staircase's value from
    the units up to j, f(x_{j-1}) + (f(x_j) - f(x_{j-1})) sigma(kappa (x - xi_j)), minus f(x) is
    L h (sigma(c v) - 1/2 - v), c = kappa h."""
    j, a, slope = sp.Symbol("j", integer=True, positive=True), sp.Symbol("a"), sp.Symbol("L")
    line = lambda y: a + slope * y  # noqa: E731
    midpoint = (j - sp.Rational(1, 2)) * h
    point = midpoint + offset * h
    jump = line(j * h) - line((j - 1) * h)
    partial = line((j - 1) * h) + jump * sigmoid(per_cell / h * (point - midpoint))
    return prove_equal(ID, "staircase on a linear cell: error L h (sigma(c v) - 1/2 - v) from its own unit",
                       partial - line(point), slope * h * linear_cell_error(offset, per_cell))


def prove_sigmoid_tail_constant() -> Check:
    """max_{v>=0} v sigma(-v) = W(1/e), attained at v = 1 + W(1/e).

    Let w > 0 be the root of w e^w = e^{-1} (w = W(1/e)); at v = 1 + w, e^v = 1/w. There d/dv [v/(1+e^v)] =
    (1 + e^v - v e^v)/(1+e^v)^2 vanishes and the value is w. (The function rises from 0 and decays like v e^{-v},
    and the derivative's numerator 1 + e^v(1 - v) is decreasing for v > 0, so this root is the maximum.)
    """
    v, root = sp.Symbol("v", positive=True), sp.Symbol("w", positive=True)
    value = v / (1 + sp.exp(v))
    at_root = {sp.exp(v): 1 / root}
    derivative = sp.diff(value, v).subs(at_root).subs(v, 1 + root)
    maximum = value.subs(at_root).subs(v, 1 + root)
    numerator_slope = sp.diff(1 + sp.exp(v) * (1 - v), v)
    holds = (sp.simplify(derivative) == 0 and sp.simplify(maximum - root) == 0
             and sp.simplify(numerator_slope + v * sp.exp(v)) == 0)
    return prove_true(ID, "max_v v sigma(-v) = W(1/e) ~ 0.2785 (the staircase's tail constant)", bool(holds))


def prove_staircase_bound_limits() -> Check:
    """kappa = c/h: the bound is L h (1/2 + 2W/c + (e^-c + e^-c/2)/(1 - e^-c)) (-> L h/2 as c -> oo); kappa fixed:
    the bound tends to 2L/kappa as h -> 0 (tails dominate)."""
    c = sp.Symbol("c", positive=True)
    tied = staircase_bound(h, c / h, lipschitz, sp.oo).rewrite(sp.exp)
    closed = lipschitz * h * (sp.Rational(1, 2) + 2 * TAIL_CONSTANT / c
                              + (sp.exp(-c) + sp.exp(-c / 2)) / (1 - sp.exp(-c)))
    tied_ok = sp.simplify(tied - closed) == 0
    fixed_limit = sp.limit(staircase_bound(h, kappa, lipschitz, sp.oo), h, 0, "+")
    fixed_ok = sp.simplify(fixed_limit - 2 * lipschitz / kappa - 2 * TAIL_CONSTANT * lipschitz / kappa) == 0
    return prove_true(ID, "staircase bound: kappa = c/h gives O(L h); fixed kappa stalls at "
                          "(2 + 2W(1/e)) L/kappa as h -> 0", bool(tied_ok and fixed_ok))


THEOREM = Theorem(
    id=ID,
    title="Universal approximation by one hidden layer",
    module="universal_approximation.cybenko",
    reference=Reference(
        key="cybenko1989approximation",
        authors=("George Cybenko",),
        year=1989,
        title="Approximation by superpositions of a sigmoidal function",
        venue="Mathematics of Control, Signals and Systems",
        volume="2",
        number="4",
        pages="303--314",
        doi="10.1007/BF02551274",
    ),
    statement=statement,
    assumptions=(
        r"$f$ continuous on a compact $\Omega \subset \mathbb{R}^d$; $\sigma$ continuous sigmoidal (Cybenko) or "
        r"continuous and not a polynomial (Leshno et al. 1993)",
        r"$\theta = (a_s, w_s, b_s)_{s \le p}$: for every $\varepsilon > 0$ some $p$ and $\theta$ give "
        r"$\sup_{\Omega} |f_\theta - f| \le \varepsilon$",
        r"$\sigma(t) = t^k$: $f_\theta$ is a polynomial of degree $\le k$, the sup error stalls at $E_k(f)$",
        r"1-D staircase: $h = 1/p$, $\kappa = c/h$, sup error $\le \omega(h/2) + \min(2W(1/e)L/\kappa, "
        r"\mathrm{osc}/2) + \omega(h)(q + \sqrt{q})/(1 - q)$, $q = e^{-\kappa h}$",
    ),
    proofs=(
        prove_polynomial_activation_gives_polynomials,
        prove_polynomial_networks_stall,
        prove_staircase_telescopes,
        prove_linear_cell_error,
        prove_sigmoid_tail_constant,
        prove_staircase_bound_limits,
    ),
    aliases=("cybenko", "universal-approximation"),
    summary="one hidden layer with a non-polynomial activation approximates any continuous function uniformly",
    parts=("universal_approximation.polynomial_activation",),
    seeded=False,  # the staircases and Remez's E_k(f) are deterministic: the key is unused
)
