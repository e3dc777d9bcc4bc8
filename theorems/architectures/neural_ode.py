r"""A ResNet with $T$ blocks is $T$ Euler steps of a Neural ODE; it converges at rate $1/T$; flows cannot reverse.

**Euler.** Let $v(t, x)$ be $C^1$ on $[0, 1] \times \mathbb R^d$, Lipschitz in $x$ with constant $L$, and let $x(t)$
solve $\dot x = v(t, x)$, $x(0) = x_0$, with $\|\ddot x(t)\| \le M$. The ResNet with blocks
$x_{k+1} = x_k + \tfrac1T v(k/T, x_k)$ (weights $\theta_k = \theta(k/T)$ sampled from a smooth $\theta(t)$) is Euler's
method with step $h = 1/T$, and

$$\|x_T - x(1)\| \;\le\; \frac{M}{2L}\,\bigl(e^L - 1\bigr)\,\frac1T .$$

*Proof.* One step's local error is, by Taylor's formula with integral remainder,
$\tau = x(t+h) - x(t) - h\dot x(t) = \int_0^h (h-s)\,\ddot x(t+s)\,ds$, so $\|\tau\| \le M h^2/2$
(:func:`prove_local_truncation_error`, :func:`prove_local_error_bound`). The error $e_k = x_k - x(kh)$ obeys
$e_{k+1} = e_k + h(v(x_k) - v(x(kh))) - \tau_k$, hence $\|e_{k+1}\| \le (1+hL)\|e_k\| + Mh^2/2$, $e_0 = 0$, and the
discrete Grönwall sum gives $\|e_k\| \le \tfrac{Mh^2}{2}\sum_{j<k}(1+hL)^j = \tfrac{Mh}{2L}((1+hL)^k - 1)$
(:func:`prove_gronwall_sum`); at $k = T$, $(1 + L/T)^T \le e^L$ because $\log(1+y) \le y$
(:func:`prove_compound_below_exponential`, :func:`prove_global_bound`).

**The sharp partner: the first-order error coefficient.** $e_T = E(1)/T + E_2/T^2 + O(T^{-3})$ where $E$ solves the
variational equation $\dot E = \partial_x v(t, x(t))\,E - \tfrac12 \ddot x(t)$, $E(0) = 0$ (Hairer, Nørsett and Wanner,
Theorem II.8.1). For a linear field $v = A(t)x$ with commuting $A(t) = Q\,\mathrm{diag}(a_i(t))\,Q^\top$ the components
$y = Q^\top x$ decouple, $y_i(t) = y_i(0)e^{\alpha_i(t)}$ with $\alpha_i = \int_0^t a_i$, and

$$E_i(t) = -\tfrac12\, y_i(t)\Bigl(a_i(t) - a_i(0) + \int_0^t a_i^2\Bigr)$$

(:func:`prove_first_order_coefficient`). The next term comes from $\log(y_{i,T}/y_i(1)) = \sum_k \log(1 + a_i(k/T)/T)
- \alpha_i(1)$ by Euler–Maclaurin (exact for cubics, :func:`prove_euler_maclaurin`): $\log = \ell_1/T + \ell_2/T^2 +
O(T^{-3})$ with $\ell_1 = -\tfrac12(a(1) - a(0) + \int a^2)$, $\ell_2 = \tfrac1{12}(a'(1) - a'(0)) + \tfrac14(a(1)^2 -
a(0)^2) + \tfrac13\int a^3$, so $E_{2,i} = y_i(1)(\ell_2 + \ell_1^2/2)$. The experiment uses $a_i = p_i'/p_i$ with
$p_i(t) = 1 + b_i t + c_i t^2/2$, whose flow is $y_i(t) = y_i(0)p_i(t)$ and whose $\ddot x = Q\,\mathrm{diag}(c)\,Q^\top
x_0$ is constant: $M$ is exact (:func:`prove_quadratic_flow`). Then $E_i(1) = -\tfrac12 y_i(0)p_i(1)c_i\int_0^1 dt/p_i$.

**Flows are homeomorphisms; in one dimension they are increasing.** For Lipschitz $v$ the flow map $\Phi: x(0)
\mapsto x(1)$ is a homeomorphism (a diffeomorphism for smooth $v$): trajectories cannot cross (uniqueness,
Picard–Lindelöf). In 1-D, two trajectories that cannot cross keep their order, so $\Phi$ is strictly increasing and
$x \mapsto -x$ is not a flow map. Quantitatively, for every increasing $f$ on $[-1, 1]$,

$$\int_{-1}^1 (f(x) + x)^2\,dx \;\ge\; \int_{-1}^1 x^2\,dx = \tfrac23,$$

because $\int (f + x)^2 = \int f^2 + 2\int x f + \tfrac23$ and $\int x f \ge \tfrac12\int x \int f = 0$ (Chebyshev's
integral inequality: $\iint (x - y)(f(x) - f(y)) \ge 0$ for increasing $f$, :func:`prove_chebyshev_expansion`). The
infimum $2/3$ is attained by the constant $0$ only (the isotonic regression of a decreasing function is its mean), a
map no flow realises; flows $x \mapsto e^{k}x$ approach it as $k \to -\infty$ with error$^2 = \tfrac23(1 + e^k)^2$
(:func:`prove_infimum_approached`): the slide's "singular limit", reached only as the weights grow. The same holds on
a grid symmetric about $0$ (Chebyshev's sum inequality), which is what the experiment measures.

**Invertibility of one block.** $F(x) = x + g(x)$ with $\mathrm{Lip}(g) = \ell < 1$ ($g = v/T$, $\mathrm{Lip}(v) < T$) is
invertible: $\|F(x) - F(x')\| \ge (1 - \ell)\|x - x'\|$, and $x = F^{-1}(y)$ is the fixed point of the contraction
$z \mapsto y - g(z)$, reached with $\|z_n - x\| \le \ell^n \|z_0 - x\|$ (Banach; Behrmann et al., *Invertible
Residual Networks*, ICML 2019). Without the condition a block can fold: $x - \kappa\tanh x$ with $\kappa > 1$ maps
$0$ and $\pm x^*$ ($x^* = \kappa \tanh x^*$) to $0$ (:func:`prove_folding_block`).

**Wrong neighbours** (:mod:`numerics.architectures.neural_ode`, :mod:`numerics.architectures.neural_ode_flows`):
the rate $1/T^2$; the rate $1/\sqrt T$ (looser); the bound without $e^L$, $M/(2T)$, which holds for contracting flows
but not for the expanding ones measured; "a Neural ODE can fit $x \mapsto -x$"; "any ResNet is invertible".

Reference: R. T. Q. Chen, Y. Rubanova, J. Bettencourt and D. Duvenaud, *Neural Ordinary Differential Equations*,
NeurIPS 2018, arXiv:1806.07366. Euler's error: E. Hairer, S. P. Nørsett and G. Wanner, *Solving Ordinary Differential
Equations I*, 2nd ed., Springer 1993, §I.7 and §II.3, Theorem II.8.1. Flows that cannot represent $x \mapsto -x$:
E. Dupont, A. Doucet and Y. W. Teh, *Augmented Neural ODEs*, NeurIPS 2019. Source slide: G. Peyré, *Les
mathématiques de l'intelligence artificielle*, "Infinite Depth and Neural-ODEs".
"""

