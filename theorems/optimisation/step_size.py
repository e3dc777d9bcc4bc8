r"""Step sizes of gradient descent: it converges for $0 < \tau < 2/L$, and the best constant step is $2/(L+\mu)$.

**The result.** Let $\mathcal E:\mathbb R^d \to \mathbb R$ be $\mu$-strongly convex with an $L$-Lipschitz gradient
($0 < \mu \le L$, $\kappa = L/\mu$), minimised at $\theta^\star$. Gradient descent with a constant step,
$\theta_{\ell+1} = \theta_\ell - \tau\nabla\mathcal E(\theta_\ell)$, satisfies

$$\|\theta_\ell - \theta^\star\| \le q(\tau)^\ell\, \|\theta_0 - \theta^\star\|, \qquad
  q(\tau) = \max\bigl(|1 - \tau\mu|,\ |1 - \tau L|\bigr),$$

so it converges linearly for $0 < \tau < 2/L$; $q$ is smallest at $\tau^\star = 2/(L+\mu)$, where
$q(\tau^\star) = (L-\mu)/(L+\mu) = (\kappa-1)/(\kappa+1)$. On a quadratic whose Hessian has $L$ as an eigenvalue,
$\tau > 2/L$ makes the error along that eigenvector grow like $|1-\tau L|^\ell$: the iterates diverge.

**The quadratic case, exactly.** For $\mathcal E(\theta) = \tfrac12(\theta-\theta^\star)^\top H(\theta-\theta^\star)$
the error obeys $e_{\ell+1} = (I - \tau H)e_\ell$ (:func:`prove_quadratic_error_map`), and $I - \tau H$ has the
eigenvalues $1 - \tau\lambda_i$ (:func:`prove_spectrum`, at symbolic eigenvalues and rotation). So
$|1-\tau\lambda| < 1 \iff 0 < \tau < 2/\lambda$ (:func:`prove_convergence_interval`), the largest eigenvalue binds
(:func:`prove_largest_eigenvalue_binds`) and beyond $2/L$ the factor exceeds one
(:func:`prove_divergence_beyond_threshold`). Optimality of $\tau^\star$ (:func:`prove_optimal_step`): the weighted
mean $\frac{L}{L+\mu}(1-\tau\mu) + \frac{\mu}{L+\mu}(\tau L - 1) = \frac{L-\mu}{L+\mu}$ does not depend on $\tau$, and
$q(\tau)$ is at least this mean of two of its lower bounds, with equality when both branches meet, at $\tau^\star$.
The contraction $(\kappa-1)/(\kappa+1)$ is *exact* for an error in the plane of the two extreme eigenvectors:
there $\|e_{\ell+1}\| = q(\tau^\star)\|e_\ell\|$ at every step (:func:`prove_exact_contraction_in_extreme_plane`); for
other errors it is the limit of $\|e_{\ell+1}\|/\|e_\ell\|$. The slide's "optimal $\tau_\ell = \tau_\ell^\star$" is
exact line search, which on a quadratic has the closed form $\tau_\ell = g^\top g / g^\top H g$, $g = \nabla
\mathcal E(\theta_\ell)$ (:func:`prove_exact_line_search`).

**The general case** is cited, not proved here: Y. Nesterov, *Lectures on Convex Optimization*, 2nd ed., Springer
2018, §2.1 (Theorem 2.1.15: for $0 < \tau \le 2/(\mu+L)$, $\|\theta_\ell-\theta^\star\|^2 \le
(1 - 2\tau\mu L/(\mu+L))^\ell\|\theta_0-\theta^\star\|^2$, and $\|\theta_\ell-\theta^\star\| \le
((L-\mu)/(L+\mu))^\ell\|\theta_0-\theta^\star\|$ at $\tau = 2/(\mu+L)$). For twice differentiable $\mathcal E$ the
bound $q(\tau)$ follows as in the quadratic case: $\nabla\mathcal E(\theta) - \nabla\mathcal E(\theta^\star) = A(\theta
- \theta^\star)$ with $A = \int_0^1\nabla^2\mathcal E$ between $\mu I$ and $L I$.

**Empirical risk with the slide's normalisation.** The slide minimises $\mathcal E(\theta) = \frac1n\sum_i
\ell(f_\theta(x_i), y_i)$ with no $\tfrac12$. For a linear model $f_\theta(x) = x^\top\theta$ and $X$ the $n\times d$
matrix of the $x_i$:

* least squares, $\ell(y, y') = (y - y')^2$: $\nabla^2\mathcal E = \tfrac2n X^\top X$, so $L = 2\|X\|_2^2/n$ and
  $\mu = 2\sigma_{\min}(X)^2/n$ (:func:`prove_least_squares_hessian`); the $\tfrac12$ convention would give half;
* logistic, $\ell(y, y') = \log(1 + e^{-yy'})$, $y \in \{\pm1\}$: $\nabla^2\mathcal E(\theta) = \frac1n\sum_i
  s(y_ix_i^\top\theta)\,x_ix_i^\top$ with $s(t) = e^t/(1+e^t)^2 \le \tfrac14$, equality at $t = 0$
  (:func:`prove_logistic_curvature`, :func:`prove_logistic_hessian`), so the gradient is Lipschitz with
  $L = \|X\|_2^2/(4n)$, the Hessian at $\theta = 0$ attaining it.

The experiment (:mod:`numerics.optimisation.step_size`) measures all of this on least squares with a known spectrum.

References: Nesterov 2018 above (the registered reference); the line search and its rate: D. G. Luenberger and
Y. Ye, *Linear and Nonlinear Programming*, 4th ed., Springer 2016, §8.2.
"""

