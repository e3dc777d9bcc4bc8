r"""Experiment: what the gradient of an MLP loss costs, counted, for $d$ from 10 to $10^6$ parameters, and what the
gradient of a product chain costs, the program that reaches the tally's constant 5.

All counts are in one cost model, the package's own (:mod:`theorems.reverse_mode.gradient_cost`): every scalar
operation one, every adjoint update an addition; its constant is 5, attained by a multiplication.

The function is the slide's network with a squared loss, $E(\theta) = \tfrac12\|X_R - Y\|_F^2$,
$X_{r+1} = \rho(A_r X_r + b_r\mathbf 1^\top)$, $X_0 = Z$ (columns are samples), with all weights flattened into
$\theta\in\mathbb{R}^d$. For each architecture (depth and width varied) and activation, four programs are traced
with ``jax.ShapeDtypeStruct`` arguments (nothing is allocated, so $d = 10^6$ costs no memory) and their scalar
operations counted by :mod:`numerics.opcount` (:mod:`numerics.reverse_mode.counting`; the programs are in
:mod:`numerics.reverse_mode.network`):

* the loss $E$ ($K$ operations);
* reverse mode, ``jax.grad(E)``, and the slide's BackwardNN written in JAX (which recomputes $A_r X_r + b_r$);
* forward differences, $E(\theta)$ and $E(\theta + \varepsilon\delta_i)$ for every $i$ (``vmap``), and the pieces
  they are built from, each counted on its own (one evaluation, one shifted evaluation, one quotient), so that the
  cost of the whole is derived from the program, not fitted;
* forward mode, one Jacobian-vector product per coordinate direction (``vmap`` of ``jax.jvp`` over the rows of the
  identity, passed in as an argument so that building it is not counted; the primal is computed once, as in
  ``jax.jacfwd``).

The product chain $x_1 \cdots x_n$ (:mod:`numerics.reverse_mode.chain`, $n$ = 2 to 1000, $K = n - 1$): the function,
``jax.grad``, and the tally's reverse sweep (adjoints start at zero, every update an addition), against the exact
counts of :mod:`theorems.reverse_mode.chain`.

Beside the counter, XLA's compiled cost analysis of $E$ and ``jax.grad(E)`` (flops, transcendentals) and the
compiled memory (arguments, outputs, temporaries: the reverse sweep stores the forward values). XLA compiles each
program once here (compile only, no execution).

Correctness, on a small network at a random point: BackwardNN equals ``jax.grad`` within a first-order rounding
bound, and both equal central differences within the bound $h^2 M_3/6 + \gamma_N E_{|\cdot|}/h$ (truncation:
Taylor's theorem with $M_3$ the largest $|\partial_i^3 E|$ sampled at $\theta_i + \{-h, 0, h\}$; rounding: each
evaluation of $E$ is off by at most $\gamma_N E_{|\cdot|}$, where $E_{|\cdot|}$ is the loss recomputed with
absolute values of every term and $N$ the longest chain of roundings, see
:func:`numerics.reverse_mode.correctness.rounding_depth`). Both bounds are worst cases that the data stay far below
(about 1/100), so each has a sharp partner: central differences at a larger step against their Lagrange remainder
$\tfrac{h^2}{6}\partial^3 E$, two-sided, and BackwardNN − ``jax.grad`` in float32 against float64 at 64 random
points, whose normalised means must agree (:mod:`numerics.reverse_mode.correctness`).

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

Forward differences cost exactly what their pieces cost: $K(d+1) + 6d$, the 6 counted from the program (the shift's
index wrapping, three operations, and scatter-add, one; the subtraction and the division), equal at every $d$;
forward mode $1.0$–$2.1\,dK$; fitted log-log slopes of cost/K against d: 0.992 and 0.977. ``jax.grad`` of the MLPs
stays between 1.9 and 3.04 of the loss: under the tally's 5 with room to spare, at large width at $3 - 1/L$ of the
*hidden* layers (the last layer, of width 1, costs little), because matrix products dominate. The product chain
measures the other end, exactly as predicted: the tally's sweep costs $5(n-1) - 1$ (ratio 4.999 at $n = 1000$: no
constant below 5, Griewank–Walther's 4 included, bounds this count), ``jax.grad`` $3(n-1) - 1$ (2.999: it writes
each adjoint's first contribution instead of adding it to zero, and in a product chain every adjoint has only one).
Baur–Strassen's 3 holds only with transcendentals counted as non-scalar: counting
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

from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.reverse_mode import chain as chain_program
from numerics.reverse_mode import correctness, counting
from numerics.reverse_mode.cost_checks import (FORWARD_MODE_SPREAD, chain_checks, correctness_checks,  # noqa: F401
                                               cost_constant_checks, finite_difference_checks, forward_mode_checks,
                                               nonscalar_checks, slope_tolerance, xla_checks)
from numerics.reverse_mode.network import ACTIVATIONS, num_params
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_one_of, require_positive
from theorems.core import Check
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

TRACE_BYTES_PER_FACTOR = 64 * 1024
"""A generous bound on the memory that tracing the three product-chain programs takes per factor (measured: about
6 KiB at n = 2000, for some nine traced equations a factor)."""


@dataclass(frozen=True)
class Config:
    """Architectures (layer widths n_0, ..., n_R), activations, batch size B, which architectures XLA compiles (indices:
    each compile costs about a second), the lengths n of the product chains x_1...x_n (each >= 2; traced only), and
    the network, steps and points of the correctness test (``check_correctness=False`` skips it: its fields are then
    NaN and its four checks are left out)."""

    architectures: tuple[tuple[int, ...], ...] = DEFAULT_ARCHITECTURES
    activations: tuple[str, ...] = ("tanh", "sigmoid", "relu", "softplus")
    batch: int = 8
    xla: tuple[int, ...] = (2, 5, 7)
    chain_factors: tuple[int, ...] = (2, 10, 100, 1000)
    check_widths: tuple[int, ...] = (3, 4, 2)
    check_activation: str = "tanh"
    fd_step: float = 1e-5
    truncation_step: float = 1e-3
    precision_points: int = 64
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
        if not self.chain_factors or min(self.chain_factors) < 2:
            raise ValueError(f"chain_factors must list product-chain lengths, each >= 2, got {self.chain_factors!r}")
        require_counts(self, "batch", "precision_points")
        if self.precision_points < 2:
            raise ValueError(f"precision_points must be >= 2 (a standard error needs two), got "
                             f"{self.precision_points!r}")
        require_positive(self, "fd_step", "truncation_step")
        for name in ("fd_step", "truncation_step"):
            if not getattr(self, name) < 1:
                raise ValueError(f"{name} must be < 1, got {getattr(self, name)!r}")
        require_memory(self, ("architectures", "xla", "chain_factors", "check_widths", "batch", "precision_points"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64). The correctness test (counted even when ``check_correctness`` is off: a config
        that could not run with it on is refused all the same): with
        d = num_params(check_widths), the basis (d, d) and, vmapped over the d coordinates, the network's activations
        (batch, sum of widths) three times (central differences and the nested forward mode); the precision
        comparison's points, each with its parameters, data and activations eight times over. The programs XLA
        compiles (``xla``; compiled, never run, but XLA lays out their buffers and aborts on extents past its
        range): each one's parameters and activations (batch, sum of widths), twice (loss and gradient). Tracing the
        longest product chain: :data:`TRACE_BYTES_PER_FACTOR` a factor."""
        compiled = sum(2 * array_bytes(num_params(self.architectures[a]) + self.batch * sum(self.architectures[a]))
                       for a in self.xla)
        d = num_params(self.check_widths)
        traced = TRACE_BYTES_PER_FACTOR * max(self.chain_factors)
        points = array_bytes(self.precision_points, 8 * (d + self.batch * sum(self.check_widths)))
        return compiled + traced + points + array_bytes(d, d + 3 * self.batch * sum(self.check_widths))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: SMALL_ARCHITECTURES, tanh and relu, XLA at width 4, chains of 2, 10 and 100 factors,
        counts only.

        The correctness test is left out (its compilation alone takes about 4 s); the tests run it on its own.
        """
        return cls(architectures=SMALL_ARCHITECTURES, activations=("tanh", "relu"), xla=(2,),
                   chain_factors=(2, 10, 100), check_correctness=False)


@dataclass(frozen=True)
class Result:
    """Counts per architecture (index a) and activation (index k), XLA's figures for tanh, the product chains, and
    the correctness test.

    Operation counts are ``[k, a]`` arrays of float64 (exact integers below 2^53): ``forward_*``, ``grad_*``,
    ``slide_*`` with suffix ``total``, ``mult`` (multiplications), ``trans`` (transcendentals). ``fd_total`` and
    ``fwd_total`` (forward differences, forward mode) and the ``xla_*`` arrays are per architecture, for tanh;
    ``fd_base``, ``fd_shifted``, ``fd_quotient`` are the pieces forward differences are built from, each counted
    on its own: E at theta, E after one shift (scalar index), one difference quotient. ``chain_*`` are per chain
    length n (``chain_factors``): the function (``forward``), ``jax.grad`` (``grad``) and the tally-form reverse
    sweep (``tally``), all operations. The correctness fields are those of
    :func:`numerics.reverse_mode.correctness.gradient_errors` (NaN when it is not run).
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
    fd_base: np.ndarray
    fd_shifted: np.ndarray
    fd_quotient: np.ndarray
    fwd_total: np.ndarray
    chain_factors: np.ndarray
    chain_forward: np.ndarray
    chain_grad: np.ndarray
    chain_tally: np.ndarray
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
    truncation_ratio: float
    truncation_delta: float
    discrepancy32: np.ndarray
    discrepancy64: np.ndarray
    discrepancy_tf32: np.ndarray