from __future__ import annotations

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true

ID = "chen2018"

T, L, M = sp.symbols("T L M", positive=True)
t, h, s, y = sp.symbols("t h s y", real=True)
error_T = sp.Symbol("e_T", nonnegative=True)

statement = sp.Le(error_T, M / (2 * L) * (sp.exp(L) - 1) / T)
"""$\\|x_T - x(1)\\| \\le \\frac{M}{2L}(e^L - 1)/T$."""


def euler_bound() -> sp.Expr:
    """(M / (2L)) (e^L − 1) / T: the theorem's bound."""
    return statement.rhs


def no_exponential_bound() -> sp.Expr:
    """M / (2T): the bound with the amplification e^L dropped (a wrong neighbour)."""
    return M / (2 * T)


b, c = sp.symbols("b c", positive=True)
quadratic = 1 + b * t + c * t**2 / 2
"""p(t) = 1 + b t + c t²/2: the experiment's flow is y(t) = y(0) p(t)."""
growth_rate = sp.diff(quadratic, t) / quadratic
"""a(t) = p'(t)/p(t), the eigenvalue of A(t) whose flow is p."""
growth_rate_slope = sp.simplify(sp.diff(growth_rate, t))
"""a'(t), for the second-order coefficient."""


def _polynomial(variable, degree: int = 6):
    coefficients = sp.symbols(f"q0:{degree + 1}", real=True)
    return sum(q * variable**k for k, q in enumerate(coefficients))


