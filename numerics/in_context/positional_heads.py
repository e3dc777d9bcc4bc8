r"""Non-augmented multi-head layer of Sander et al. (2024): closed-form losses against simulation, and their minima.

**The result** (:mod:`theorems.in_context.positional_heads`). Tokens are the states $s_0, \dots, s_T$; $H$ heads with
real diagonal weights and a positional matrix $P$ predict $\hat s_{m+1,k} = \sum_{j\le m} p_{m,j} s_{j,k}
\sum_a C_{ka}\overline{s_{m-1,a}} s_{j,a}$, $C = B^\top A$. The loss $\mathcal L = \sum_{m=1}^{T-1}
\mathbb E\|\hat s_{m+1} - s_{m+1}\|^2$ has a closed form in $C$ and $P$ under each law, and global minimum

$$\min \mathcal L = (T-1)(d-H)^+ \ \text{(unitary)}, \qquad 0 \ \text{(rotation blocks, } H \ge d/2),$$

attained at $C = c\,\Pi$ (a projector of rank $\min(H, d)$), $p_{m,m} = 1/c$, and, for rotation blocks with
$H < d$ heads, $C = c\,\operatorname{diag}(\mathbf 1\mathbf 1^\top, \dots)$ with previous : current token weights
$p_{m,m-1} : p_{m,m} = -1/2 : 1$.

**Checked here** (the model and its closed forms in :mod:`numerics.in_context.diagonal_heads`, the minimisation and
the read-out in :mod:`numerics.in_context.head_minima`):

* **simulation** — random weights $(A, B, P)$; the mean of $\sum_m \|\hat s_{m+1} - s_{m+1}\|^2$ over sampled
  sequences against the lambdified closed forms, both laws (and the authors' ``unitary.py`` form, which it rejects);
* **minimisation** — Adam from a small random start, then L-BFGS (optax), on the closed-form loss in $(A, B, P)$, for
  each (law, heads) of ``Config.runs``; the best start's loss against the floor *two-sidedly* (above it by at most
  the convergence tolerance, below it by at most the rounding of the computed loss: a minimiser below the floor
  refutes the floor), and the structure of its $C$ and $P$ against the minima of the statement.

All runs share one compiled program: heads beyond $H$ are masked rows of a $d$-head layer, and the law is a flag.
The experiment runs in float64 (:func:`experiment` switches JAX's x64 mode on for its call).

**Wrong neighbours** (:data:`NEIGHBOURS`, SymPy forms in :mod:`theorems.in_context.wrong_statements`): a unitary floor
one rank short, $(T-1)(d-H-1)^+$ (looser: rejected by the upper side of the floor check, the floor being attained);
the unitary floor for rotation blocks too (rejected by the lower side: the minimiser with $H < d$ heads lies below
it); previous : current weights $-1 : 1$ (rejected by the read-out of $P$).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from numerics.in_context.diagonal_heads import (authors_loss, closed_loss, invariants, prediction_errors,
                                                rounding_bound, row_layout, sequences, simulate)
from numerics.in_context.head_minima import (floor, initial_params, learned_scale, minimise_restarts,
                                             positional_weights, structure)
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.training import check_training
from numerics.resources import COMPLEX128, array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive, require_z
from theorems.core import Check, numeric
from theorems.in_context import positional_heads as statement
from theorems.in_context import wrong_statements as wrong

__all__ = ["ID", "LAWS", "Config", "Result", "experiment", "checks", "judged", "NEIGHBOURS", "closed_loss",
           "authors_loss", "invariants", "rounding_bound", "row_layout", "sequences", "prediction_errors", "simulate",
           "floor", "learned_scale", "positional_weights", "structure"]

ID = statement.ID
LAWS = statement.LAWS


@dataclass(frozen=True)
class Config:
    """Sizes (the paper's $d = 10$, $T = 20$), the (law, heads) runs to minimise, optimiser and check settings.

    ``converged``: a run has found the global minimum when its loss is within ``converged`` $\\cdot d(T-1)$ of the
    floor ($d(T-1)$ is the loss at zero weights). ``structure``: tolerance on the read-out relations (ratios near
    $1$, $-1/2$, $0$). Within ``converged`` of the floor every square of the sum-of-squares form is below
    $10^{-9} d(T-1) \\approx 2\\cdot10^{-7}$, so each relation holds to about $10^{-4}$ times a condition number of
    order one; ``structure`` $= 10^{-3}$ leaves a factor ten for it.

    The loss has non-global local minima: from a start of scale ``init_scale`` $= 0.2$, Adam then L-BFGS reached the
    floor in 0.74 of 176 starts for the orthogonal law with $H = 8$ (all starts for the unitary law with $H = 5, 10$,
    0.99 for orthogonal $H = 10$; starts of scale $1$ never did). The best of ``restarts`` $= 16$ starts then misses
    the floor with probability about $0.26^{16} \\approx 4\\cdot10^{-10}$. With $H = d/2$ (the smallest head count
    with a zero-loss minimum) few starts reach it, so no default run uses it.
    """

    d: int = 10
    T: int = 20
    runs: tuple[tuple[str, int], ...] = (("unitary", 10), ("unitary", 5), ("orthogonal", 8), ("orthogonal", 10))
    adam_steps: int = 2000
    learning_rate: float = 1e-2
    polish_steps: int = 300
    init_scale: float = 0.2
    restarts: int = 16
    samples: int = 2**14
    chunk: int = 2**10
    probe_heads: int = 8
    z: float = 5.0
    converged: float = 1e-9
    structure: float = 1e-3

    def __post_init__(self):
        require_fields(self)
        if self.d < 2 or self.d % 2:
            raise ValueError(f"d must be an even integer >= 2 (orthogonal blocks pair coordinates), got {self.d!r}")
        if self.T < 3:
            raise ValueError(f"T must be >= 3 (rows m = 1..T-1 need a previous token), got {self.T!r}")
        for law, heads in self.runs:
            if law not in LAWS:
                raise ValueError(f"the laws of runs must be one of {', '.join(map(repr, LAWS))}, got {law!r}")
            if not 1 <= heads <= self.d:
                raise ValueError(f"heads must be in 1..d = {self.d}, got {heads!r} for law {law!r}")
            if law == "orthogonal" and heads < self.d // 2:
                raise ValueError(f"orthogonal runs need heads >= d/2 = {self.d // 2} (the zero-loss minima have "
                                 f"rank d/2; no floor is derived below), got {heads!r}")
        if not self.runs:
            raise ValueError("runs must name at least one (law, heads) pair")
        if self.chunk < 2 or self.samples < self.chunk or self.samples % self.chunk:
            raise ValueError(f"samples ({self.samples!r}) must be a positive multiple of chunk ({self.chunk!r})")
        require_counts(self, "adam_steps", "polish_steps", "probe_heads", "restarts")
        require_positive(self, "learning_rate", "init_scale", "converged", "structure")
        require_z(self)
        require_memory(self, ("d", "T", "samples", "chunk", "restarts", "adam_steps", "probe_heads"))

    def peak_bytes(self) -> int:
        """Estimated peak, summed over the programs. Simulation, per law: a chunk's states (chunk, T + 1, d) and
        its scores (chunk, T - 1, T, d), complex, and the losses (samples,), float64. Minimisation, per run, vmapped
        over ``restarts``: the parameters A, B (H <= d, d) and P (T - 1, T), float64, held about 26 times (Adam's
        two moments, L-BFGS's ten curvature pairs, the best iterate), the closed loss's (T - 1, T, d) terms, and
        the Adam losses (adam_steps,); the simulated weights A, B (probe_heads, d)."""
        d, T = self.d, self.T
        simulation = 2 * (array_bytes(self.chunk, (T + 1) + (T - 1) * T, d, itemsize=COMPLEX128)
                          + array_bytes(self.samples))
        params = 2 * d * d + (T - 1) * T
        minimisation = len(self.runs) * array_bytes(self.restarts, 26 * params + (T - 1) * T * d + self.adam_steps)
        return simulation + minimisation + array_bytes(2 * self.probe_heads, d)

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: d = 4, T = 5, unitary with H = 2 heads and orthogonal with H = 3, fewer steps and starts.

        At this size 51 of 72 orthogonal starts with H = 3 reached the floor (fewer with H = d/2 = 2, hence H = 3),
        so the best of ``restarts`` = 8 misses it with probability about $0.3^8 \\approx 7\\cdot10^{-5}$."""
        return cls(d=4, T=5, runs=(("unitary", 2), ("orthogonal", 3)), adam_steps=600, polish_steps=200, restarts=8,
                   samples=2**12, chunk=2**10, probe_heads=3)


@dataclass(frozen=True)
class Result:
    """Simulation, per law: ``sim_mean``, ``sim_se`` (Monte Carlo of the total loss), ``closed`` (closed form), and
    ``authors`` (the ``unitary.py`` form, unitary law only; NaN otherwise).

    Minimisation, per run (``laws``, ``heads``), from ``restarts`` random starts: ``restart_loss`` (final loss of
    each start); of the best start: ``adam_loss`` (per step), ``final_loss``, ``floor`` (the global
    minimum of the statement), ``A``, ``B`` ($d\\times d$, rows past $H$ zero), ``P`` ($(T-1)\\times T$, row $m-1$
    holds $p_{m,0..m}$, zero beyond); $C = B^\\top A$ and the learned scale :func:`learned_scale` follow from them.
    """

    sim_mean: np.ndarray
    sim_se: np.ndarray
    closed: np.ndarray
    authors: np.ndarray
    laws: np.ndarray
    heads: np.ndarray
    restart_loss: np.ndarray
    adam_loss: np.ndarray
    final_loss: np.ndarray
    floor: np.ndarray
    A: np.ndarray
    B: np.ndarray
    P: np.ndarray


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Simulation at random weights for both laws, then one minimisation per (law, heads) run."""
    d, T = config.d, config.T
    k_weights, k_sim, k_fit = jax.random.split(fast_key(key), 3)
    ka, kb, kp = jax.random.split(k_weights, 3)
    H = config.probe_heads
    A = jax.random.normal(ka, (H, d)) / np.sqrt(H)
    B = jax.random.normal(kb, (H, d)) / np.sqrt(H)
    P = jax.random.normal(kp, (T - 1, T)) / np.sqrt(T)
    C = B.T @ A
    sim_mean, sim_se, closed, authors = (np.full(len(LAWS), np.nan) for _ in range(4))
    for i, (law, k) in enumerate(zip(LAWS, jax.random.split(k_sim, len(LAWS)))):
        values = np.asarray(simulate(k, C, P, law == "orthogonal", config.samples, config.chunk))
        sim_mean[i], sim_se[i] = values.mean(), values.std(ddof=1) / np.sqrt(values.size)
        closed[i] = float(closed_loss(law, C, P))
        if law == "unitary":
            authors[i] = float(authors_loss(C, P))

    inside, _, _ = row_layout(T)
    runs = []
    for (law, heads), k in zip(config.runs, jax.random.split(k_fit, len(config.runs))):
        head_mask = (jnp.arange(d) < heads).astype(jnp.float64)
        starts = jax.vmap(lambda kk: initial_params(kk, d, T, config.init_scale))(
            jax.random.split(k, config.restarts))
        params, losses, finals = minimise_restarts(starts, head_mask, law == "orthogonal", config.learning_rate,
                                                   adam_steps=config.adam_steps, polish_steps=config.polish_steps)
        finals = np.asarray(finals)
        for start, curve in enumerate(np.asarray(losses)):
            check_training(np.append(curve, finals[start]), 1e6, context=f"{law}, H={heads}, start {start}")
        best = int(np.argmin(finals))
        params = jax.tree.map(lambda x: x[best], params)
        A_run = np.asarray(params["A"] * head_mask[:, None])
        B_run = np.asarray(params["B"] * head_mask[:, None])
        runs.append((finals, np.asarray(losses)[best], float(finals[best]), floor(law, d, T, heads), A_run, B_run,
                     np.where(np.asarray(inside), np.asarray(params["P"]), 0.0)))
    restart_loss, adam_loss, final_loss, floors, As, Bs, Ps = (np.array(x) for x in zip(*runs))
    return Result(sim_mean=sim_mean, sim_se=sim_se, closed=closed, authors=authors,
                  laws=np.array([law for law, _ in config.runs]), heads=np.array([h for _, h in config.runs]),
                  restart_loss=restart_loss, adam_loss=adam_loss, final_loss=final_loss, floor=floors, A=As, B=Bs, P=Ps)


def judged(result: Result, config: Config, floors=statement.floor,
           previous_to_current=statement.previous_to_current) -> list[Check]:
    """The checks of a claim on ``result``: closed forms against simulation (z standard errors); each run at the
    claim's floor (``floors``, SymPy in $(T, d, H)$), two-sided: above it by at most ``converged`` d(T-1), below it
    by at most the rounding of the computed loss (:func:`rounding_bound`; a loss truly below the floor would refute
    it); the minimisers' structure, with the claim's ratio ``previous_to_current`` of orthogonal minima, H < d."""
    z, d, T = config.z, config.d, config.T
    out = []
    for i, law in enumerate(LAWS):
        mean, se, th = result.sim_mean[i], result.sim_se[i], result.closed[i]
        out.append(numeric(ID, f"non-augmented, {law}, d={d}, T={T}: simulated loss at random weights = closed "
                               f"form {th:.5g} (+-{z:g} se)", mean, "in", (th - z * se, th + z * se)))
    i = LAWS.index("unitary")
    out.append(numeric(ID, f"non-augmented, unitary: the authors' unitary.py form ({result.authors[i]:.5g}) is "
                           f"rejected by simulation (|z| >= {z:g})",
                       abs(result.authors[i] - result.sim_mean[i]) / result.sim_se[i], ">=", z))
    scale = config.converged * d * (T - 1)
    for r, (law, heads) in enumerate(zip(result.laws, result.heads)):
        law, heads = str(law), int(heads)
        below = rounding_bound(law, result.A[r], result.B[r], result.P[r])
        bottom = floor(law, d, T, heads, floors)
        out.append(numeric(ID, f"non-augmented, {law}, H={heads}: minimised loss - floor {bottom:g} in "
                               f"[-{below:.1e} (float64 rounding), {config.converged:g} d(T-1)]: at the floor, "
                               f"not below it", result.final_loss[r] - bottom, "in", (-below, scale)))
        for name, value in structure(law, heads, result.A[r], result.B[r], result.P[r],
                                     previous_to_current).items():
            out.append(numeric(ID, f"non-augmented, {law}, H={heads}: {name} <= {config.structure:g}", value, "<=",
                               config.structure))
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """The statement's checks (:func:`judged` with its floors and its ratio -1/2)."""
    return judged(result, config)


NEIGHBOURS = (
    Neighbour("floor-one-head-short",
              "unitary law: the minimum with H heads is (T-1)(d-H-1)^+ (a rank bound one short; true, not attained)",
              lambda result, config: judged(result, config, floors=wrong.floor_one_head_short), looser=True),
    Neighbour("orthogonal-floor-needs-d-heads",
              "rotation blocks: zero loss needs H = d heads, the minimum being (T-1)(d-H)^+ as in the unitary law",
              lambda result, config: judged(result, config, floors=wrong.orthogonal_floor_needs_d_heads)),
    Neighbour("previous-to-current-minus-one",
              "rotation blocks, H < d heads: previous : current token weights -1 : 1 (the recurrence "
              "s_(T+1) = 2 (s_(T-1).s_T) s_T - s_(T-1) read without its factor 2)",
              lambda result, config: judged(result, config,
                                            previous_to_current=wrong.previous_to_current_without_factor_two)),
)
"""Wrong neighbours of the non-augmented part (see the module docstring)."""
