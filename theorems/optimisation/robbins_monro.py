r"""Stochastic approximation (Robbins & Monro 1951): steps $\tau/\ell$ converge, at a rate that depends on $\tau\mu$.

**The result.** Stochastic gradient descent $\theta_{\ell+1} = \theta_\ell - \tau_\ell\, g_\ell$, with
$\mathbb E[g_\ell \mid \theta_\ell] = \nabla\mathcal E(\theta_\ell)$ and bounded noise variance, converges to the
minimiser $\theta^\star$ of a strongly convex $\mathcal E$ when the steps satisfy

$$\sum_\ell \tau_\ell = \infty, \qquad \sum_\ell \tau_\ell^2 < \infty$$

(Robbins & Monro 1951 prove convergence in $L^2$; almost surely: Blum 1954, Robbins & Siegmund 1971). The slide's
$\tau_\ell = \tau/\ell$ satisfies both (:func:`prove_step_conditions`); a constant step does not, and stalls at a floor.

**Rates with $\tau_\ell = \tau/\ell$**, for a $\mu$-strongly convex $\mathcal E$: with the constants of
A. Nemirovski, A. Juditsky, G. Lan and A. Shapiro, "Robust stochastic approximation approach to stochastic
programming", SIAM J. Optim. 19(4), 2009, eqs. (2.8)–(2.10) (their $c = \mu$, $\theta = \tau$, $M^2 \ge
\mathbb E\|g\|^2$): if $2\tau\mu > 1$,

$$\mathbb E\|\theta_\ell - \theta^\star\|^2 \le \frac{Q(\tau)}{\ell}, \qquad
  Q(\tau) = \max\Bigl(\frac{\tau^2 M^2}{2\tau\mu - 1},\ \|\theta_1 - \theta^\star\|^2\Bigr),$$

by induction on $a_{\ell+1} \le (1 - 2\mu\tau/\ell)a_\ell + \tfrac12\tau^2M^2/\ell^2$ (their (2.8),
$a_\ell = \tfrac12\mathbb E\|\theta_\ell-\theta^\star\|^2$; :func:`prove_induction_step` proves the step). If
$2\tau\mu < 1$ no such bound holds: on the quadratic the rate is only $\ell^{-2\tau\mu}$ (below) — the classic trap
of a step constant chosen too small.

**The quadratic, exactly.** For $\mathcal E = \tfrac12(\theta-\theta^\star)^\top H(\theta-\theta^\star)$ with
eigenvalues $\lambda_i \in [\mu, L]$ and $g_\ell = \nabla\mathcal E(\theta_\ell) + \xi_\ell$, $\xi_\ell$ independent
with mean $0$ and covariance $s^2 I$, the error along eigenvector $i$ has second moment $v_\ell$ with

$$v_{\ell+1} = \Bigl(1 - \frac{a}{\ell}\Bigr)^2 v_\ell + \frac{\tau^2 s^2}{\ell^2}, \qquad a = \tau\lambda_i$$

(:func:`prove_second_moment_recursion`). Its particular solution is $v_\ell = \frac{c_1}{\ell}(1 + \frac{a+1}{2\ell})
+ O(\ell^{-3})$ with $c_1 = \tau^2s^2/(2a-1)$ (:func:`prove_particular_solution`), positive exactly when
$a > \tfrac12$ (:func:`prove_rate_threshold`); the homogeneous solution decays like
$\prod_k (1 - a/k)^2 \sim \ell^{-2a}$. So $\mathbb E\|\theta_\ell-\theta^\star\|^2 = \sum_i v^{(i)}_\ell$ behaves like
$\ell^{-1}$ when $\tau\mu > \tfrac12$ and like $\ell^{-2\tau\mu}$ when $\tau\mu < \tfrac12$: the log-log slope
tends to $-\min(1, 2\tau\mu)$. For $H = \mu I$, $\ell\,\mathbb E\|\theta_\ell - \theta^\star\|^2 \to
\tau^2\sigma^2/(2\tau\mu - 1)$ ($\sigma^2 = d s^2$): the first term of $Q(\tau)$ with $M^2 = \sigma^2$, attained.
The exact discrete log-slope is
$\ell(v_{\ell+1} - v_\ell)/v_\ell = -2a + a^2/\ell + \tau^2 s^2/(\ell v_\ell)$ (:func:`prove_local_slope`): its last
two terms are the next-order terms that the experiment's slope tolerance is made of.

**Constant step.** With $\tau_\ell = \tau$ ($0 < \tau\lambda_i < 2$) the recursion has the fixed point
$v_\infty = \tau s^2/(\lambda_i(2 - \tau\lambda_i)) = \frac{\tau s^2}{2\lambda_i} + O(\tau^2)$
(:func:`prove_constant_step_floor`): the error stalls at a floor proportional to $\tau$.

Reference: H. Robbins and S. Monro, "A Stochastic Approximation Method", Ann. Math. Statist. 22(3), 400–407, 1951;
the constants: Nemirovski, Juditsky, Lan and Shapiro 2009 above. The experiment is
:mod:`numerics.optimisation.robbins_monro`.
"""