_NOT_CHECKED = {"backward_error": np.nan, "backward_bound": 1.0, "fd_error": np.nan, "fd_bound": 1.0,
                "wrong_backward_error": np.nan, "truncation_ratio": np.nan, "truncation_delta": np.nan,
                "discrepancy32": np.full(2, np.nan), "discrepancy64": np.full(2, np.nan),
                "discrepancy_tf32": np.full(2, np.nan)}


def _count_chains(factors) -> dict[str, np.ndarray]:
    counts = [chain_program.count_chain(n) for n in factors]
    return {"chain_factors": np.array(factors, dtype=np.float64),
            **{f"chain_{prog}": np.array([c[prog].total for c in counts], dtype=np.float64)
               for prog in ("forward", "grad", "tally")}}


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Count every program at every architecture and activation and every product chain; XLA's analysis for tanh;
    the correctness test.

    The counts do not depend on ``key``; it draws the point of the correctness test.
    """
    n_act, n_arch = len(config.activations), len(config.architectures)
    table = {name: np.full((n_act, n_arch), np.nan) for name in (
        "forward_total", "forward_mult", "forward_trans", "grad_total", "grad_mult", "grad_trans", "slide_total")}
    per_arch = {name: np.full(n_arch, np.nan) for name in (
        "fd_total", "fd_base", "fd_shifted", "fd_quotient", "fwd_total", "xla_forward_flops", "xla_grad_flops",
        "xla_forward_trans", "xla_grad_trans", "xla_forward_memory", "xla_grad_memory")}
    for a, widths in enumerate(config.architectures):
        for k, activation in enumerate(config.activations):
            counts = counting.count_programs(widths, activation, config.batch, all_programs=activation == "tanh")
            for prog in ("forward", "grad"):
                table[f"{prog}_total"][k, a] = counts[prog].total
                table[f"{prog}_mult"][k, a] = counts[prog].multiplications
                table[f"{prog}_trans"][k, a] = counts[prog].transcendental
            table["slide_total"][k, a] = counts["slide"].total
            if activation == "tanh":
                for prog in ("fd", "fd_base", "fd_shifted", "fd_quotient", "fwd"):
                    per_arch[f"{prog}_total" if prog in ("fd", "fwd") else prog][a] = counts[prog].total
        if a in config.xla:
            fwd, grad = counting.xla_programs(widths, "tanh", config.batch)
            per_arch["xla_forward_flops"][a], per_arch["xla_grad_flops"][a] = fwd["flops"], grad["flops"]
            per_arch["xla_forward_trans"][a], per_arch["xla_grad_trans"][a] = (fwd["transcendentals"],
                                                                               grad["transcendentals"])
            per_arch["xla_forward_memory"][a], per_arch["xla_grad_memory"][a] = (fwd["memory bytes"],
                                                                                 grad["memory bytes"])
    tested = (correctness.gradient_errors(key, config.check_widths, config.check_activation, config.batch,
                                          config.fd_step, config.truncation_step, config.precision_points)
              if config.check_correctness else _NOT_CHECKED)
    return Result(
        d=np.array([num_params(w) for w in config.architectures]),
        depth=np.array([len(w) - 1 for w in config.architectures]),
        width=np.array([max(w) for w in config.architectures]),
        **table, **per_arch, **_count_chains(config.chain_factors), **tested)


def checks(result: Result, config: Config) -> list[Check]:
    """Every counted gradient under the tally's 5, reached by the product chain; the chains' exact counts;
    Baur–Strassen's 3; forward differences and forward mode; XLA; correctness."""
    return [*cost_constant_checks(result, config, statement.TALLY_CONSTANT), *chain_checks(result, config),
            *nonscalar_checks(result, config), *finite_difference_checks(result, config),
            *forward_mode_checks(result, config), *xla_checks(result, config), *correctness_checks(result, config)]