from __future__ import annotations

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.notation import symbol
from theorems.rounding import gamma

ID = "gd_step_size"

tau, mu, L, lam = sp.symbols("tau mu L lambda", positive=True)
kappa = sp.Symbol("kappa", positive=True)
ell = sp.Symbol("ell", integer=True, nonnegative=True)
n = sp.Symbol("n", integer=True, positive=True)
norm_X = symbol("norm_X", r"\|X\|_2", "‖X‖₂", positive=True)

contraction = sp.Max(sp.Abs(1 - tau * mu), sp.Abs(1 - tau * L))
"""$q(\\tau) = \\max(|1-\\tau\\mu|, |1-\\tau L|)$: the factor by which the error shrinks at least, each step."""

threshold = 2 / L
"""$2/L$: the largest constant step that converges on every $L$-smooth quadratic."""

optimal_step = 2 / (L + mu)
"""$\\tau^\\star = 2/(L+\\mu)$."""

optimal_contraction = (L - mu) / (L + mu)
"""$q(\\tau^\\star) = (L-\\mu)/(L+\\mu)$."""

optimal_contraction_kappa = (kappa - 1) / (kappa + 1)
"""$q(\\tau^\\star)$ in the condition number $\\kappa = L/\\mu$."""

least_squares_smoothness = 2 * norm_X**2 / n
"""$L$ of $\\frac1n\\sum_i (y_i - x_i^\\top\\theta)^2$: $2\\|X\\|_2^2/n$."""

logistic_smoothness = norm_X**2 / (4 * n)
"""$L$ of $\\frac1n\\sum_i \\log(1 + e^{-y_i x_i^\\top\\theta})$: $\\|X\\|_2^2/(4n)$."""

d = sp.Symbol("d", integer=True, positive=True)
unit = sp.Symbol("u", positive=True)
coupled = symbol("coupled", r"\|\,|X|^\top|X|\,|s|\,\|", "‖ |X|ᵀ|X||s| ‖", nonnegative=True)
gradient_norm = symbol("gradient_norm", r"\|Hs\|", "‖Hs‖", nonnegative=True)
after_norm = symbol("after_norm", r"\|s - \tau Hs\|", "‖s − τHs‖", nonnegative=True)
start_norm = symbol("start_norm", r"\|s\|", "‖s‖", positive=True)
ratio = symbol("ratio", r"r", "r", nonnegative=True)
rounding_arguments = (tau, n, d, unit, coupled, gradient_norm, after_norm, start_norm, ratio)
one_step_rounding_bound = ((tau * 2 / n * (gamma(n, unit) + gamma(d, unit)) * coupled + unit * tau * gradient_norm
                            + unit * after_norm) / start_norm + (2 * gamma(d + 2, unit) + unit) * ratio)
"""First-order bound on |fl(r) - r| for r = ||s - tau grad E(s)|| / ||s|| computed by ``jax.grad`` of the
homogeneous risk and one ``optax.sgd`` step in unit roundoff u (Higham 2002, (3.5) and Lemma 3.1): the gradient's
inner products of length d (X s) and n (X^T times 2 X s/n, exact scalings for n a power of two) err by at most
(gamma_n + gamma_d)(2/n)|X|^T|X||s|; the product by tau and the update add u tau |Hs| and u |s - tau Hs|; the two
norms and the quotient add 2 gamma_(d+2) + u relative to r."""

