r"""Experiment: what the gradient of an MLP loss costs, counted, for $d$ from 10 to $10^6$ parameters.

The function is the slide's network with a squared loss, $E(\theta) = \tfrac12\|X_R - Y\|_F^2$,
$X_{r+1} = \rho(A_r X_r + b_r\mathbf 1^\top)$, $X_0 = Z$ (columns are samples), with all weights flattened into
$\theta\in\mathbb{R}^d$. For each architecture (depth and width varied) and activation, four programs are traced
with ``jax.ShapeDtypeStruct`` arguments (nothing is allocated, so $d = 10^6$ costs no memory) and their scalar
operations counted by :mod:`numerics.opcount`:

* the loss $E$ ($K$ operations);
* reverse mode, ``jax.grad(E)``, and the slide's BackwardNN written in JAX (which recomputes $A_r X_r + b_r$);
* forward differences, $E(\theta)$ and $E(\theta + \varepsilon\delta_i)$ for every $i$ (``vmap``);
* forward mode, one Jacobian-vector product per coordinate direction (``vmap`` of ``jax.jvp`` over the rows of the
  identity, passed in as an argument so that building it is not counted; the primal is computed once, as in
  ``jax.jacfwd``).

Beside the counter, XLA's compiled cost analysis of $E$ and ``jax.grad(E)`` (flops, transcendentals) and the
compiled memory (arguments, outputs, temporaries: the reverse sweep stores the forward values). XLA compiles each
program once here (compile only, no execution).

Correctness, on a small network at a random point: BackwardNN equals ``jax.grad`` within a first-order rounding
bound, and both equal central differences within the bound $h^2 M_3/6 + \gamma_N E_{|\cdot|}/h$ (truncation:
Taylor's theorem with $M_3$ the largest $|\partial_i^3 E|$ sampled at $\theta_i + \{-h, 0, h\}$; rounding: each
evaluation of $E$ is off by at most $\gamma_N E_{|\cdot|}$, where $E_{|\cdot|}$ is the loss recomputed with
absolute values of every term and $N$ the longest chain of roundings, see :func:`rounding_depth`).

**Measured** (seed-independent counts, batch 8; XLA 0.10.2 on CPU; ``mathai figures linnainmaa1970`` draws them):

| d | L | width | K (tanh) | grad/K tanh, sigmoid, relu, softplus | (mult+transc.) | mult only | slide | XLA flops |
|---:|---:|---:|---:|---|---:|---:|---:|---:|
| 10 | 1 | 9 | 185 | 1.99, 1.95, 1.91, 1.97 | 2.08 | 2.19 | 2.81 | 2.18 |
| 20 | 10 | 1 | 345 | 3.04, 2.81, 2.58, 2.28 | 2.89 | 4.60 | 4.15 | 25.98 |
| 45 | 3 | 4 | 745 | 2.69, 2.59, 2.49, 2.32 | 2.63 | 3.02 | 3.73 | 2.90 |
| 341 | 4 | 10 | 5 481 | 2.74, 2.70, 2.65, 2.50 | 2.70 | 2.87 | 3.78 | 2.82 |
| 1 891 | 3 | 30 | 30 281 | 2.54, 2.52, 2.51, 2.46 | 2.52 | 2.57 | 3.55 | 2.56 |
| 30 401 | 4 | 100 | 486 441 | 2.68, 2.67, 2.67, 2.64 | 2.67 | 2.69 | 3.68 | 2.68 |
| 180 901 | 3 | 300 | 2 894 441 | 2.50 (all four) | 2.50 | 2.51 | 3.51 | 2.51 |
| 1 002 001 | 2 | 1000 | 16 032 041 | 2.00 (all four) | 2.00 | 2.00 | 3.00 | 2.00 |

Forward differences cost exactly $K(d+1) + 6d$ (the shifts, index wrapping, subtraction, division), forward mode
$1.0$–$2.1\,dK$; fitted log-log slopes of cost/K against d: 0.992 and 0.977. Reverse mode stays between 1.9 and
3.04: under Griewank–Walther's 4 on every count, and at large width at $3 - 1/L$ of the *hidden* layers (the last
layer, of width 1, costs little). Baur–Strassen's 3 holds only with transcendentals counted as non-scalar: counting
multiplications alone, the width-1 network reaches 4.60 (tanh' and the chain rule multiply, tanh itself does not).
The slide's BackwardNN, which recomputes $A_r X_r + b_r$, costs one forward product more per layer: 3.0–4.15.
XLA's flops agree with the counter to within 0.1 at width >= 4; at width 1 XLA rewrites the products (25.98 means
nothing). Compiled memory of grad / forward (arguments + outputs + temporaries): 1.1 at d = 10, 2.0 at d = 10^6
(the gradient is an output the size of the parameters, plus the stored activations).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.measure import loglog_slope, unit_roundoff
from numerics.opcount import OpCount, count_ops, xla_cost
from numerics.registry import default_run
from theorems import reverse_mode as statement
from theorems.rounding import gamma, u

ACTIVATIONS = {"tanh": jnp.tanh, "sigmoid": jax.nn.sigmoid, "relu": jax.nn.relu, "softplus": jax.nn.softplus}

DEFAULT_ARCHITECTURES = (
    (9, 1),                     # d = 10, one layer
    (1,) * 11,                  # d = 20, ten layers of width 1
    (4, 4, 4, 1),               # d = 45
    (10, 10, 10, 10, 1),        # d = 341
    (30, 30, 30, 1),            # d = 1 891
    (100, 100, 100, 100, 1),    # d = 30 401
    (300, 300, 300, 1),         # d = 180 901
    (1000, 1000, 1),            # d = 1 002 001
)


@dataclass(frozen=True)
class Config:
    """Architectures (layer widths n_0, ..., n_R), activations, batch size B, which architectures XLA compiles (indices:
    each compile costs about a second), and the network and step of the correctness test (``check_correctness=False``
    skips it: its fields are then NaN and its two checks are left out)."""

    architectures: tuple[tuple[int, ...], ...] = DEFAULT_ARCHITECTURES
    activations: tuple[str, ...] = ("tanh", "sigmoid", "relu", "softplus")
    batch: int = 8
    xla: tuple[int, ...] = (2, 5, 7)
    check_widths: tuple[int, ...] = (3, 4, 2)
    check_activation: str = "tanh"
    fd_step: float = 1e-5
    check_correctness: bool = True

    def __post_init__(self):
        if not self.architectures:
            raise ValueError("architectures must name at least one network")
        for widths in (*self.architectures, self.check_widths):
            if len(widths) < 2 or min(widths) < 1:
                raise ValueError(f"architecture {widths!r} must list >= 2 layer widths, each >= 1")
        for name in (*self.activations, self.check_activation):
            if name not in ACTIVATIONS:
                raise ValueError(f"activation {name!r} is not one of {', '.join(ACTIVATIONS)}")
        if "tanh" not in self.activations:
            raise ValueError(f"activations {self.activations!r} must include 'tanh' (the per-d checks use it)")
        for a in self.xla:
            if not 0 <= a < len(self.architectures):
                raise ValueError(f"xla index {a} is not an index into architectures (0..{len(self.architectures) - 1})")
        if self.batch < 1:
            raise ValueError(f"batch must be >= 1, got {self.batch}")
        if not 0 < self.fd_step < 1:
            raise ValueError(f"fd_step must be in (0, 1), got {self.fd_step}")


@dataclass(frozen=True)
class Result:
    """Counts per architecture (index a) and activation (index k), XLA's figures for tanh, and the correctness test.

    Operation counts are ``[k, a]`` arrays of float64 (exact integers below 2^53): ``forward_*``, ``grad_*``,
    ``slide_*`` with suffix ``total``, ``mult`` (multiplications), ``trans`` (transcendentals). ``fd_total`` and
    ``fwd_total`` (forward differences, forward mode) and the ``xla_*`` arrays are per architecture, for tanh.
    """

    d: np.ndarray
    depth: np.ndarray
    width: np.ndarray
    forward_total: np.ndarray
    forward_mult: np.ndarray
    forward_trans: np.ndarray
    grad_total: np.ndarray
    grad_mult: np.ndarray
    grad_trans: np.ndarray
    slide_total: np.ndarray
    fd_total: np.ndarray
    fwd_total: np.ndarray
    xla_forward_flops: np.ndarray
    xla_grad_flops: np.ndarray
    xla_forward_trans: np.ndarray
    xla_grad_trans: np.ndarray
    xla_forward_memory: np.ndarray
    xla_grad_memory: np.ndarray
    backward_error: float
    backward_bound: float
    fd_error: float
    fd_bound: float
    wrong_backward_error: float


# ------------------------------------------------------------------------------------------------------------------
# The network (the slide's ForwardNN and BackwardNN, in JAX)
# ------------------------------------------------------------------------------------------------------------------


def num_params(widths) -> int:
    """d = sum_r n_{r+1} (n_r + 1)."""
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(widths[:-1], widths[1:]))


def unflatten(theta: jax.Array, widths) -> list[tuple[jax.Array, jax.Array]]:
    """theta -> [(A_r, b_r)] with A_r of shape (n_{r+1}, n_r) and b_r a column (n_{r+1}, 1)."""
    params, start = [], 0
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        A = theta[start:start + n_out * n_in].reshape(n_out, n_in)
        start += n_out * n_in
        params.append((A, theta[start:start + n_out].reshape(n_out, 1)))
        start += n_out
    return params


def forward_nn(params, Z, rho) -> list[jax.Array]:
    """The slide's ForwardNN: X_0 = Z, X_{r+1} = rho(A_r X_r + b_r 1^T); every X_r is kept."""
    X = [Z]
    for A, b in params:
        X.append(rho(A @ X[-1] + b))
    return X


