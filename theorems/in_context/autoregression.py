r"""In-context autoregressive learning: one linear attention layer is one gradient step (Sander et al. 2024).

**Setting.** A sequence follows $s_{t+1} = W s_t$ in $\mathbb{C}^d$ with an unknown matrix $W$ drawn afresh for each
sequence (the slide's $A$ during training, $B$ at test). Given $s_0, \dots, s_T$ a model must predict
$s_{T+1} = W s_T$: it has to estimate $W$ *in context*. The inner least-squares objective

$$L(W') = \tfrac12 \sum_{t=1}^{T} \|s_t - W' s_{t-1}\|^2$$

has (Wirtinger) gradient $\nabla L(W') = -\sum_t (s_t - W' s_{t-1}) s_{t-1}^{*}$, so one gradient step from $W' = 0$
with step $\eta$ gives

$$\Gamma = \eta\, G, \qquad G = \sum_{t=1}^{T} s_t s_{t-1}^{*}, \qquad \hat s_{T+1} = \Gamma s_T .$$

**One-step identity** (:func:`prove_one_step_identity`). With augmented tokens $e_t = (0, s_t, s_{t-1}) \in
\mathbb{C}^{3d}$ and one causal linear attention layer whose output at position $T$ is
$e_T + \sum_{t\le T} (V e_t)(e_t^{*} M e_T)$, the block weights ($V \in \mathbb{C}^{3d\times 3d}$ copies the second
block into the first, $M \in \mathbb{C}^{3d\times 3d}$ is $\eta$ times the block that pairs the third block of the key
with the second block of the query) make the first block of the output exactly $\Gamma s_T$.

**Unitary law.** $W = \operatorname{diag}(e^{i\theta_1}, \dots, e^{i\theta_d})$, $\theta_j$ i.i.d. uniform on
$[0, 2\pi)$, $s_0$ with unit-modulus entries ($s_0 = \mathbf 1_d$ in the paper's formulas; any fixed or random phases
give the same moments, see below). Writing $z_j = e^{i\theta_j}$, every quantity below is a Laurent polynomial in the
$z_j$ and the phases of $s_0$, and its expectation is its constant term (the $z_j^k$, $k\neq 0$, have mean zero).
Coordinate $j$ of the prediction error is

$$(\eta G s_T - s_{T+1})_j = (\eta T - 1)\, z_j^{T+1} + \eta \sum_{k\ne j}\sum_{t=1}^{T} z_j^{t} z_k^{T+1-t}$$

(times the phase of $s_{0j}$). The cross terms have exponents $T+1-t \ge 1$ in $z_k$ and vanish in mean, and in the
square of the second sum only $t = t'$, $k = k'$ survive, so

$$\mathcal L(\eta) := \mathbb E\|\eta G s_T - s_{T+1}\|^2 = d\big[(\eta T - 1)^2 + \eta^2 (d-1) T\big].$$

Hence $\eta^\star = 1/(T + d - 1)$, $\mathcal L(\eta^\star) = d(d-1)/(T+d-1)$ and, since $G_{jj} = T z_j$ and
$\mathbb E|G_{jk}|^2 = T$ for $j\ne k$, the relative estimation error is the same per-coordinate quantity,

$$\frac{\mathbb E\|\eta^\star G - W\|_F^2}{\|W\|_F^2} = \frac{d-1}{T+d-1}.$$

The loss is flat at $\eta^\star$, so a Monte Carlo check of $\eta^\star$ uses $\mathcal L'(\eta)$, the mean of
$2\,\mathrm{Re}\langle \eta G s_T - s_{T+1}, G s_T\rangle$, which is exactly zero at $\eta^\star$.

**Rotation-block law** (real arithmetic, $d = 2m$). $W = \operatorname{diag}(R(\theta_1), \dots, R(\theta_m))$ with
$R(\theta)$ the $2\times2$ rotation, $\theta_b$ i.i.d. uniform, and each $2$-block of $s_0$ a unit vector, so
$\|s_t\|^2 = m = d/2$. A real outer product $u v^\top$ of unit vectors at angles $\alpha, \beta$ is
$\tfrac12[R(\alpha-\beta) + F(\alpha+\beta)]$ with $F$ a reflection, so the diagonal blocks of $G$ carry only
$\tfrac T2 R(\theta_b)$ coherently: the same expansion gives

$$\mathcal L_{\mathrm{rot}}(\eta) = m\Big[\big(\tfrac{\eta T}{2} - 1\big)^2 + \tfrac{\eta^2}{4}(d-1)T\Big], \qquad
\eta^\star_{\mathrm{rot}} = \frac{2}{T + d - 1}, \qquad \mathcal L_{\mathrm{rot}}(\eta^\star) =
\frac{d(d-1)}{2(T+d-1)},$$

and both relative errors (prediction $\mathcal L/\mathbb E\|s_{T+1}\|^2$ and estimation
$\mathbb E\|\eta G - W\|_F^2/\|W\|_F^2$) equal $(d-1)/(T+d-1)$ again. In both laws $\eta^\star \|s_0\|^2 = d/(T+d-1)$:
the step is in units of the squared token norm (the official code's $s_0 = \mathbf 1_d/\sqrt d$ multiplies the
complex $\eta^\star$ by $d$ and divides the loss by $d$).

**How it is proved here.** The one-step identity is proved by expansion at every size $d, T \le 3$, the gradient
formula at $d, T \le 2$. The moment formulas $\mathcal L(\eta)$ and the estimation error are proved exactly at
explicit sizes by taking the constant term of the Laurent polynomials (:mod:`theorems.in_context.moments`; complex:
$d \le 3$, $T \le 4$; rotations: $m \le 2$, $T \le 2$), with random $s_0$ phases as extra variables; the
general-$d, T$ step (only $t=t'$, $k=k'$ survive) is the argument above. The optimisation over $\eta$ is proved
for symbolic $d, T$.

**Non-augmented tokens.** With tokens $e_t = s_t$ the paper characterises the global minima of a multi-head
diagonal linear layer with a positional matrix: :mod:`theorems.in_context.positional_heads` states that model,
proves its closed-form losses (unitary and orthogonal laws) and their minima, and its checks are part of this
theorem. Two facts behind the constructions are also proved here: under the unitary law $d$ orthogonal heads,
head $h$ scoring $\overline{s_{T-1,h}}\,s_{T,h} = z_h$ and returning it times $s_{T,h}$, predict $s_{T+1}$ exactly
(:func:`prove_coordinate_heads_exact`); for rotation blocks $R^2 = 2\cos\theta\,R - I$ gives
$s_{T+1} = 2(s_{T-1}^\top s_T)s_T - s_{T-1}$ per unit block (:func:`prove_rotation_recurrence`).

**Slips and caveats in the sources.** The slide (Peyré, *Les mathématiques de l'IA*, Theorem [Sander, Peyré 2024])
says the transformer "estimates B": what is proved is one gradient step, $\eta^\star G$, whose relative error
$(d-1)/(T+d-1)$ decays only like $d/T$ — it is not the least-squares solution (which is exact once $T \ge d$). The
augmented result holds under the paper's assumptions (commuting/unitary $W$, block-structured parameters). With
$s_0 = \mathbf 1_d$ fixed a trained layer can exploit the known start and beat $d(d-1)/(T+d-1)$; random phases
remove that. The slide's author list omits Giryes, Suzuki and Blondel.

Reference: M. E. Sander, R. Giryes, T. Suzuki, M. Blondel, G. Peyré, "How do Transformers perform In-Context
Autoregressive Learning?", ICML 2024, arXiv:2402.05787.
"""