# ------------------------------------------------------------------------------------------------------------------
# Wrong neighbours
# ------------------------------------------------------------------------------------------------------------------

NEIGHBOURS = (
    Neighbour("constant-3", "OPS(E, grad E) <= 3K for every program (Baur-Strassen's 3 read as a bound on all "
                            "operations)", lambda r, c: cost_constant_checks(r, c, 3)),
    Neighbour("constant-2", "the gradient costs at most twice the function (the backward pass 'costs about one "
                            "forward pass')", lambda r, c: cost_constant_checks(r, c, 2)),
    Neighbour("griewank-walther-4-in-this-count", "omega <= 4 bounds this package's count of every gradient "
                                                  "(Griewank-Walther's OPS constant, from another cost model)",
              lambda r, c: cost_constant_checks(r, c, statement.GRIEWANK_WALTHER)),
    Neighbour("constant-50", "OPS(E, grad E) <= 50K, and 50 is the least constant for every program (a product "
                             "with its adjoint costing 50)",
              lambda r, c: [*cost_constant_checks(r, c, 50), *chain_checks(r, c, tally=50)], looser=True),
    Neighbour("jax-grad-adds-every-update", "jax.grad pays the tally's worst case: on a product chain it costs "
                                            "5K - 1, like the sweep that adds every update",
              lambda r, c: chain_checks(r, c, assign=statement.TALLY_CONSTANT)),
    Neighbour("finite-differences-Kd", "forward differences cost K d (d evaluations of E; the base point "
                                       "forgotten)", lambda r, c: finite_difference_checks(r, c, base_evaluations=0)),
    Neighbour("forward-mode-independent-of-d", "forward mode gives the gradient in O(K), independent of d (one jvp "
                                               "taken for the whole gradient)",
              lambda r, c: forward_mode_checks(r, c, growth=0.0)),
)