def loss_of_params(params, Z, Y, activation: str) -> jax.Array:
    """E = 1/2 ||X_R − Y||_F² for weights [(A_r, b_r)]."""
    X = forward_nn(params, Z, ACTIVATIONS[activation])
    return 0.5 * jnp.sum((X[-1] - Y) ** 2)


def loss(theta, Z, Y, widths, activation: str) -> jax.Array:
    """E(theta), the same loss with the weights flattened into theta (for finite differences and forward mode).

    Reverse mode is counted on :func:`loss_of_params`: differentiating through the slices of a flat theta makes JAX
    pad each slice's cotangent to length d and add them, O(L d) additions that belong to the flattening, not to
    reverse mode.
    """
    return loss_of_params(unflatten(theta, widths), Z, Y, activation)


def derivative(activation: str):
    """rho', elementwise, by differentiating rho itself (no derivative formula typed by hand)."""
    return jnp.vectorize(jax.grad(ACTIVATIONS[activation]))


def backward_nn(params, X, Y, activation: str, use_derivative: bool = True):
    """The slide's BackwardNN: M = rho'(A_r X_r + b_r) * G, G <- A_r^T M, gA_r = M X_r^T, gb_r = M 1.

    ``use_derivative=False`` drops the factor rho' (a wrong formula, for the tests to catch).
    """
    rho_prime = derivative(activation)
    G = X[-1] - Y  # lossG of the squared loss
    grads = [None] * len(params)
    for r in range(len(params) - 1, -1, -1):
        A, b = params[r]
        M = (rho_prime(A @ X[r] + b) if use_derivative else 1.0) * G
        G = A.T @ M
        grads[r] = (M @ X[r].T, jnp.sum(M, axis=1, keepdims=True))
    return grads