from __future__ import annotations

from functools import reduce
from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.in_context import positional_heads
from theorems.in_context.moments import phases, rotation_moments, unit_conjugate, unitary_moments
from theorems.notation import symbol

ID = "sander2024"

d, T = sp.symbols("d T", integer=True, positive=True)
eta = sp.Symbol("eta", positive=True)

# ---------------------------------------------------------------------------------------------------------------
# Closed forms (the numeric side lambdifies these).
# ---------------------------------------------------------------------------------------------------------------

unitary_loss = d * ((eta * T - 1) ** 2 + eta**2 * (d - 1) * T)
"""$\\mathbb E\\|\\eta G s_T - s_{T+1}\\|^2$ under the unitary law (complex, $|s_{0j}| = 1$)."""

unitary_loss_derivative = sp.diff(unitary_loss, eta)
"""$\\mathcal L'(\\eta)$: zero exactly at $\\eta^\\star$."""

unitary_estimation_error = unitary_loss / d
"""$\\mathbb E\\|\\eta G - W\\|_F^2 / \\|W\\|_F^2$ under the unitary law (the same per-coordinate expression)."""

rotation_loss = (d / 2) * ((eta * T / 2 - 1) ** 2 + eta**2 / 4 * (d - 1) * T)
"""$\\mathbb E\\|\\eta G s_T - s_{T+1}\\|^2$ under the rotation-block law (real, $d$ even, unit $2$-blocks of $s_0$)."""