error_ratio = symbol("error_ratio", r"\frac{\|\theta_\ell - \theta^\star\|}{\|\theta_0 - \theta^\star\|}",
                     "‖θ_ℓ − θ*‖ / ‖θ₀ − θ*‖", nonnegative=True)
best_rate = symbol("best_rate", r"\min_{\tau} q(\tau)", "min_τ q(τ)", positive=True)
statement = sp.And(sp.Le(error_ratio, contraction**ell), sp.Eq(best_rate, optimal_contraction))
"""$\\|\\theta_\\ell-\\theta^\\star\\|/\\|\\theta_0-\\theta^\\star\\| \\le q(\\tau)^\\ell$ and
$\\min_\\tau q(\\tau) = q(2/(L+\\mu)) = (L-\\mu)/(L+\\mu)$."""


def contraction_at(step, low, high):
    """$q$ at a step for the extreme eigenvalues ``low`` ($\\mu$) and ``high`` ($L$), as a SymPy expression."""
    return contraction.subs({tau: step, mu: low, L: high}, simultaneous=True)


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------

_c, _s = sp.symbols("c s", real=True)
_ROTATION = sp.Matrix([[_c, -_s], [_s, _c]])
"""A rotation of the plane with $c^2 + s^2 = 1$ (substituted as $s^2 \\to 1 - c^2$)."""


def _on_circle(expr):
    return sp.expand(sp.expand(expr).subs(_s**2, 1 - _c**2))


def _vector(name: str, size: int) -> sp.Matrix:
    return sp.Matrix(size, 1, lambda i, _: sp.Symbol(f"{name}_{i}", real=True))


def prove_quadratic_error_map() -> Check:
    """On E = (theta - theta*)^T H (theta - theta*)/2 (H symmetric 2x2), theta - tau grad E - theta* = (I - tau H) e."""
    h11, h12, h22 = sp.symbols("h_11 h_12 h_22", real=True)
    H = sp.Matrix([[h11, h12], [h12, h22]])
    theta, star = _vector("theta", 2), _vector("thetastar", 2)
    energy = ((theta - star).T * H * (theta - star))[0] / 2
    gradient = sp.Matrix([sp.diff(energy, t) for t in theta])
    return prove_equal(ID, "quadratic: theta - tau grad E(theta) - theta* = (I - tau H)(theta - theta*)",
                       theta - tau * gradient - star, (sp.eye(2) - tau * H) * (theta - star))


def prove_spectrum() -> Check:
    """I - tau H with H = R diag(mu, L) R^T (R a rotation) has characteristic polynomial (x - 1 + tau mu)(x - 1 + tau L)."""
    x = sp.Symbol("x")
    H = _ROTATION * sp.diag(mu, L) * _ROTATION.T
    characteristic = (sp.eye(2) - tau * H).charpoly(x).as_expr()
    gap = _on_circle(characteristic - (x - (1 - tau * mu)) * (x - (1 - tau * L)))
    return prove_true(ID, "the eigenvalues of I - tau H are 1 - tau lambda_i (H = R diag(mu, L) R^T, any rotation R)",
                      sp.simplify(gap) == 0)


def prove_convergence_interval() -> Check:
    """{tau real : |1 - tau lambda| < 1} = (0, 2/lambda) for lambda > 0."""
    region = sp.solveset(sp.Abs(1 - tau * lam) < 1, tau, sp.S.Reals)
    return prove_true(ID, "|1 - tau lambda| < 1 exactly for 0 < tau < 2/lambda", region == sp.Interval.open(0, 2 / lam))


def prove_largest_eigenvalue_binds() -> Check:
    """2/L <= 2/mu for 0 < mu <= L (L = mu + delta, delta >= 0): every factor |1 - tau lambda|, lambda in [mu, L], is
    below one once |1 - tau L| is."""
    delta = sp.Symbol("delta", nonnegative=True)
    return prove_true(ID, "mu <= L: 2/L <= 2/mu, so the largest eigenvalue sets the threshold 2/L",
                      sp.factor(sp.together(2 / mu - 2 / (mu + delta))) >= 0)