def slide_gradient(params, Z, Y, activation: str, use_derivative: bool = True):
    """ForwardNN then BackwardNN: [(gA_r, gb_r)], the gradient of :func:`loss_of_params`."""
    X = forward_nn(params, Z, ACTIVATIONS[activation])
    return backward_nn(params, X, Y, activation, use_derivative)


def flatten(grads) -> jax.Array:
    """[(gA_r, gb_r)] -> one vector, in the order of :func:`unflatten`."""
    return jnp.concatenate([jnp.concatenate([gA.ravel(), gb.ravel()]) for gA, gb in grads])


def forward_differences(theta, Z, Y, widths, activation: str, step: float = 1e-6) -> jax.Array:
    """(E(theta + step e_i) − E(theta)) / step for every i: d + 1 evaluations of E."""
    E = partial(loss, Z=Z, Y=Y, widths=widths, activation=activation)
    shifted = jax.vmap(lambda i: E(theta.at[i].add(step)))(jnp.arange(theta.shape[0]))
    return (shifted - E(theta)) / step


def forward_mode(theta, basis, Z, Y, widths, activation: str) -> jax.Array:
    """The gradient as d Jacobian-vector products, one per row of ``basis`` (the identity)."""
    E = partial(loss, Z=Z, Y=Y, widths=widths, activation=activation)
    return jax.vmap(lambda direction: jax.jvp(E, (theta,), (direction,))[1])(basis)