rotation_loss_derivative = sp.diff(rotation_loss, eta)

rotation_estimation_error = rotation_loss / (d / 2)
"""$\\mathbb E\\|\\eta G - W\\|_F^2 / \\|W\\|_F^2$ under the rotation-block law."""

optimal_step = 1 / (T + d - 1)
minimal_loss = d * (d - 1) / (T + d - 1)
relative_error = (d - 1) / (T + d - 1)
rotation_optimal_step = 2 / (T + d - 1)
rotation_minimal_loss = d * (d - 1) / (2 * (T + d - 1))

one_step_forms = {"unitary": (unitary_loss, unitary_estimation_error),
                  "rotation": (rotation_loss, rotation_estimation_error)}
"""Per law, loss $\\mathcal L(\\eta)$ and the relative estimation error of one step $\\eta G$, in $(d, T, \\eta)$."""

step_ratio = sp.Symbol("r", positive=True)
loss_excess = T * (step_ratio - 1) ** 2 / (d - 1)
"""$\\mathcal L(r\\eta^\\star)/\\mathcal L(\\eta^\\star) - 1$ (both laws, :func:`prove_loss_excess`)."""

eta_star = symbol("eta_star", r"\eta^\star", "η*", positive=True)
loss_at_star = symbol("loss_at_eta_star", r"\mathcal{L}(\eta^\star)", "ℒ(η*)", positive=True)
relative_error_at_star = symbol("relative_estimation_error",
                                r"\frac{\mathbb{E}\|\eta^\star G - W\|_F^2}{\|W\|_F^2}",
                                "𝔼‖η*G − W‖²_F / ‖W‖²_F", positive=True)
statement = sp.And(sp.Eq(eta_star, optimal_step), sp.Eq(loss_at_star, minimal_loss),
                   sp.Eq(relative_error_at_star, relative_error))
"""Unitary law: $\\eta^\\star = 1/(T+d-1)$, minimal loss $d(d-1)/(T+d-1)$, relative error $(d-1)/(T+d-1)$."""


# ---------------------------------------------------------------------------------------------------------------
# Explicit-size constructions.
# ---------------------------------------------------------------------------------------------------------------


def _complex_vector(name: str, size: int) -> sp.Matrix:
    return sp.Matrix([sp.Symbol(f"{name}_{i}", real=True) + sp.I * sp.Symbol(f"{name}'_{i}", real=True)
                      for i in range(size)])