def prove_local_truncation_error() -> Check:
    """x(t+h) − x(t) − h x'(t) = ∫_0^h (h − s) x''(t+s) ds, exactly, for a generic degree-6 polynomial x."""
    x = sp.Lambda(t, _polynomial(t))
    lhs = x(t + h) - x(t) - h * sp.diff(x(t), t)
    rhs = sp.integrate((h - s) * sp.diff(x(t), t, 2).subs(t, t + s), (s, 0, h))
    return prove_equal(ID, "one Euler step's local error is the Taylor remainder int_0^h (h-s) x''(t+s) ds", lhs, rhs)


def prove_local_error_bound() -> Check:
    """∫_0^h (h − s) ds = h²/2 and h − s >= 0 on [0, h]: |local error| <= M h²/2."""
    hp = sp.Symbol("h", positive=True)
    return prove_equal(ID, "int_0^h (h-s) ds = h^2/2 (with h-s >= 0: |local error| <= M h^2/2)",
                       sp.integrate(hp - s, (s, 0, hp)), hp**2 / 2)


def prove_gronwall_sum() -> Check:
    """E_k = c (q^k − 1)/(q − 1) solves E_{k+1} = q E_k + c, E_0 = 0, and equals c sum_{j<k} q^j (q = 1 + hL > 1)."""
    r, c = sp.symbols("r c_0", positive=True)
    q = 1 + r
    k = sp.Symbol("k", integer=True, nonnegative=True)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    E = sp.Lambda(k, c * (q**k - 1) / (q - 1))
    recursion = sp.simplify(E(k + 1) - q * E(k) - c)
    summed = sp.simplify(sp.summation(q**j, (j, 0, k - 1)) * c - E(k))
    return prove_true(ID, "discrete Gronwall: E_{k+1} = q E_k + c, E_0 = 0 gives E_k = c sum_{j<k} q^j = "
                          "c (q^k - 1)/(q - 1)", sp.And(sp.Eq(recursion, 0), sp.Eq(E(0), 0), sp.Eq(summed, 0)))


def prove_compound_below_exponential() -> Check:
    """y − log(1 + y) vanishes at 0 and has derivative y/(1+y) >= 0 for y >= 0: (1 + L/T)^T <= e^L."""
    yp = sp.Symbol("y", nonnegative=True)
    gap = yp - sp.log(1 + yp)
    derivative = sp.simplify(sp.diff(gap, yp))
    return prove_true(ID, "log(1+y) <= y for y >= 0, so (1 + L/T)^T <= e^L",
                      sp.And(sp.Eq(gap.subs(yp, 0), 0), sp.Eq(derivative, yp / (1 + yp)), derivative >= 0))


def prove_global_bound() -> Check:
    """With q = 1 + L/T and c = M/(2T²): c (q^T − 1)/(q − 1) = (M/(2L))((1 + L/T)^T − 1)/T."""
    q, c = 1 + L / T, M / (2 * T**2)
    return prove_equal(ID, "Gronwall sum at k = T with h = 1/T is (M/(2L))((1+L/T)^T - 1)/T",
                       c * (q**T - 1) / (q - 1), M / (2 * L) * ((1 + L / T) ** T - 1) / T)