# ------------------------------------------------------------------------------------------------------------------
# Counting
# ------------------------------------------------------------------------------------------------------------------


def _specs(widths, batch):
    f64 = jnp.float64
    return (jax.ShapeDtypeStruct((num_params(widths),), f64), jax.ShapeDtypeStruct((widths[0], batch), f64),
            jax.ShapeDtypeStruct((widths[-1], batch), f64))


def _param_specs(widths):
    return [(jax.ShapeDtypeStruct((n_out, n_in), jnp.float64), jax.ShapeDtypeStruct((n_out, 1), jnp.float64))
            for n_in, n_out in zip(widths[:-1], widths[1:])]


def count_programs(widths, activation: str, batch: int, all_programs: bool = True) -> dict[str, OpCount]:
    """Operation counts of the loss, jax.grad, the slide's sweep, and (all_programs) FD and forward mode."""
    theta, Z, Y = _specs(widths, batch)
    params = _param_specs(widths)
    static = dict(widths=tuple(widths), activation=activation)
    E = partial(loss_of_params, activation=activation)
    out = {
        "forward": count_ops(E, params, Z, Y),
        "grad": count_ops(jax.grad(E), params, Z, Y),
        "slide": count_ops(partial(slide_gradient, activation=activation), params, Z, Y),
    }
    if all_programs:
        d = theta.shape[0]
        basis = jax.ShapeDtypeStruct((d, d), jnp.float64)
        out["fd"] = count_ops(partial(forward_differences, **static), theta, Z, Y)
        out["fwd"] = count_ops(lambda t, e, z, y: forward_mode(t, e, z, y, **static), theta, basis, Z, Y)
    return out


def xla_programs(widths, activation: str, batch: int) -> tuple[dict, dict]:
    """XLA's cost and memory analysis of the loss and of jax.grad (compiled, never run)."""
    _, Z, Y = _specs(widths, batch)
    params = _param_specs(widths)
    E = partial(loss_of_params, activation=activation)
    return xla_cost(E, params, Z, Y), xla_cost(jax.grad(E), params, Z, Y)


# ------------------------------------------------------------------------------------------------------------------
# Correctness on a small network
# ------------------------------------------------------------------------------------------------------------------


def rounding_depth(widths, batch: int) -> int:
    """N: a generous length of the longest chain of roundings behind one gradient entry or one loss value.

    Per layer: an inner product of length n_r (forward), of length n_{r+1} (A^T M) and of length B (M X^T or the
    bias sum), and at most 8 elementwise steps (bias, rho, rho', the product with G), each transcendental taken as
    4 roundings (XLA's tanh and exp are accurate to a few ulps); then the loss: a sum of n_R B squares.
    """
    layers = sum(n_in + n_out + batch + 8 for n_in, n_out in zip(widths[:-1], widths[1:]))
    return layers + widths[-1] * batch + 4


_gamma = to_jax([statement.K, u], gamma(statement.K, u))


