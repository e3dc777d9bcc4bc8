"""Non-augmented multi-head layer of Sander et al. (2024): closed-form losses against simulation, and their minima.

The statement, the model and the laws are in :mod:`theorems.in_context.positional_heads`. Here:

* **simulation** — random weights $(A, B, P)$; the mean of $\\sum_m \\|\\hat s_{m+1} - s_{m+1}\\|^2$ over sampled
  sequences against the lambdified closed forms, both laws (and the authors' ``unitary.py`` form, which it rejects);
* **minimisation** — Adam from a small random start, then L-BFGS (optax), on the closed-form loss in $(A, B, P)$, for
  each (law, heads) of ``Config.runs``; read out the learned $c$, the positional weights and the structure of
  $C = B^\\top A$, and compare with the global minima of the statement.

All runs share one compiled program: heads beyond $H$ are masked rows of a $d$-head layer, and the law is a flag.
The experiment runs in float64 (:func:`experiment` switches JAX's x64 mode on for its call).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from numerics.bridge import to_jax
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.training import check_training, descend
from numerics.resources import COMPLEX128, array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive, require_z
from theorems.core import Check, numeric
from theorems.in_context import positional_heads as statement

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


# ---------------------------------------------------------------------------------------------------------------
# Closed forms, lambdified from the statement, on the invariants of C and of the rows of P.
# ---------------------------------------------------------------------------------------------------------------

row_loss = {law: to_jax(list(statement.INVARIANTS), statement.row_loss[law]) for law in LAWS}
authors_row_loss = to_jax(list(statement.INVARIANTS), statement.authors_unitary_row_loss)


def row_layout(T: int) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Boolean (T-1, T) masks of the rows m = 1..T-1 of P: entries j <= m, the previous token j = m-1, the current
    token j = m."""
    m = jnp.arange(1, T)[:, None]
    j = jnp.arange(T)[None, :]
    return j <= m, j == m - 1, j == m


def invariants(C: jax.Array, P: jax.Array) -> tuple[jax.Array, ...]:
    """:data:`theorems.in_context.positional_heads.INVARIANTS` (per row of P) in their order."""
    d, T = C.shape[0], P.shape[1]
    inside, previous, current = row_layout(T)
    P = jnp.where(inside, P, 0.0)
    r = C.sum(axis=1)
    pairs = C[jnp.arange(d), jnp.arange(d) ^ 1]
    others = jnp.where(previous, 0.0, P)
    return (jnp.sum(C**2), jnp.sum(r**2), jnp.trace(C), jnp.sum(r * pairs), jnp.sum(pairs**2),
            jnp.sum(jnp.where(previous, P, 0.0), axis=1), jnp.sum(jnp.where(current, P, 0.0), axis=1),
            others.sum(axis=1), jnp.sum(others**2, axis=1), d)


def closed_loss(law: str, C: jax.Array, P: jax.Array) -> jax.Array:
    """$\\mathcal L = \\sum_{m=1}^{T-1} \\mathcal L_m$ from the statement's closed form."""
    return jnp.sum(row_loss[law](*invariants(C, P)))


def authors_loss(C: jax.Array, P: jax.Array) -> jax.Array:
    return jnp.sum(authors_row_loss(*invariants(C, P)))


# ---------------------------------------------------------------------------------------------------------------
# Simulation.
# ---------------------------------------------------------------------------------------------------------------


