r"""The implicit bias of gradient descent: on separable data it converges in direction to the max-margin separator.

**The result** (Soudry, Hoffer, Nacson, Gunasekar & Srebro, JMLR 19, 2018; their Theorem 3). Let the data
$(x_i, y_i)_{i\le n}$, $y_i\in\{\pm1\}$, be linearly separable, write $z_i = y_ix_i$ and let
$\hat w = \arg\min\{\|w\| : z_i^\top w \ge 1\ \forall i\}$ be the hard-margin SVM (max-margin) vector, with support
set $S = \{i : z_i^\top\hat w = 1\}$ and $\hat w = \sum_{i\in S}\alpha_iz_i$, $\alpha_i \ge 0$ (KKT). Gradient descent
$\theta_{\ell+1} = \theta_\ell - \eta\nabla\mathcal E(\theta_\ell)$ on the logistic risk
$\mathcal E(\theta) = \frac1n\sum_i\log(1+e^{-z_i^\top\theta})$ (a smooth, decreasing loss with a tight exponential
tail) with a constant step $0 < \eta < 2/L$, $L = \|X\|_2^2/(4n)$, from any start, satisfies, for almost every such
dataset,

$$\theta_\ell = \hat w\log\ell + \rho_\ell,\qquad \|\rho_\ell\| \text{ bounded},$$

so $\|\theta_\ell\| \to \infty$, $\|\theta_\ell\|/\log\ell \to \|\hat w\|$ and $\theta_\ell/\|\theta_\ell\| \to
\hat w/\|\hat w\|$, with $\|\theta_\ell/\|\theta_\ell\| - \hat w/\|\hat w\|\| = O(1/\log\ell)$ (their rate theorem;
$O(\log\log\ell/\log\ell)$ on the measure-zero degenerate datasets, where only $\|\rho_\ell\| = O(\log\log\ell)$ is
proved). When the support vectors span the space and all $\alpha_i > 0$, the residual has a limit, $\rho_\ell \to
\tilde w$, the solution of $\frac{\eta}{n}e^{-z_i^\top\tilde w} = \alpha_i$ ($i\in S$; the paper writes the loss as a
sum, so its $\eta$ is our $\eta/n$). **Constants:** the paper states the conditions (separability, $\eta <
2/(\beta\sigma_{\max}^2(X))$ for its sum-loss, $\beta$ the loss's smoothness) and the limit $\tilde w$, but its
$O(\cdot)$
bounds on $\rho_\ell - \tilde w$ and on the angle come with no explicit constants; the tolerances of the numerics are
therefore stated there as choices, each with the error it must see.

**Why $\log\ell$** (:func:`prove_force_balance`): along $\theta = \hat w\log t + \tilde w$ the support vectors have
margins $\log t + z_i^\top\tilde w$, so the negative gradient is $\frac\eta n\sum_{i\in S}z_ie^{-z_i^\top\theta} =
\frac1t\sum_i\alpha_iz_i = \hat w/t = \frac{d}{dt}(\hat w\log t)$; the other points' forces decay like
$t^{-(1+a)}$, $a>0$ their margin excess, and the logistic loss differs from $e^{-u}$ by $O(e^{-2u})$
(:func:`prove_exponential_tail`): both summable. Consequences, proved symbolically: the angle
(:func:`prove_angle_rate`): $\log t\cdot\sin\angle(\hat w\log t + \tilde w, \hat w) \to \|\tilde w_\perp\|/\|\hat w\|$;
the norm (:func:`prove_norm_rate`): $(\|\hat w\log t + \tilde w\|/\log t - \|\hat w\|)\log t \to \hat w^\top\tilde
w/\|\hat w\|$; and the data of the experiment (:func:`prove_support_example`): for $z_1 = (1,1)$, $z_2 = (1,-2)$ and
other points with first coordinate $> 1$, $\hat w = (1, 0)$ with $\alpha = (2/3, 1/3)$ (KKT, sufficient for the
convex QP). Step bound and logistic smoothness: :mod:`theorems.optimisation.step_size`. Numerics:
:mod:`numerics.optimisation.implicit_bias`.
"""

from __future__ import annotations

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true

ID = "soudry2018"

t, x = sp.symbols("t x", positive=True)
u = sp.Symbol("u", real=True)
eta, n = sp.symbols("eta n", positive=True)
w_norm = sp.Symbol("w", positive=True)
p, q = sp.symbols("p q", real=True)

theta_norm = sp.Symbol("norm_theta_l", positive=True)
angle = sp.Symbol("angle_l", nonnegative=True)
statement = sp.And(sp.Eq(sp.Limit(theta_norm / sp.log(t), t, sp.oo), w_norm),
                   sp.Eq(sp.Limit(angle * sp.log(t), t, sp.oo), sp.Symbol("norm_wtilde_perp") / w_norm))
"""$\\|\\theta_\\ell\\|/\\log\\ell \\to \\|\\hat w\\|$ and $\\log\\ell\\cdot\\angle(\\theta_\\ell, \\hat w) \\to
\\|\\tilde w_\\perp\\|/\\|\\hat w\\|$ (nondegenerate data, support vectors spanning)."""


def logistic(margin):
    """$\\log(1 + e^{-u})$."""
    return sp.log(1 + sp.exp(-margin))