def error_scales(theta, Z, Y, widths, activation):
    """(gradient scale, loss scale): what gamma_N multiplies in the first-order rounding bounds.

    Gradient: BackwardNN run on absolute values, |rho'| |G|, |A|^T M, M |X|^T, with G_R = |X_R − Y|. Loss: every
    rounding in the forward pass, weighted by how much E moves with it, sum_r <|M_r|, |A_r||X_r| + |b_r|> +
    <|G_{r+1}|, |X_{r+1}|> (pre-activations and activations), plus sum (X_R − Y)² for the loss itself.
    """
    params = unflatten(theta, widths)
    X = forward_nn(params, Z, ACTIVATIONS[activation])
    rho_prime = derivative(activation)
    G_abs = jnp.abs(X[-1] - Y)
    G = X[-1] - Y
    loss_scale = jnp.sum((X[-1] - Y) ** 2)
    grads = [None] * len(params)
    for r in range(len(params) - 1, -1, -1):
        A, b = params[r]
        slope = rho_prime(A @ X[r] + b)
        M = slope * G
        loss_scale += jnp.sum(jnp.abs(M) * (jnp.abs(A) @ jnp.abs(X[r]) + jnp.abs(b))) + jnp.sum(
            jnp.abs(G) * jnp.abs(X[r + 1]))
        G = A.T @ M
        M_abs = jnp.abs(slope) * G_abs
        G_abs = jnp.abs(A).T @ M_abs
        grads[r] = (M_abs @ jnp.abs(X[r]).T, jnp.sum(M_abs, axis=1, keepdims=True))
    grad_scale = flatten(grads)
    return grad_scale, loss_scale


@partial(jax.jit, static_argnames=("widths", "activation", "batch"))
def _correctness(key, step, widths, activation, batch):
    d = num_params(widths)
    k_theta, k_z, k_y = jax.random.split(key, 3)
    theta = jax.random.normal(k_theta, (d,)) / jnp.sqrt(max(widths))
    Z = jax.random.normal(k_z, (widths[0], batch))
    Y = jax.random.normal(k_y, (widths[-1], batch))
    E = partial(loss, Z=Z, Y=Y, widths=widths, activation=activation)
    by_grad = jax.grad(E)(theta)
    params = unflatten(theta, widths)
    by_slide = flatten(slide_gradient(params, Z, Y, activation))
    wrong = flatten(slide_gradient(params, Z, Y, activation, use_derivative=False))
    grad_scale, loss_scale = error_scales(theta, Z, Y, widths, activation)
    basis = jnp.eye(d)

    def along(i, t):
        return E(theta + t * basis[i])

    def third(i, t):  # d³/dt³ E(theta + t e_i), forward mode nested three times
        e = basis[i]
        first = lambda x: jax.jvp(E, (x,), (e,))[1]  # noqa: E731
        second = lambda x: jax.jvp(first, (x,), (e,))[1]  # noqa: E731
        return jax.jvp(second, (theta + t * e,), (e,))[1]

    index = jnp.repeat(jnp.arange(d), 3)
    offsets = jnp.tile(jnp.array([-step, 0.0, step]), d)
    m3 = jnp.max(jnp.abs(jax.vmap(third)(index, offsets)).reshape(d, 3), axis=1)
    central = jax.vmap(lambda i: (along(i, step) - along(i, -step)) / (2 * step))(jnp.arange(d))
    return by_grad, by_slide, wrong, grad_scale, loss_scale, theta, central, m3


def worst_ratio(error, bound) -> float:
    """max error / bound, entrywise; an entry whose bound is 0 (a dead ReLU unit) counts 0 if its error is 0."""
    error, bound = np.abs(np.asarray(error, dtype=np.float64)), np.asarray(bound, dtype=np.float64)
    safe = np.where(bound > 0, bound, 1.0)
    ratio = np.where(bound > 0, error / safe, np.where(error == 0, 0.0, np.inf))
    return float(np.max(ratio))


