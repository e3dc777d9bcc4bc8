r"""Experiment: what the gradient of an MLP loss costs, counted, for $d$ from 10 to $10^6$ parameters.

The function is the slide's network with a squared loss, $E(\theta) = \tfrac12\|X_R - Y\|_F^2$,
$X_{r+1} = \rho(A_r X_r + b_r\mathbf 1^\top)$, $X_0 = Z$ (columns are samples), with all weights flattened into
$\theta\in\mathbb{R}^d$. For each architecture (depth and width varied) and activation, four programs are traced
with ``jax.ShapeDtypeStruct`` arguments (nothing is allocated, so $d = 10^6$ costs no memory) and their scalar
operations counted by :mod:`numerics.opcount` (:mod:`numerics.reverse_mode.counting`; the programs are in
:mod:`numerics.reverse_mode.network`):

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
absolute values of every term and $N$ the longest chain of roundings, see
:func:`numerics.reverse_mode.correctness.rounding_depth`).

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

import jax
import numpy as np

from numerics.measure import loglog_slope
from numerics.precision import uses_float64
from numerics.reverse_mode import correctness, counting
from numerics.reverse_mode.network import ACTIVATIONS, num_params
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_one_of, require_positive
from theorems.core import Check, numeric
from theorems.reverse_mode import gradient_cost as statement

ID = statement.ID

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

SMALL_ARCHITECTURES = ((9, 1), (1, 1, 1, 1), (4, 4, 4, 1), (10, 10, 10, 10, 1))
"""Four networks, d = 10 to 341, depth 1 to 4, widths 1 to 10: every check of :func:`checks` has its case."""


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
        require_fields(self)
        if not self.architectures:
            raise ValueError("architectures must name at least one network")
        for name, widths in [("architectures", w) for w in self.architectures] + [("check_widths", self.check_widths)]:
            if len(widths) < 2 or min(widths) < 1:
                raise ValueError(f"{name}: architecture {widths!r} must list >= 2 layer widths, each >= 1")
        require_one_of(self, "activations", ACTIVATIONS)
        require_one_of(self, "check_activation", ACTIVATIONS)
        if "tanh" not in self.activations:
            raise ValueError(f"activations must include 'tanh' (the per-d checks use it), got {self.activations!r}")
        require_one_of(self, "xla", range(len(self.architectures)))
        require_counts(self, "batch")
        require_positive(self, "fd_step")
        if not self.fd_step < 1:
            raise ValueError(f"fd_step must be < 1, got {self.fd_step!r}")
        require_memory(self, ("architectures", "xla", "check_widths", "batch"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64). The correctness test (counted even when ``check_correctness`` is off: a config
        that could not run with it on is refused all the same): with
        d = num_params(check_widths), the basis (d, d) and, vmapped over the d coordinates, the network's activations
        (batch, sum of widths) three times (central differences and the nested forward mode). The programs XLA
        compiles (``xla``; compiled, never run, but XLA lays out their buffers and aborts on extents past its
        range): each one's parameters and activations (batch, sum of widths), twice (loss and gradient)."""
        compiled = sum(2 * array_bytes(num_params(self.architectures[a]) + self.batch * sum(self.architectures[a]))
                       for a in self.xla)
        d = num_params(self.check_widths)
        return compiled + array_bytes(d, d + 3 * self.batch * sum(self.check_widths))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: SMALL_ARCHITECTURES, tanh and relu, XLA at width 4, counts only.

        The correctness test is left out (its compilation alone takes about 4 s); the tests run it on its own.
        """
        return cls(architectures=SMALL_ARCHITECTURES, activations=("tanh", "relu"), xla=(2,), check_correctness=False)


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


_NOT_CHECKED = {"backward_error": np.nan, "backward_bound": 1.0, "fd_error": np.nan, "fd_bound": 1.0,
                "wrong_backward_error": np.nan}


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Count every program at every architecture and activation; XLA's analysis for tanh; the correctness test.

    The counts do not depend on ``key``; it draws the point of the correctness test.
    """
    n_act, n_arch = len(config.activations), len(config.architectures)
    table = {name: np.full((n_act, n_arch), np.nan) for name in (
        "forward_total", "forward_mult", "forward_trans", "grad_total", "grad_mult", "grad_trans", "slide_total")}
    per_arch = {name: np.full(n_arch, np.nan) for name in (
        "fd_total", "fwd_total", "xla_forward_flops", "xla_grad_flops", "xla_forward_trans", "xla_grad_trans",
        "xla_forward_memory", "xla_grad_memory")}
    for a, widths in enumerate(config.architectures):
        for k, activation in enumerate(config.activations):
            counts = counting.count_programs(widths, activation, config.batch, all_programs=activation == "tanh")
            for prog in ("forward", "grad"):
                table[f"{prog}_total"][k, a] = counts[prog].total
                table[f"{prog}_mult"][k, a] = counts[prog].multiplications
                table[f"{prog}_trans"][k, a] = counts[prog].transcendental
            table["slide_total"][k, a] = counts["slide"].total
            if activation == "tanh":
                per_arch["fd_total"][a] = counts["fd"].total
                per_arch["fwd_total"][a] = counts["fwd"].total
        if a in config.xla:
            fwd, grad = counting.xla_programs(widths, "tanh", config.batch)
            per_arch["xla_forward_flops"][a], per_arch["xla_grad_flops"][a] = fwd["flops"], grad["flops"]
            per_arch["xla_forward_trans"][a], per_arch["xla_grad_trans"][a] = (fwd["transcendentals"],
                                                                               grad["transcendentals"])
            per_arch["xla_forward_memory"][a], per_arch["xla_grad_memory"][a] = (fwd["memory bytes"],
                                                                                 grad["memory bytes"])
    tested = (correctness.gradient_errors(key, config.check_widths, config.check_activation, config.batch,
                                          config.fd_step) if config.check_correctness else _NOT_CHECKED)
    return Result(
        d=np.array([num_params(w) for w in config.architectures]),
        depth=np.array([len(w) - 1 for w in config.architectures]),
        width=np.array([max(w) for w in config.architectures]),
        **table, **per_arch, **tested)