def prove_first_order_coefficient() -> Check:
    """E = −½ y (a − a(0) + A₂), y' = a y, A₂' = a², solves E' = a E − ½ (a' + a²) y (and E(0) = 0)."""
    a, a1, a0, yv, A2 = sp.symbols("a a' a_0 y A_2", real=True)
    E = -sp.Rational(1, 2) * yv * (a - a0 + A2)
    # d/dt by the chain rule, with y' = a y, a' = a1, A2' = a^2
    dE = sp.diff(E, yv) * a * yv + sp.diff(E, a) * a1 + sp.diff(E, A2) * a**2
    return prove_equal(ID, "E = -y (a - a(0) + int a^2)/2 solves the variational equation E' = a E - (a' + a^2) y/2",
                       dE, a * E - sp.Rational(1, 2) * (a1 + a**2) * yv)


def prove_quadratic_flow() -> Check:
    """For p = 1 + b t + c t²/2 and a = p'/p: (y₀ p)' = a y₀ p and a' + a² = p''/p = c/p (so x'' = c y₀)."""
    y0 = sp.Symbol("y_0", positive=True)
    p, a = quadratic, growth_rate
    flows = sp.simplify(sp.diff(y0 * p, t) - a * y0 * p)
    curvature = sp.simplify(sp.diff(a, t) + a**2 - c / p)
    return prove_true(ID, "a = p'/p with p = 1 + bt + ct^2/2: y = y0 p solves y' = a y, and a' + a^2 = c/p",
                      sp.And(sp.Eq(flows, 0), sp.Eq(curvature, 0)))


def prove_euler_maclaurin() -> Check:
    """sum_{k<T} f(k/T)/T = ∫_0^1 f − (f(1) − f(0))/(2T) + (f'(1) − f'(0))/(12T²) exactly for cubic f."""
    k = sp.Symbol("k", integer=True, nonnegative=True)
    f = sp.Lambda(t, _polynomial(t, 3))
    left = sp.summation(f(k / T), (k, 0, T - 1)) / T
    fp = sp.diff(f(t), t)
    right = (sp.integrate(f(t), (t, 0, 1)) - (f(1) - f(0)) / (2 * T)
             + (fp.subs(t, 1) - fp.subs(t, 0)) / (12 * T**2))
    return prove_equal(ID, "left Riemann sum = int f - (f(1)-f(0))/(2T) + (f'(1)-f'(0))/(12T^2) for cubic f",
                       left, right)


def second_order_log_coefficient(a0, a1, da0, da1, int_a2, int_a3):
    """(ℓ₁, ℓ₂) of log(y_T / y(1)) = ℓ₁/T + ℓ₂/T² + O(T⁻³), from a(0), a(1), a'(0), a'(1), ∫a², ∫a³."""
    l1 = -(a1 - a0 + int_a2) / 2
    l2 = (da1 - da0) / 12 + (a1**2 - a0**2) / 4 + int_a3 / 3
    return l1, l2


def prove_chebyshev_expansion() -> Check:
    """∫∫(x − y)(f(x) − f(y)) = 4 ∫ x f and ∫(f + x)² = ∫f² + 2∫x f + 2/3 on [−1, 1] (f a generic polynomial)."""
    x = sp.Symbol("x", real=True)
    f = sp.Lambda(t, _polynomial(t, 5))
    double = sp.integrate(sp.integrate((x - y) * (f(x) - f(y)), (x, -1, 1)), (y, -1, 1))
    moment = sp.integrate(x * f(x), (x, -1, 1))
    square = sp.integrate((f(x) + x) ** 2, (x, -1, 1))
    split = sp.integrate(f(x) ** 2, (x, -1, 1)) + 2 * moment + sp.Rational(2, 3)
    return prove_true(ID, "Chebyshev: int int (x-y)(f(x)-f(y)) = 4 int x f >= 0 for increasing f, so "
                          "int (f + x)^2 >= int x^2 = 2/3",
                      sp.And(sp.Eq(sp.expand(double - 4 * moment), 0), sp.Eq(sp.expand(square - split), 0)))