def correctness(config: Config, key) -> dict[str, float]:
    """max |BackwardNN − jax.grad| / bound, and max |central differences − jax.grad| / bound, on a small network."""
    widths, batch = tuple(config.check_widths), config.batch
    by_grad, by_slide, wrong, scale, loss_scale, theta, central, m3 = (np.asarray(x) for x in _correctness(
        key, config.fd_step, widths, config.check_activation, batch))
    unit = unit_roundoff("float64")
    g = float(_gamma(float(rounding_depth(widths, batch)), unit))
    # the two share the forward values bit for bit (same ForwardNN program): they differ by the backward sweep
    backward_bound = 2 * g * scale
    h = config.fd_step
    fd_bound = (h**2 * m3 / 6                              # Taylor remainder of the central difference
                + g * loss_scale / h                       # rounding of E(theta ± h e_i), divided by 2h
                + np.abs(by_grad) * unit * (np.abs(theta) + h) / h  # rounding of theta_i ± h
                + 2 * unit * np.abs(central)               # the subtraction and the division
                + g * scale)                               # jax.grad's own rounding
    return {
        "backward_error": worst_ratio(by_slide - by_grad, backward_bound),
        "backward_bound": 1.0,
        "fd_error": worst_ratio(central - by_grad, fd_bound),
        "fd_bound": 1.0,
        "wrong_backward_error": worst_ratio(wrong - by_grad, backward_bound),
    }


# ------------------------------------------------------------------------------------------------------------------
# The experiment and its checks
# ------------------------------------------------------------------------------------------------------------------


def experiment(config: Config, key: jax.Array) -> Result:
    """Count every program at every architecture and activation; XLA's analysis for tanh; the correctness test."""
    n_act, n_arch = len(config.activations), len(config.architectures)
    table = {name: np.full((n_act, n_arch), np.nan) for name in (
        "forward_total", "forward_mult", "forward_trans", "grad_total", "grad_mult", "grad_trans", "slide_total")}
    per_arch = {name: np.full(n_arch, np.nan) for name in (
        "fd_total", "fwd_total", "xla_forward_flops", "xla_grad_flops", "xla_forward_trans", "xla_grad_trans",
        "xla_forward_memory", "xla_grad_memory")}
    for a, widths in enumerate(config.architectures):
        for k, activation in enumerate(config.activations):
            counts = count_programs(widths, activation, config.batch, all_programs=activation == "tanh")
            for prog in ("forward", "grad"):
                table[f"{prog}_total"][k, a] = counts[prog].total
                table[f"{prog}_mult"][k, a] = counts[prog].multiplications
                table[f"{prog}_trans"][k, a] = counts[prog].transcendental
            table["slide_total"][k, a] = counts["slide"].total
            if activation == "tanh":
                per_arch["fd_total"][a] = counts["fd"].total
                per_arch["fwd_total"][a] = counts["fwd"].total
        if a in config.xla:
            fwd, grad = xla_programs(widths, "tanh", config.batch)
            per_arch["xla_forward_flops"][a], per_arch["xla_grad_flops"][a] = fwd["flops"], grad["flops"]
            per_arch["xla_forward_trans"][a], per_arch["xla_grad_trans"][a] = (fwd["transcendentals"],
                                                                               grad["transcendentals"])
            per_arch["xla_forward_memory"][a], per_arch["xla_grad_memory"][a] = (fwd["memory bytes"],
                                                                                 grad["memory bytes"])
    return Result(
        d=np.array([num_params(w) for w in config.architectures]),
        depth=np.array([len(w) - 1 for w in config.architectures]),
        width=np.array([max(w) for w in config.architectures]),
        **table, **per_arch, **(correctness(config, key) if config.check_correctness else _NOT_CHECKED))


_NOT_CHECKED = {"backward_error": np.nan, "backward_bound": 1.0, "fd_error": np.nan, "fd_bound": 1.0,
                "wrong_backward_error": np.nan}


TANH = 0


def _label(result: Result, a: int) -> str:
    return f"d={int(result.d[a])} (L={int(result.depth[a])}, width {int(result.width[a])})"