def gradient_step(states: list[sp.Matrix], step: sp.Expr) -> sp.Matrix:
    """$\\Gamma = \\eta \\sum_{t=1}^T s_t s_{t-1}^*$ for ``states`` $= [s_0, \\dots, s_T]$."""
    return step * reduce(lambda a, b: a + b, (states[t] * states[t - 1].H for t in range(1, len(states))))


def attention_prediction(states: list[sp.Matrix], step: sp.Expr) -> sp.Matrix:
    """First block of one causal linear attention layer at position T, on tokens $e_t = (0, s_t, s_{t-1})$.

    Output $= e_T + \\sum_{t=1}^{T} (V e_t)(e_t^* M e_T)$ with the block weights
    $V = [[0, I, 0], [0, 0, 0], [0, 0, 0]]$ and $M = \\eta\\,[[0, 0, 0], [0, 0, 0], [0, I, 0]]$ (each block
    $d \\times d$), so that $e_t^* M e_T = \\eta\\, s_{t-1}^* s_T$ and $V e_t = (s_t, 0, 0)$.
    """
    size = states[0].shape[0]
    zero, one = sp.zeros(size), sp.eye(size)
    V = sp.BlockMatrix([[zero, one, zero], [zero, zero, zero], [zero, zero, zero]]).as_explicit()
    M = step * sp.BlockMatrix([[zero, zero, zero], [zero, zero, zero], [zero, one, zero]]).as_explicit()
    tokens = [sp.Matrix.vstack(sp.zeros(size, 1), states[t], states[t - 1]) for t in range(1, len(states))]
    query = tokens[-1]
    out = query + reduce(lambda a, b: a + b, ((V * e) * (e.H * M * query) for e in tokens))
    return out[:size, :]


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def prove_gradient_step(max_size: int = 2) -> Check:
    """$W' - \\eta\\nabla L(W')$ at $W' = 0$ is $\\eta\\sum_t s_t s_{t-1}^*$ ($\\nabla = \\partial_X + i\\partial_Y$).

    For $W' = X + iY$ the steepest-descent direction of a real $L$ is $-(\\partial_X L + i\\,\\partial_Y L)$.
    Proved by differentiation at every $d, T \\le$ ``max_size``.
    """
    holds = True
    for size, length in product(range(1, max_size + 1), repeat=2):
        states = [_complex_vector(f"s{t}", size) for t in range(length + 1)]
        X = sp.Matrix(size, size, lambda a, b: sp.Symbol(f"x_{a}{b}", real=True))
        Y = sp.Matrix(size, size, lambda a, b: sp.Symbol(f"y_{a}{b}", real=True))
        Wp = X + sp.I * Y
        loss = sum((_real_abs2(states[t] - Wp * states[t - 1]) for t in range(1, length + 1)),
                   sp.Integer(0)) / 2
        grad = sp.Matrix(size, size, lambda a, b: sp.diff(loss, X[a, b]) + sp.I * sp.diff(loss, Y[a, b]))
        at_zero = {v: 0 for v in list(X) + list(Y)}
        step = (-eta * grad).subs(at_zero)
        holds &= sp.expand(step - gradient_step(states, eta)) == sp.zeros(size)
    return prove_true(ID, f"one GD step from W'=0 on 1/2 sum|s_t - W's_(t-1)|^2 is eta sum s_t s_(t-1)^*, "
                          f"d, T <= {max_size}", holds)


def _real_abs2(vector: sp.Matrix) -> sp.Expr:
    return sum((sp.expand(x * sp.conjugate(x)) for x in vector), sp.Integer(0))


def prove_one_step_identity(max_size: int = 3) -> Check:
    """Linear attention with the block weights outputs exactly $\\Gamma s_T$, at every $d, T \\le$ ``max_size``."""
    holds = True
    for size, length in product(range(1, max_size + 1), repeat=2):
        states = [_complex_vector(f"s{t}", size) for t in range(length + 1)]
        difference = attention_prediction(states, eta) - gradient_step(states, eta) * states[-1]
        holds &= sp.expand(difference) == sp.zeros(size, 1)
    return prove_true(ID, f"augmented linear attention with block weights computes Gamma s_T exactly, "
                          f"d, T <= {max_size}", holds)