def prove_divergence_beyond_threshold() -> Check:
    """{tau : |1 - tau L| > 1} = (-oo, 0) u (2/L, oo): a positive step beyond 2/L expands the top eigendirection."""
    region = sp.solveset(sp.Abs(1 - tau * L) > 1, tau, sp.S.Reals)
    return prove_true(ID, "|1 - tau L| > 1 for every tau > 2/L (and no 0 < tau <= 2/L)",
                      region == sp.Union(sp.Interval.open(-sp.oo, 0), sp.Interval.open(2 / L, sp.oo)))


def prove_optimal_step() -> Check:
    """q(tau) >= [L (1 - tau mu) + mu (tau L - 1)]/(L + mu) = (L - mu)/(L + mu) for every tau (a weighted mean of two
    lower bounds of the max), with equality at tau* = 2/(L + mu), where 1 - tau* mu = tau* L - 1; and
    (L - mu)/(L + mu) = (kappa - 1)/(kappa + 1)."""
    weighted = (L * (1 - tau * mu) + mu * (tau * L - 1)) / (L + mu)
    branches = sp.Matrix([1 - optimal_step * mu, optimal_step * L - 1, weighted,
                          optimal_contraction.subs(L, kappa * mu)])
    target = sp.Matrix([optimal_contraction, optimal_contraction, optimal_contraction, optimal_contraction_kappa])
    return prove_equal(ID, "min over tau of max(|1 - tau mu|, |1 - tau L|) = (L - mu)/(L + mu) = (kappa-1)/(kappa+1), "
                           "attained at tau* = 2/(L + mu)", branches, target)


def prove_exact_contraction_in_extreme_plane() -> Check:
    """At tau*, ||(I - tau* H) e||^2 = q*^2 ||e||^2 for every e = R (a, b) in the plane of the eigenvectors of mu, L."""
    a, b = sp.symbols("a b", real=True)
    H = _ROTATION * sp.diag(mu, L) * _ROTATION.T
    e = _ROTATION * sp.Matrix([a, b])
    after = (sp.eye(2) - optimal_step * H) * e
    gap = _on_circle(sp.together((after.T * after)[0] - optimal_contraction**2 * (e.T * e)[0]))
    return prove_true(ID, "at tau* the error in the plane of the extreme eigenvectors shrinks by exactly "
                          "(L - mu)/(L + mu) each step", sp.simplify(gap) == 0)


def prove_exact_line_search() -> Check:
    """On E = theta^T H theta/2 - b^T theta (2x2), d/dt E(theta - t g) = 0 at t = g^T g / g^T H g, g = grad E."""
    h11, h12, h22, t = sp.symbols("h_11 h_12 h_22 t", real=True)
    H = sp.Matrix([[h11, h12], [h12, h22]])
    theta, b = _vector("theta", 2), _vector("b", 2)
    g = H * theta - b
    along = ((theta - t * g).T * H * (theta - t * g))[0] / 2 - (b.T * (theta - t * g))[0]
    step = (g.T * g)[0] / (g.T * H * g)[0]
    return prove_equal(ID, "exact line search on a quadratic: tau_l = g^T g / g^T H g zeroes d/dt E(theta - t g)",
                       sp.together(sp.diff(along, t).subs(t, step)), sp.Integer(0))


def prove_least_squares_hessian(samples: int = 3, size: int = 2) -> Check:
    """(1/n) sum_i (y_i - x_i^T theta)^2 has Hessian 2 X^T X / n (explicit n = 3, d = 2; no 1/2 in the loss)."""
    X = sp.Matrix(samples, size, lambda i, j: sp.Symbol(f"x_{i}{j}", real=True))
    y, theta = _vector("y", samples), _vector("theta", size)
    risk = sum(((y - X * theta)[i]) ** 2 for i in range(samples)) / samples
    return prove_equal(ID, f"least squares, slide normalisation: Hessian of (1/n) sum (y - x^T theta)^2 = 2 X^T X/n "
                           f"(n={samples}, d={size}), hence L = 2 ||X||^2/n", sp.hessian(risk, theta),
                       2 * X.T * X / samples)


def _logistic(t):
    return sp.log(1 + sp.exp(-t))