def checks(result: Result, config: Config, seconds: float = 0.0) -> list:
    """The counted grad/forward ratio at each d under Griewank–Walther's 4; the other counts and constants."""
    from theorems.core import numeric

    out = []
    tanh = config.activations.index("tanh")
    ratio = result.grad_total / result.forward_total
    nonscalar = (result.grad_mult + result.grad_trans) / (result.forward_mult + result.forward_trans)
    for a in range(len(config.architectures)):
        out.append(numeric(statement.ID, f"counted grad/forward ops, tanh, {_label(result, a)}",
                           ratio[tanh, a], "<=", statement.GRIEWANK_WALTHER, seconds))
    for k, activation in enumerate(config.activations):
        out.append(numeric(statement.ID, f"max over d of counted grad/forward ops, {activation}",
                           np.max(ratio[k]), "<=", statement.GRIEWANK_WALTHER, seconds))
        out.append(numeric(statement.ID, f"max over d of (mult + transcendental) grad/forward, {activation} "
                                         "(Baur-Strassen, transcendentals non-scalar)",
                           np.max(nonscalar[k]), "<=", statement.BAUR_STRASSEN, seconds))
    multiplications = result.grad_mult[tanh] / result.forward_mult[tanh]
    out.append(numeric(statement.ID, "max over d of multiplication-only grad/forward, tanh: above 3, so "
                                     "Baur-Strassen's 3 needs transcendentals counted as non-scalar",
                       np.max(multiplications), ">=", statement.BAUR_STRASSEN, seconds))
    slide = result.slide_total[tanh] / result.forward_total[tanh]
    out.append(numeric(statement.ID, "max over d of the slide's BackwardNN (recomputing A_r X_r) / forward, tanh",
                       np.max(slide), "<=", statement.TALLY_CONSTANT, seconds))
    forward = result.forward_total[tanh]
    fd_spread = np.log(1 + 1 / np.min(result.d) + 6 / np.min(forward))  # cost/K = d (1 + 1/d + 6/K)
    for name, counted, spread in (("forward differences", result.fd_total, fd_spread),
                                  ("forward mode (d jvps)", result.fwd_total, FORWARD_MODE_SPREAD)):
        fit = loglog_slope(result.d, counted / forward)
        half = slope_tolerance(result.d, spread)
        out.append(numeric(statement.ID, f"log-log slope of {name} cost / K against d (linear growth)",
                           fit.slope, "in", (1 - half, 1 + half), seconds))
    out.append(numeric(statement.ID, "max over d of (forward differences - K(d+1)) / d: the shifts, index wrapping, "
                                     "subtraction and division", np.max((result.fd_total - forward * (result.d + 1))
                                                                        / result.d), "in", (0.0, 6.0), seconds))
    out.append(numeric(statement.ID, "max over d of forward mode / (d K) (tally: <= 5)",
                       np.max(result.fwd_total / (result.d * forward)), "<=", statement.TALLY_CONSTANT, seconds))
    for a in config.xla:
        if result.width[a] >= 4:  # XLA rewrites width-1 networks (outer products at 1 flop an element)
            out.append(numeric(statement.ID, f"XLA flops grad/forward, tanh, {_label(result, a)}",
                               result.xla_grad_flops[a] / result.xla_forward_flops[a], "<=",
                               statement.GRIEWANK_WALTHER, seconds))
    if not config.check_correctness:
        return out
    out.append(numeric(statement.ID, "|slide's BackwardNN - jax.grad| / first-order rounding bound",
                       result.backward_error, "<=", result.backward_bound, seconds))
    out.append(numeric(statement.ID, "|central differences - jax.grad| / (truncation + rounding bound)",
                       result.fd_error, "<=", result.fd_bound, seconds))
    return out


FORWARD_MODE_SPREAD = float(np.log(10.0))
"""Forward mode costs c·d·K with c between 1/2 and 5 (the tally bounds a tangent sweep by 5K per direction; a
sweep costs at least half the forward pass here, measured c >= 1): log c varies by at most log 10."""


def slope_tolerance(d, spread: float) -> float:
    """How far a log-log slope of c_a · d against d can be from 1 when log c_a varies within ``spread``.

    The least-squares slope is 1 + sum (x − x̄)(y − ȳ) / sum (x − x̄)² with x = log d, y = log c_a; the
    numerator is at most spread · sum |x − x̄| / 2 (y − ȳ may be replaced by y minus the midrange of y, at most
    spread/2 in size, since sum (x − x̄) = 0).
    """
    x = np.log(np.asarray(d, dtype=np.float64))
    centred = x - x.mean()
    return float(spread * np.sum(np.abs(centred)) / 2 / np.sum(centred**2))


VERIFY = {statement.ID: default_run(Config, experiment, checks)}