def prove_unitary_moments(max_size: int = 3, max_length: int = 4) -> Check:
    """$\\mathbb E\\|\\eta G s_T - s_{T+1}\\|^2 = d[(\\eta T-1)^2 + \\eta^2(d-1)T]$ and the same divided by $d$ for the
    estimation error, exactly (constant terms) at every $d \\le 3$, $T \\le 4$, with random phases of $s_0$."""
    holds = True
    for size, length in product(range(1, max_size + 1), range(1, max_length + 1)):
        loss, estimate = unitary_moments(size, length, eta)
        at = {d: size, T: length}
        holds &= sp.expand(loss - unitary_loss.subs(at)) == 0
        holds &= sp.expand(estimate - size * unitary_estimation_error.subs(at)) == 0
    return prove_true(ID, f"unitary law: E|eta G s_T - s_(T+1)|^2 = d[(eta T-1)^2 + eta^2(d-1)T] and "
                          f"E|eta G - W|_F^2 = the same, d <= {max_size}, T <= {max_length}", holds)


def prove_rotation_moments(max_blocks: int = 2, max_length: int = 2) -> Check:
    """Rotation blocks: $\\mathbb E\\|\\eta G s_T - s_{T+1}\\|^2 = m[(\\eta T/2-1)^2 + \\eta^2(d-1)T/4]$ and the
    estimation error, exactly at $m \\le 2$, $T \\le 2$."""
    holds = True
    for blocks, length in product(range(1, max_blocks + 1), range(1, max_length + 1)):
        loss, estimate = rotation_moments(blocks, length, eta)
        at = {d: 2 * blocks, T: length}
        holds &= sp.expand(loss - rotation_loss.subs(at)) == 0
        holds &= sp.expand(estimate - 2 * blocks * rotation_estimation_error.subs(at)) == 0
    return prove_true(ID, f"rotation blocks: E|eta G s_T - s_(T+1)|^2 = (d/2)[(eta T/2-1)^2 + eta^2(d-1)T/4] "
                          f"and E|eta G - W|_F^2 = d times it over d/2, m <= {max_blocks}, T <= {max_length}",
                      holds)


def prove_optimal_step() -> Check:
    """$\\mathcal L'(\\eta) = 0$ has the unique root $1/(T+d-1)$ and $\\mathcal L'' > 0$ (symbolic $d, T$)."""
    roots = sp.solve(sp.Eq(unitary_loss_derivative, 0), eta)
    k = sp.Symbol("k", integer=True, nonnegative=True)  # d = k + 1 >= 1
    convex = sp.factor(sp.diff(unitary_loss, eta, 2)).subs(d, k + 1).is_positive
    return prove_true(ID, "unitary law: eta* = 1/(T+d-1) is the unique minimiser (L convex in eta)",
                      len(roots) == 1 and sp.simplify(roots[0] - optimal_step) == 0 and bool(convex))


def prove_minimal_loss() -> Check:
    """$\\mathcal L(\\eta^\\star) = d(d-1)/(T+d-1)$ for symbolic $d, T$."""
    return prove_equal(ID, "unitary law: minimal loss L(eta*) = d(d-1)/(T+d-1)",
                       unitary_loss.subs(eta, optimal_step), minimal_loss)


def prove_relative_error() -> Check:
    """$\\mathbb E\\|\\eta^\\star G - W\\|_F^2/\\|W\\|_F^2 = (d-1)/(T+d-1)$ for symbolic $d, T$."""
    return prove_equal(ID, "unitary law: E|eta* G - W|_F^2 / |W|_F^2 = (d-1)/(T+d-1)",
                       unitary_estimation_error.subs(eta, optimal_step), relative_error)