from __future__ import annotations

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.notation import symbol

ID = "robbins1951"

tau, mu, lam, s, M = sp.symbols("tau mu lambda s M", positive=True)
a = sp.Symbol("a", positive=True)
"""$a = \\tau\\lambda$: the product of the step constant and a curvature."""
ell = sp.Symbol("ell", positive=True)
v = sp.Symbol("v", positive=True)

recursion = (1 - a / ell) ** 2 * v + tau**2 * s**2 / ell**2
"""$v_{\\ell+1}$ as a function of $v = v_\\ell$: the second moment along one eigenvector, steps $\\tau/\\ell$."""

leading_constant = tau**2 * s**2 / (2 * a - 1)
"""$c_1 = \\tau^2 s^2/(2a - 1)$: $\\ell v_\\ell \\to c_1$ when $a > 1/2$."""

rate_exponent = -sp.Min(1, 2 * tau * mu)
"""The log-log slope of $\\mathbb E\\|\\theta_\\ell - \\theta^\\star\\|^2$ in $\\ell$: $-\\min(1, 2\\tau\\mu)$
($\\tau\\mu \\ne 1/2$)."""

local_slope = -2 * a + a**2 / ell + tau**2 * s**2 / (ell * v)
"""$\\ell(v_{\\ell+1} - v_\\ell)/v_\\ell$: the exact discrete log-slope of one eigendirection."""

constant_step_floor = tau * s**2 / (lam * (2 - tau * lam))
"""The fixed point of $v \\mapsto (1 - \\tau\\lambda)^2 v + \\tau^2 s^2$: the floor of a constant step."""

mean_square_error = symbol("mean_square_error", r"\mathbb{E}\|\theta_\ell - \theta^\star\|^2",
                           "𝔼‖θ_ℓ − θ*‖²", positive=True)
statement = sp.Eq(sp.Limit(sp.log(mean_square_error) / sp.log(ell), ell, sp.oo), rate_exponent)
"""$\\lim_{\\ell\\to\\infty} \\log\\mathbb E\\|\\theta_\\ell-\\theta^\\star\\|^2/\\log\\ell = -\\min(1, 2\\tau\\mu)$."""


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------

def prove_step_conditions() -> Check:
    """sum_l tau/l = oo and sum_l (tau/l)^2 = tau^2 pi^2/6 < oo: the steps tau/l satisfy Robbins and Monro's
    conditions; a constant step has sum tau^2 = oo."""
    k = sp.Symbol("k", integer=True, positive=True)
    values = (sp.summation(tau / k, (k, 1, sp.oo)), sp.summation((tau / k) ** 2, (k, 1, sp.oo)),
              sp.summation(tau**2, (k, 1, sp.oo)))
    return prove_true(ID, "sum tau/l = oo, sum (tau/l)^2 = tau^2 pi^2/6 < oo; a constant step has sum tau^2 = oo",
                      values[0] == sp.oo and values[1] == tau**2 * sp.pi**2 / 6 and values[2] == sp.oo)


def prove_second_moment_recursion() -> Check:
    """E[(e - (tau/l)(lambda e + xi))^2] = (1 - a/l)^2 E e^2 + tau^2 s^2/l^2 (a = tau lambda), from E xi = 0,
    E xi^2 = s^2, xi independent of e: the expectation of the expanded square, term by term."""
    e, xi = sp.symbols("e xi", real=True)
    expanded = sp.Poly(sp.expand((e - tau / ell * (lam * e + xi)) ** 2), e, xi)
    moments = {(2, 0): v, (1, 1): 0, (0, 2): s**2, (1, 0): 0, (0, 1): 0, (0, 0): 1}
    expectation = sum(coefficient * moments[monomial] for monomial, coefficient in expanded.terms())
    return prove_equal(ID, "one step along an eigenvector: E e_(l+1)^2 = (1 - tau lambda/l)^2 E e_l^2 + tau^2 s^2/l^2",
                       expectation, recursion.subs(a, tau * lam))


def prove_particular_solution() -> Check:
    """v_l = c1/l + c2/l^2 with c1 = tau^2 s^2/(2a - 1), c2 = c1 (a + 1)/2 satisfies the recursion up to O(l^-4):
    l^3 (v_(l+1) - recursion(v_l)) -> 0."""
    c1 = leading_constant
    trial = c1 / ell + c1 * (a + 1) / (2 * ell**2)
    residual = trial.subs(ell, ell + 1) - recursion.subs(v, trial)
    return prove_true(ID, "v_l = c1/l (1 + (a + 1)/(2 l)) + O(l^-3), c1 = tau^2 s^2/(2a - 1), solves the recursion to "
                          "O(l^-4)", sp.limit(sp.together(residual * ell**3), ell, sp.oo) == 0)