def _label(result: Result, a: int) -> str:
    return f"d={int(result.d[a])} (L={int(result.depth[a])}, width {int(result.width[a])})"


def checks(result: Result, config: Config) -> list[Check]:
    """The counted grad/forward ratio at each d under Griewank–Walther's 4; the other counts and constants."""
    out = []
    tanh = config.activations.index("tanh")
    ratio = result.grad_total / result.forward_total
    nonscalar = (result.grad_mult + result.grad_trans) / (result.forward_mult + result.forward_trans)
    for a in range(len(config.architectures)):
        out.append(numeric(statement.ID, f"counted grad/forward ops, tanh, {_label(result, a)}",
                           ratio[tanh, a], "<=", statement.GRIEWANK_WALTHER))
    for k, activation in enumerate(config.activations):
        out.append(numeric(statement.ID, f"max over d of counted grad/forward ops, {activation}",
                           np.max(ratio[k]), "<=", statement.GRIEWANK_WALTHER))
        out.append(numeric(statement.ID, f"max over d of (mult + transcendental) grad/forward, {activation} "
                                         "(Baur-Strassen, transcendentals non-scalar)",
                           np.max(nonscalar[k]), "<=", statement.BAUR_STRASSEN))
    multiplications = result.grad_mult[tanh] / result.forward_mult[tanh]
    out.append(numeric(statement.ID, "max over d of multiplication-only grad/forward, tanh: above 3, so "
                                     "Baur-Strassen's 3 needs transcendentals counted as non-scalar",
                       np.max(multiplications), ">=", statement.BAUR_STRASSEN))
    slide = result.slide_total[tanh] / result.forward_total[tanh]
    out.append(numeric(statement.ID, "max over d of the slide's BackwardNN (recomputing A_r X_r) / forward, tanh",
                       np.max(slide), "<=", statement.TALLY_CONSTANT))
    forward = result.forward_total[tanh]
    fd_spread = np.log(1 + 1 / np.min(result.d) + 6 / np.min(forward))  # cost/K = d (1 + 1/d + 6/K)
    for name, counted, spread in (("forward differences", result.fd_total, fd_spread),
                                  ("forward mode (d jvps)", result.fwd_total, FORWARD_MODE_SPREAD)):
        fit = loglog_slope(result.d, counted / forward)
        half = slope_tolerance(result.d, spread)
        out.append(numeric(statement.ID, f"log-log slope of {name} cost / K against d (linear growth)",
                           fit.slope, "in", (1 - half, 1 + half)))
    out.append(numeric(statement.ID, "max over d of (forward differences - K(d+1)) / d: the shifts, index wrapping, "
                                     "subtraction and division", np.max((result.fd_total - forward * (result.d + 1))
                                                                        / result.d), "in", (0.0, 6.0)))
    out.append(numeric(statement.ID, "max over d of forward mode / (d K) (tally: <= 5)",
                       np.max(result.fwd_total / (result.d * forward)), "<=", statement.TALLY_CONSTANT))
    for a in config.xla:
        if result.width[a] >= 4:  # XLA rewrites width-1 networks (outer products at 1 flop an element)
            out.append(numeric(statement.ID, f"XLA flops grad/forward, tanh, {_label(result, a)}",
                               result.xla_grad_flops[a] / result.xla_forward_flops[a], "<=",
                               statement.GRIEWANK_WALTHER))
    if not config.check_correctness:
        return out
    out.append(numeric(statement.ID, "|slide's BackwardNN - jax.grad| / first-order rounding bound",
                       result.backward_error, "<=", result.backward_bound))
    out.append(numeric(statement.ID, "|central differences - jax.grad| / (truncation + rounding bound)",
                       result.fd_error, "<=", result.fd_bound))
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