def prove_rotation_constants() -> Check:
    """Rotation blocks: $\\eta^\\star = 2/(T+d-1)$, loss $d(d-1)/(2(T+d-1))$, both relative errors $(d-1)/(T+d-1)$."""
    roots = sp.solve(sp.Eq(rotation_loss_derivative, 0), eta)
    holds = len(roots) == 1 and sp.simplify(roots[0] - rotation_optimal_step) == 0
    holds &= sp.simplify(rotation_loss.subs(eta, rotation_optimal_step) - rotation_minimal_loss) == 0
    holds &= sp.simplify(rotation_loss.subs(eta, rotation_optimal_step) / (d / 2) - relative_error) == 0
    holds &= sp.simplify(rotation_estimation_error.subs(eta, rotation_optimal_step) - relative_error) == 0
    return prove_true(ID, "rotation blocks: eta* = 2/(T+d-1), minimal loss d(d-1)/(2(T+d-1)), relative "
                          "prediction and estimation errors (d-1)/(T+d-1)", bool(holds))


def prove_loss_excess() -> Check:
    """$\\mathcal L(\\eta)/\\mathcal L(\\eta^\\star) - 1 = T(\\eta/\\eta^\\star - 1)^2/(d-1)$ under both laws: flat at
    $\\eta^\\star$.

    A loss excess $\\rho$ allows a relative step error $\\sqrt{\\rho(d-1)/T}$ (9.5% for $\\rho = 2\\%$, $d = 10$,
    $T = 20$); the Monte Carlo check of $\\eta^\\star$ therefore uses $\\mathcal L'$, not $\\mathcal L$.
    """
    unitary = unitary_loss.subs(eta, step_ratio * optimal_step) / minimal_loss - 1
    rotation = rotation_loss.subs(eta, step_ratio * rotation_optimal_step) / rotation_minimal_loss - 1
    return prove_equal(ID, "unitary and rotation-block laws: L(eta)/L(eta*) - 1 = T (eta/eta* - 1)^2/(d-1)",
                       sp.Matrix([unitary, rotation]), sp.Matrix([loss_excess, loss_excess]))


def coordinate_heads_prediction(states: list[sp.Matrix]) -> sp.Matrix:
    r"""Non-augmented tokens, $d$ heads: head $h$ scores the previous token against the current one on coordinate $h$
    only, $\overline{s_{T-1,h}}\, s_{T,h}$, and returns that score times $s_{T,h} e_h$ (key at position $T-1$, value at
    position $T$: the positional weight sits on the superdiagonal)."""
    prev, last = states[-2], states[-1]
    size = last.shape[0]
    return sp.Matrix([unit_conjugate(prev[h]) * last[h] * last[h] for h in range(size)])


def prove_coordinate_heads_exact(max_size: int = 4, max_length: int = 4) -> Check:
    r"""Unitary law: the $d$ orthogonal coordinate heads predict $s_{T+1}$ exactly (zero loss with $H = d$ heads).

    Each head reads $\overline{s_{T-1,h}} s_{T,h} = z_h$ (unit-modulus $s_0$), the eigenvalue of its coordinate.
    A construction showing that zero loss is reachable, not the paper's characterisation of all minima.
    """
    holds = True
    for size, length in product(range(1, max_size + 1), range(1, max_length + 1)):
        z, w = phases("z", size), phases("w", size)
        states = [sp.Matrix([w[j] * z[j] ** t for j in range(size)]) for t in range(length + 1)]
        target = sp.Matrix([w[j] * z[j] ** (length + 1) for j in range(size)])
        holds &= sp.simplify(coordinate_heads_prediction(states) - target) == sp.zeros(size, 1)
    return prove_true(ID, f"unitary law, non-augmented tokens: d orthogonal heads (one coordinate each, key s_(T-1), "
                          f"value s_T) predict s_(T+1) exactly, d <= {max_size}, T <= {max_length}", holds)