def prove_rate_threshold() -> Check:
    """c1 = tau^2 s^2/(2a - 1) > 0 exactly for a > 1/2: below, no 1/l solution exists and the l^(-2a) decay of the
    homogeneous solution is the rate."""
    numerator, denominator = sp.fraction(sp.together(leading_constant))
    region = sp.solveset(denominator > 0, a, sp.Interval.open(0, sp.oo))
    return prove_true(ID, "the 1/l term c1 = tau^2 s^2/(2 tau mu - 1) is positive exactly when tau mu > 1/2",
                      bool(numerator.is_positive) and region == sp.Interval.open(sp.Rational(1, 2), sp.oo))


def prove_local_slope() -> Check:
    """l (v_(l+1) - v_l)/v_l = -2a + a^2/l + tau^2 s^2/(l v_l): the exact discrete log-slope of the recursion."""
    return prove_equal(ID, "exact discrete log-slope l (v_(l+1) - v_l)/v_l = -2a + a^2/l + tau^2 s^2/(l v_l)",
                       sp.together(ell * (recursion - v) / v), sp.together(local_slope))


def prove_induction_step() -> Check:
    """Nemirovski et al. (2.9): if a_l <= Q/(2l) with Q >= tau^2 M^2/(2 mu tau - 1), 2 mu tau > 1, then
    (1 - 2 mu tau/l) Q/(2l) + tau^2 M^2/(2 l^2) <= Q/(2(l+1)). With mu tau = (1 + w)/2 and Q = tau^2 M^2/w + r
    (w, r >= 0), 2 l^2 (l+1) times the gap is tau^2 M^2/w + w l r + w r + r, whose terms are >= 0."""
    w, r = sp.symbols("w r", positive=True)
    Q = tau**2 * M**2 / w + r
    gap = Q / (2 * (ell + 1)) - ((1 - (1 + w) / ell) * Q / (2 * ell) + tau**2 * M**2 / (2 * ell**2))
    scaled = sp.expand(sp.cancel(gap * 2 * ell**2 * (ell + 1)))
    return prove_equal(ID, "induction step of E||theta_l - theta*||^2 <= Q(tau)/l (Nemirovski et al. 2009, (2.9)): "
                           "the gap times 2 l^2 (l+1) has non-negative terms", scaled,
                       tau**2 * M**2 / w + w * ell * r + w * r + r)


def prove_constant_step_floor() -> Check:
    """v = tau s^2/(lambda (2 - tau lambda)) is the fixed point of v -> (1 - tau lambda)^2 v + tau^2 s^2, and
    v = tau s^2/(2 lambda) + O(tau^2): a floor proportional to tau."""
    fixed = (1 - tau * lam) ** 2 * constant_step_floor + tau**2 * s**2
    first_order = sp.limit(constant_step_floor / tau, tau, 0)
    return prove_equal(ID, "constant step: the floor tau s^2/(lambda (2 - tau lambda)) is the fixed point, "
                           "= tau s^2/(2 lambda) (1 + O(tau))", sp.Matrix([sp.together(fixed), first_order]),
                       sp.Matrix([constant_step_floor, s**2 / (2 * lam)]))


THEOREM = Theorem(
    id=ID,
    title="Robbins-Monro: steps tau/l converge, at the rate l^(-min(1, 2 tau mu))",
    module="optimisation.robbins_monro",
    reference=Reference(
        key="robbins1951stochastic",
        authors=("Herbert Robbins", "Sutton Monro"),
        year=1951,
        title="A Stochastic Approximation Method",
        venue="The Annals of Mathematical Statistics",
        volume="22",
        number="3",
        pages="400--407",
        doi="10.1214/aoms/1177729586",
    ),
    statement=statement,
    assumptions=(
        r"$\theta_{\ell+1} = \theta_\ell - \tau_\ell g_\ell$, $\mathbb E[g_\ell\mid\theta_\ell] = "
        r"\nabla\mathcal E(\theta_\ell)$, noise variance bounded and positive; $\sum\tau_\ell = \infty$, "
        r"$\sum\tau_\ell^2 < \infty$",
        r"rates: $\tau_\ell = \tau/\ell$, $\mathcal E$ $\mu$-strongly convex; $\tau\mu \ne 1/2$ (at $1/2$: "
        r"$\log\ell/\ell$); constants of Nemirovski et al. 2009, (2.9)–(2.10)",
        r"exact on quadratics with eigenvalues in $[\mu, L]$ and independent noise of covariance $s^2 I$",
    ),
    proofs=(
        prove_step_conditions,
        prove_second_moment_recursion,
        prove_particular_solution,
        prove_rate_threshold,
        prove_local_slope,
        prove_induction_step,
        prove_constant_step_floor,
    ),
    aliases=("robbins-monro", "sgd-step-decay"),
    summary="SGD with τ_ℓ = τ/ℓ: E‖θ_ℓ − θ*‖² ~ ℓ^(−min(1, 2τμ)); O(1/ℓ) only when τμ > 1/2; constant step: floor ∝ τ",
)