def prove_logistic_curvature() -> Check:
    """d^2/dt^2 log(1 + e^-t) = e^t/(1 + e^t)^2, and 1/4 minus it is (e^t - 1)^2/(4 (e^t + 1)^2) >= 0, zero at t = 0."""
    t = sp.Symbol("t", real=True)
    curvature = sp.diff(_logistic(t), t, 2)
    s = sp.exp(t) / (1 + sp.exp(t)) ** 2
    lhs = sp.Matrix([curvature, sp.Rational(1, 4) - s, s.subs(t, 0)])
    rhs = sp.Matrix([s, (sp.exp(t) - 1) ** 2 / (4 * (sp.exp(t) + 1) ** 2), sp.Rational(1, 4)])
    return prove_equal(ID, "logistic loss: its second derivative e^t/(1+e^t)^2 is at most 1/4, with equality at t = 0",
                       lhs, rhs)


def prove_logistic_hessian(samples: int = 2, size: int = 2) -> Check:
    """The logistic risk (1/n) sum log(1 + exp(-y_i x_i^T theta)) (y = (1, -1)) has Hessian
    (1/n) sum s(y_i x_i^T theta) x_i x_i^T, and X^T X/(4n) at theta = 0."""
    X = sp.Matrix(samples, size, lambda i, j: sp.Symbol(f"x_{i}{j}", real=True))
    labels = [1 if i % 2 == 0 else -1 for i in range(samples)]
    theta = _vector("theta", size)
    margins = [labels[i] * (X[i, :] * theta)[0] for i in range(samples)]
    risk = sum(_logistic(m) for m in margins) / samples
    curvature = [sp.exp(m) / (1 + sp.exp(m)) ** 2 for m in margins]
    formula = sum((curvature[i] * X[i, :].T * X[i, :] for i in range(samples)), sp.zeros(size, size)) / samples
    hessian = sp.hessian(risk, theta)
    lhs = hessian.row_join(hessian.subs({t: 0 for t in theta})).applyfunc(_rational_form)
    rhs = formula.row_join(X.T * X / (4 * samples)).applyfunc(_rational_form)
    return prove_equal(ID, f"logistic risk: Hessian (1/n) sum s(y x^T theta) x x^T, = X^T X/(4n) at theta = 0 "
                           f"(n={samples}, d={size}), hence L = ||X||^2/(4n)", lhs, rhs)


def _rational_form(expr):
    """``expr`` as one cancelled fraction (of exponentials): an algebraic rewrite that makes equal sides alike."""
    return sp.cancel(sp.together(expr))


THEOREM = Theorem(
    id=ID,
    title="Gradient descent converges for steps below 2/L; the best constant step is 2/(L + mu)",
    module="optimisation.step_size",
    reference=Reference(
        key="nesterov2018lectures",
        authors=("Yurii Nesterov",),
        year=2018,
        title="Lectures on Convex Optimization",
        venue="Springer",
        edition="Second",
        note="Springer Optimization and Its Applications 137; Section 2.1, Theorem 2.1.15",
        doi="10.1007/978-3-319-91578-4",
        entry_type="book",
    ),
    statement=statement,
    assumptions=(
        r"$\mathcal E$ is $\mu$-strongly convex with an $L$-Lipschitz gradient, $0 < \mu \le L$, $\kappa = L/\mu$; "
        r"$\theta_{\ell+1} = \theta_\ell - \tau\nabla\mathcal E(\theta_\ell)$ with a constant step $\tau > 0$",
        r"proved here for quadratics $\mathcal E = \frac12(\theta-\theta^\star)^\top H(\theta-\theta^\star)$; the general "
        r"case is Nesterov's Theorem 2.1.15 (cited)",
        r"slide normalisation $\frac1n\sum_i\ell(x_i^\top\theta, y_i)$, no $\frac12$: least squares "
        r"$L = 2\|X\|_2^2/n$, logistic $L = \|X\|_2^2/(4n)$",
    ),
    proofs=(
        prove_quadratic_error_map,
        prove_spectrum,
        prove_convergence_interval,
        prove_largest_eigenvalue_binds,
        prove_divergence_beyond_threshold,
        prove_optimal_step,
        prove_exact_contraction_in_extreme_plane,
        prove_exact_line_search,
        prove_least_squares_hessian,
        prove_logistic_curvature,
        prove_logistic_hessian,
    ),
    aliases=("descent-lemma",),
    summary="gradient descent: ‖θ_ℓ − θ*‖ ≤ max(|1−τμ|, |1−τL|)^ℓ ‖θ₀ − θ*‖; converges iff 0 < τ < 2/L on quadratics; "
            "best τ* = 2/(L+μ), rate (κ−1)/(κ+1)",
)