def sequences(key: jax.Array, n: int, d: int, T: int, orthogonal) -> jax.Array:
    """(n, T+1, d) complex states $s_0..s_T$ with $s_0 = \\mathbf 1$, in the eigenbasis (see the statement): unitary
    law, or (``orthogonal`` true) conjugate pairs $z_b, \\bar z_b$ from the first $d/2$ angles."""
    z = jnp.exp(1j * jax.random.uniform(key, (n, d), maxval=2 * jnp.pi))
    pairs = jnp.stack([z[:, : d // 2], z[:, : d // 2].conj()], axis=-1).reshape(n, d)
    z = jnp.where(orthogonal, pairs, z)
    return z[:, None, :] ** jnp.arange(T + 1)[None, :, None]


def prediction_errors(s: jax.Array, C: jax.Array, P: jax.Array) -> jax.Array:
    """$\\sum_{m=1}^{T-1}\\|\\hat s_{m+1} - s_{m+1}\\|^2$ for one sequence ``s`` of shape (T+1, d), straight from the
    model: $\\hat s_{m+1,k} = \\sum_{j\\le m} p_{m,j} s_{j,k} \\sum_a C_{ka}\\overline{s_{m-1,a}} s_{j,a}$."""
    T = s.shape[0] - 1
    inside, _, _ = row_layout(T)
    m = jnp.arange(1, T)
    scores = s[m - 1].conj()[:, None, :] * s[None, :T, :]            # (m, j, a)
    predicted = jnp.einsum("mj,mja,ka,jk->mk", jnp.where(inside, P, 0.0), scores, C, s[:T])
    return jnp.sum(jnp.abs(predicted - s[m + 1]) ** 2)


@partial(jax.jit, static_argnames=("n", "chunk"))
def simulate(key: jax.Array, C: jax.Array, P: jax.Array, orthogonal, n: int, chunk: int) -> jax.Array:
    """Per-sequence losses of ``n`` sequences of the law (``orthogonal`` true or false), ``chunk`` at a time."""
    d, T = C.shape[0], P.shape[1]
    keys = jax.random.split(key, n // chunk)
    per_chunk = jax.lax.map(lambda k: jax.vmap(prediction_errors, (0, None, None))(
        sequences(k, chunk, d, T, orthogonal), C, P), keys)
    return per_chunk.reshape(-1)


# ---------------------------------------------------------------------------------------------------------------
# Minimisation.
# ---------------------------------------------------------------------------------------------------------------


def floor(law: str, d: int, T: int, heads: int) -> float:
    """The global minimum of the statement: $(T-1)(d-H)^+$ (unitary), $0$ (orthogonal, $H \\ge d/2$)."""
    return float((T - 1) * max(d - heads, 0)) if law == "unitary" else 0.0


def _objective(params, head_mask, orthogonal):
    C = (params["B"] * head_mask[:, None]).T @ (params["A"] * head_mask[:, None])
    unitary = closed_loss("unitary", C, params["P"])
    return jnp.where(orthogonal, closed_loss("orthogonal", C, params["P"]), unitary)


def minimise(params, head_mask, orthogonal, learning_rate, adam_steps: int, polish_steps: int):
    """Adam for ``adam_steps``, then L-BFGS for ``polish_steps``; returns (params, Adam losses, final loss).

    The polish returns the best iterate it visited: at an exact zero of the loss L-BFGS's curvature pairs vanish and
    its next step can blow up (measured once in ten seeds: a loss of 1e140 after a loss of 1e-13)."""
    objective = partial(_objective, head_mask=head_mask, orthogonal=orthogonal)
    params, losses = descend(objective, params, optax.adam(learning_rate), steps=adam_steps)
    lbfgs = optax.lbfgs()
    value_and_grad = optax.value_and_grad_from_state(objective)

    def polish_step(carry, _):
        p, state, best, best_value = carry
        value, grad = value_and_grad(p, state=state)
        better = value < best_value  # False on NaN
        best = jax.tree.map(lambda x, y: jnp.where(better, x, y), p, best)
        best_value = jnp.where(better, value, best_value)
        updates, state = lbfgs.update(grad, state, p, value=value, grad=grad, value_fn=objective)
        return (optax.apply_updates(p, updates), state, best, best_value), value

    start = (params, lbfgs.init(params), params, objective(params))
    (last, _, best, best_value), _ = jax.lax.scan(polish_step, start, None, length=polish_steps)
    last_value = objective(last)
    better = last_value < best_value
    params = jax.tree.map(lambda x, y: jnp.where(better, x, y), last, best)
    return params, losses, jnp.where(better, last_value, best_value)


@partial(jax.jit, static_argnames=("adam_steps", "polish_steps"))
def minimise_restarts(params, head_mask, orthogonal, learning_rate, adam_steps: int, polish_steps: int):
    """:func:`minimise` from each of a batch of starts (leading axis of every leaf of ``params``)."""
    return jax.vmap(partial(minimise, adam_steps=adam_steps, polish_steps=polish_steps),
                    in_axes=(0, None, None, None))(params, head_mask, orthogonal, learning_rate)


def initial_params(key: jax.Array, d: int, T: int, scale: float) -> dict[str, jax.Array]:
    ka, kb, kp = jax.random.split(key, 3)
    return {"A": scale * jax.random.normal(ka, (d, d)), "B": scale * jax.random.normal(kb, (d, d)),
            "P": scale * jax.random.normal(kp, (T - 1, T))}


def learned_scale(law: str, C: np.ndarray, heads: int) -> float:
    """$c$ with $C = c\\,\\Pi$ (unitary: $\\operatorname{tr}C/\\operatorname{rank}$) or $C_{kk} = c$ (orthogonal)."""
    d = C.shape[0]
    return float(np.trace(C) / (min(heads, d) if law == "unitary" else d))


# ---------------------------------------------------------------------------------------------------------------
# Experiment and checks.
# ---------------------------------------------------------------------------------------------------------------


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


def positional_weights(P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row m = 1..T-1: current-token weight $p_{m,m}$, previous-token weight $p_{m,m-1}$, and the largest
    $|p_{m,j}|$, $j < m-1$ (0 for m = 1)."""
    rows = np.arange(P.shape[0])
    current, previous = P[rows, rows + 1], P[rows, rows]
    older = np.array([np.max(np.abs(P[r, :r]), initial=0.0) for r in rows])
    return current, previous, older


def rounding_bound(law: str, A: np.ndarray, B: np.ndarray, P: np.ndarray) -> float:
    r"""How far below its true value the float64 closed loss at (A, B, P) can come out: $\gamma_K\,\Sigma$.

    The loss is a sum of products of the invariants (:func:`invariants`, :data:`row_loss`), each a sum of products
    of entries of $C = B^\top A$ and $P$; computed in any order, its error is at most $\gamma_K = Ku/(1-Ku)$
    ($u = 2^{-53}$) times $\Sigma$, the same sum with every term replaced by its absolute value (Higham, *Accuracy
    and Stability of Numerical Algorithms*, 2nd ed., Sec. 3.1), where $K$ bounds the roundings along any term's
    path: $2d$ for an entry of $C$ and its square, $d^2$ for a sum over $C$, $2T$ for the sums over a row of $P$ and
    over rows, $16$ for the products and the row's few additions. $\Sigma$ is the row loss at $|C| \le |B|^\top|A|$,
    $|P|$ with the subtracted terms added ($-2p_{m,m}\operatorname{tr}C \to 2|p_{m,m}|\operatorname{tr}|C|$,
    $S_1^2 - S_2 \to S_1^2 + S_2$)."""
    C = np.abs(B).T @ np.abs(A)
    d, T = C.shape[0], P.shape[1]
    inside, previous, current = (np.asarray(x) for x in row_layout(T))
    P = np.where(inside, np.abs(P), 0.0)
    r, pairs = C.sum(axis=1), C[np.arange(d), np.arange(d) ^ 1]
    others = np.where(previous, 0.0, P)
    prev, cur = np.sum(np.where(previous, P, 0.0), axis=1), np.sum(np.where(current, P, 0.0), axis=1)
    s1, s2 = others.sum(axis=1), np.sum(others**2, axis=1)
    total = s2 * np.sum(C**2) + prev**2 * np.sum(r**2) + 2 * cur * np.trace(C) + d
    if law == "orthogonal":
        total = total + 2 * prev * s1 * np.sum(r * pairs) + (s1**2 + s2) * np.sum(pairs**2)
    K = 2 * d + d * d + 2 * T + 16
    return float(K * 2.0**-53 / (1 - K * 2.0**-53) * np.sum(total))


def structure(law: str, heads: int, A: np.ndarray, B: np.ndarray, P: np.ndarray) -> dict[str, float]:
    """Dimensionless distances of a minimiser from the statement's global-minimum structure (all 0 there)."""
    C = B.T @ A
    d, c = C.shape[0], learned_scale(law, C, heads)
    current, previous, older = positional_weights(P)
    out = {"|c p_(m,m) - 1|": float(np.max(np.abs(c * current - 1))),
           "|c| |p_(m,j)|, j < m-1": float(np.max(np.abs(c) * older))}
    X = C / c
    if law == "unitary":
        out["|p_(m,m-1)| |C 1| / sqrt(d)"] = float(np.max(np.abs(previous)) * np.linalg.norm(C.sum(axis=1))
                                                    / np.sqrt(d))
        if heads >= d:
            out["|C/c - I|_F / sqrt(d)"] = float(np.linalg.norm(X - np.eye(d)) / np.sqrt(d))
            a, b = A[:heads], B[:heads]
            out["|A B^T / c - I|_F / (sqrt(d) cond(A))"] = float(
                np.linalg.norm(a @ b.T / c - np.eye(heads)) / np.sqrt(heads) / np.linalg.cond(a))
        else:
            out["|(C/c)^2 - C/c|_F / sqrt(H)"] = float(np.linalg.norm(X @ X - X) / np.sqrt(heads))
            out["|C/c - (C/c)^T|_F / sqrt(H)"] = float(np.linalg.norm(X - X.T) / np.sqrt(heads))
        return out
    pair = np.arange(d) ^ 1
    g = float(np.mean(X[np.arange(d), pair]))
    block = np.eye(d) + g * np.eye(d)[pair]
    out["|C/c - (I + (gamma/c) J)|_F / sqrt(d)"] = float(np.linalg.norm(X - block) / np.sqrt(d))
    predicted = -g / (c * (1 + g))  # p_(m,m-1) = -gamma / (c (c + gamma)) with gamma = g c
    out["|c| |p_(m,m-1) + gamma/(c(c+gamma))|"] = float(np.max(np.abs(c) * np.abs(previous - predicted)))
    if heads < d:
        out["|p_(m,m-1) / p_(m,m) + 1/2|"] = float(np.max(np.abs(previous / current + 0.5)))
        out["|gamma/c - 1|"] = abs(g - 1)
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """Closed forms against simulation (z standard errors); each run at its floor, two-sided: above it by at most
    ``converged`` d(T-1), below it by at most the rounding of the computed loss (:func:`rounding_bound`; a loss
    truly below the floor would refute the theorem); the minimisers' structure."""
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
        out.append(numeric(ID, f"non-augmented, {law}, H={heads}: minimised loss - floor {result.floor[r]:g} in "
                               f"[-{below:.1e} (float64 rounding), {config.converged:g} d(T-1)]: at the floor, "
                               f"not below it", result.final_loss[r] - result.floor[r], "in", (-below, scale)))
        for name, value in structure(law, heads, result.A[r], result.B[r], result.P[r]).items():
            out.append(numeric(ID, f"non-augmented, {law}, H={heads}: {name} <= {config.structure:g}", value, "<=",
                               config.structure))
    return out