def increasing_fit_infimum() -> sp.Expr:
    """∫_{−1}^1 x² dx = 2/3: the infimum of ∫(f + x)² over increasing f, attained by f = 0 only."""
    x = sp.Symbol("x", real=True)
    return sp.integrate(x**2, (x, -1, 1))


def prove_infimum_approached() -> Check:
    """∫(e^k x + x)² = (2/3)(1 + e^k)² → 2/3 as k → −∞; constants c give 2c² + 2/3 >= 2/3."""
    x, k, c = sp.Symbol("x", real=True), sp.Symbol("k", real=True), sp.Symbol("c", real=True)
    flow = sp.integrate((sp.exp(k) * x + x) ** 2, (x, -1, 1))
    constant = sp.integrate((c + x) ** 2, (x, -1, 1))
    return prove_true(ID, "the flows x -> e^k x reach error^2 (2/3)(1+e^k)^2 -> 2/3 = int x^2 only as k -> -oo",
                      sp.And(sp.Eq(sp.simplify(flow - sp.Rational(2, 3) * (1 + sp.exp(k)) ** 2), 0),
                             sp.Eq(sp.limit(flow, k, -sp.oo), increasing_fit_infimum()),
                             sp.Eq(sp.expand(constant - 2 * c**2), sp.Rational(2, 3))))


def prove_folding_block() -> Check:
    """F(x) = x − κ tanh x with κ > 1 has F'(0) = 1 − κ < 0 and F' → 1 at infinity: it is not monotone, so not
    injective (a residual with Lipschitz constant κ >= 1 times the step)."""
    x, kappa = sp.Symbol("x", real=True), sp.Symbol("kappa", positive=True)
    F = x - kappa * sp.tanh(x)
    slope = sp.diff(F, x)
    return prove_true(ID, "x - kappa tanh x, kappa > 1: F'(0) = 1 - kappa < 0 < 1 = F'(oo), not injective",
                      sp.And(sp.Eq(slope.subs(x, 0), 1 - kappa), sp.Eq(sp.limit(slope, x, sp.oo), 1),
                             sp.Eq(F.subs(x, 0), 0)))


THEOREM = Theorem(
    id=ID,
    title="ResNets are Euler steps of Neural ODEs: convergence at rate 1/T, flows that cannot reverse",
    module="architectures.neural_ode",
    parts=("architectures.neural_ode_flows",),
    reference=Reference(
        key="chen2018neural",
        authors=("Ricky T. Q. Chen", "Yulia Rubanova", "Jesse Bettencourt", "David Duvenaud"),
        year=2018,
        title="Neural Ordinary Differential Equations",
        venue="Advances in Neural Information Processing Systems 31 (NeurIPS 2018)",
        arxiv="1806.07366",
        entry_type="inproceedings",
    ),
    statement=statement,
    assumptions=(
        r"$v(t, x)$ is $C^1$ and Lipschitz in $x$ with constant $L$; $\|\ddot x(t)\| \le M$ on $[0, 1]$",
        r"the ResNet $x_{k+1} = x_k + v(k/T, x_k)/T$ is Euler's method with step $1/T$, $T \ge 1$",
        r"experiment: $v = A(t)x$, $A(t) = Q\,\mathrm{diag}(p_i'/p_i)\,Q^\top$, $p_i = 1 + b_i t + c_i t^2/2$, "
        r"$b_i, c_i > 0$ (an expanding flow with closed form)",
        r"flows: 1-D, $v$ Lipschitz; the fit of $x \mapsto -x$ is measured on a grid symmetric about $0$",
    ),
    proofs=(
        prove_local_truncation_error,
        prove_local_error_bound,
        prove_gronwall_sum,
        prove_compound_below_exponential,
        prove_global_bound,
        prove_first_order_coefficient,
        prove_quadratic_flow,
        prove_euler_maclaurin,
        prove_chebyshev_expansion,
        prove_infimum_approached,
        prove_folding_block,
    ),
    aliases=("resnet-euler",),
    summary="ResNet x + v/T converges to the Neural ODE at rate 1/T (≤ M(e^L−1)/(2LT)); flows cannot map x to −x",
)