def prove_rotation_recurrence() -> Check:
    r"""Rotation blocks: $R^2 = 2\cos\theta\,R - I$, so per unit block $s_{T+1} = 2(s_{T-1}^\top s_T)\,s_T - s_{T-1}$:
    the current token enters with weight $2\cos\theta$ (read in context as $2\,s_{T-1}^\top s_T$) and the previous
    one with $-1$, previous-to-current positional weights in ratio $-1/2$ once the score is factored out."""
    theta, phi = sp.symbols("theta phi", real=True)
    R = sp.Matrix([[sp.cos(theta), -sp.sin(theta)], [sp.sin(theta), sp.cos(theta)]])
    cayley = sp.simplify(R**2 - (2 * sp.cos(theta) * R - sp.eye(2))) == sp.zeros(2)
    prev = sp.Matrix([sp.cos(phi), sp.sin(phi)])
    last, nxt = R * prev, R**2 * prev
    recurrence = sp.simplify(nxt - (2 * (prev.T * last)[0] * last - prev)) == sp.zeros(2, 1)
    return prove_true(ID, "rotation blocks: R^2 = 2 cos(theta) R - I and s_(T+1) = 2 (s_(T-1).s_T) s_T - s_(T-1) "
                          "for a unit block (weights -1 : 2 cos(theta) on previous : current token)",
                      bool(cayley and recurrence))


THEOREM = Theorem(
    id=ID,
    title="In-context autoregression: a linear transformer estimates W by one gradient step",
    module="in_context.autoregression",
    reference=Reference(
        key="sander2024incontext",
        authors=("Michael E. Sander", "Raja Giryes", "Taiji Suzuki", "Mathieu Blondel", "Gabriel Peyré"),
        year=2024,
        title="How do Transformers perform In-Context Autoregressive Learning?",
        venue="Proceedings of the 41st International Conference on Machine Learning (ICML)",
        arxiv="2402.05787",
        entry_type="inproceedings",
    ),
    statement=statement,
    assumptions=(
        r"$s_{t+1} = W s_t$; augmented tokens $e_t = (0, s_t, s_{t-1})$; one causal linear attention layer",
        r"unitary law: $W = \operatorname{diag}(e^{i\theta_j})$, $\theta_j$ i.i.d. uniform on $[0, 2\pi)$, "
        r"$|s_{0j}| = 1$ (complex)",
        r"rotation-block law: $W = \operatorname{diag}(R(\theta_b))$, real, $d = 2m$, each $2$-block of $s_0$ a "
        r"unit vector",
        r"loss $\mathcal{L}(\eta) = \mathbb{E}\|\Gamma s_T - s_{T+1}\|^2$ without the factor $1/2$; "
        r"$\Gamma = \eta G$, $G = \sum_{t=1}^{T} s_t s_{t-1}^*$",
        r"non-augmented: tokens $s_t$, $H$ heads $\operatorname{diag}(a_h)$, $\operatorname{diag}(b_h)$, "
        r"positional matrix $P$, query $s_{m-1}$ (see theorems.in_context.positional_heads); $s_0 = \mathbf{1}_d$",
    ),
    proofs=(
        prove_gradient_step,
        prove_one_step_identity,
        prove_unitary_moments,
        prove_optimal_step,
        prove_minimal_loss,
        prove_relative_error,
        prove_loss_excess,
        prove_rotation_moments,
        prove_rotation_constants,
        prove_coordinate_heads_exact,
        prove_rotation_recurrence,
        *positional_heads.PROOFS,
    ),
    aliases=("in-context-autoregression", "sander-peyre-2024"),
    parts=("in_context.positional_heads", "in_context.softmax"),
    summary="one linear attention layer on augmented tokens is one GD step; η* = 1/(T+d−1), "
            "loss d(d−1)/(T+d−1)",
)