def prove_exponential_tail() -> Check:
    """-l'(u) = 1/(1 + e^u) for l = log(1 + e^-u); -l'(u) e^u -> 1 (tight exponential tail) and
    e^-u - (-l'(u)) = e^-2u/(1 + e^-u) (the difference from e^-u is O(e^-2u), summable along log t margins)."""
    force = -sp.diff(logistic(u), u)
    lhs = sp.Matrix([sp.simplify(force - 1 / (1 + sp.exp(u))), sp.limit(force * sp.exp(u), u, sp.oo),
                     sp.simplify(sp.exp(-u) - force - sp.exp(-2 * u) / (1 + sp.exp(-u)))])
    return prove_equal(ID, "logistic loss: -l'(u) = 1/(1+e^u), tight exponential tail, e^-u - (-l') = O(e^-2u)",
                       lhs, sp.Matrix([0, 1, 0]))


def prove_force_balance() -> Check:
    """Support vector z with z^T w_hat = 1 and (eta/n) exp(-z^T w_tilde) = alpha: its force (eta/n) exp(-z^T theta)
    along theta = w_hat log t + w_tilde is alpha/t, so sum_i alpha_i z_i / t = w_hat/t = d/dt (w_hat log t)."""
    alpha = sp.Symbol("alpha", positive=True)
    margin = sp.log(t) * 1 + sp.log(eta / (n * alpha))
    force = eta / n * sp.exp(-margin)
    return prove_equal(ID, "force balance: (eta/n) e^{-z^T(w_hat log t + w_tilde)} = alpha/t, and d/dt log t = 1/t",
                       sp.Matrix([sp.simplify(force), sp.diff(sp.log(t), t)]), sp.Matrix([alpha / t, 1 / t]))


def prove_angle_rate() -> Check:
    """w_hat = (w, 0), w_tilde = (p, q): log t sin angle(w_hat log t + w_tilde, w_hat) -> |q|/w, with x = log t."""
    sine = sp.Abs(q) / sp.sqrt((w_norm * x + p) ** 2 + q**2)
    return prove_equal(ID, "log t * sin angle(w_hat log t + w_tilde, w_hat) -> ||w_tilde_perp|| / ||w_hat||",
                       sp.limit(x * sine, x, sp.oo), sp.Abs(q) / w_norm)


def prove_norm_rate() -> Check:
    """(||w_hat x + w_tilde|| / x - ||w_hat||) x -> w_hat^T w_tilde / ||w_hat|| = p (x = log t): the ratio approaches
    ||w_hat|| like 1/log t."""
    ratio = sp.sqrt((w_norm * x + p) ** 2 + q**2) / x
    return prove_equal(ID, "(||theta||/log t - ||w_hat||) log t -> w_hat^T w_tilde / ||w_hat||",
                       sp.limit((ratio - w_norm) * x, x, sp.oo), p)


def prove_support_example() -> Check:
    """z_1 = (1, 1), z_2 = (1, -2): w_hat = (1, 0) is feasible with equality, w_hat = (2/3) z_1 + (1/3) z_2 with
    alpha > 0 (KKT of min ||w||^2/2 s.t. z^T w >= 1, sufficient for this convex QP); points (1 + a, b), a > 0, have
    margin 1 + a > 1 and alpha = 0."""
    a, b = sp.symbols("a b", positive=True)
    z1, z2, w_hat = sp.Matrix([1, 1]), sp.Matrix([1, -2]), sp.Matrix([1, 0])
    alpha = sp.Rational(2, 3), sp.Rational(1, 3)
    conditions = [(z1.T * w_hat)[0] == 1, (z2.T * w_hat)[0] == 1, alpha[0] * z1 + alpha[1] * z2 == w_hat,
                  all(c > 0 for c in alpha), sp.simplify((sp.Matrix([1 + a, b]).T * w_hat)[0] - 1 - a) == 0]
    return prove_true(ID, "example data: support set {(1,1), (1,-2)}, w_hat = (1,0), alpha = (2/3, 1/3) > 0",
                      all(bool(c) for c in conditions))


THEOREM = Theorem(
    id=ID,
    title="Gradient descent on separable logistic regression converges in direction to the max-margin separator",
    module="optimisation.implicit_bias",
    reference=Reference(
        key="soudry2018implicit",
        authors=("Daniel Soudry", "Elad Hoffer", "Mor Shpigel Nacson", "Suriya Gunasekar", "Nathan Srebro"),
        year=2018,
        title="The Implicit Bias of Gradient Descent on Separable Data",
        venue="Journal of Machine Learning Research",
        volume="19",
        number="70",
        pages="1--57",
        arxiv="1710.10345",
    ),
    statement=statement,
    assumptions=(
        r"data linearly separable, $z_i = y_ix_i$; max-margin $\hat w = \arg\min\{\|w\|: z_i^\top w \ge 1\}$",
        r"logistic risk $\frac1n\sum_i\log(1+e^{-z_i^\top\theta})$, constant step $0 < \eta < 2/L$, "
        r"$L = \|X\|_2^2/(4n)$, any start",
        r"bounded residual and the limit $\tilde w$: almost every dataset (all $\alpha_i > 0$), support vectors "
        r"spanning for $\rho_\ell \to \tilde w$; degenerate data: $\|\rho_\ell\| = O(\log\log\ell)$",
        r"the $O(\cdot)$ rates carry no explicit constants in the paper",
    ),
    proofs=(prove_exponential_tail, prove_force_balance, prove_angle_rate, prove_norm_rate, prove_support_example),
    aliases=("implicit-bias",),
    summary="separable logistic regression, GD with η < 2/L: θ_ℓ = ŵ log ℓ + ρ_ℓ, ρ_ℓ bounded (→ w̃); "
            "‖θ_ℓ‖/log ℓ → ‖ŵ‖, angle to ŵ ~ 1/log ℓ",
)
