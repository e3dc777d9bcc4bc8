r"""The non-augmented diagonal-head layer of :mod:`theorems.in_context.positional_heads`: its loss simulated from the
model, and in closed form with the rounding bound of the computed value.

The layer predicts $\hat s_{m+1,k} = \sum_{j\le m} p_{m,j} s_{j,k} \sum_a C_{ka}\overline{s_{m-1,a}} s_{j,a}$ with
$C = B^\top A$; its loss is $\mathcal L = \sum_{m=1}^{T-1}\mathbb E\|\hat s_{m+1} - s_{m+1}\|^2$. Here:

* :func:`simulate` — per-sequence losses straight from the model, on sequences of the unitary or the orthogonal
  (rotation-block) law in the eigenbasis, $s_0 = \mathbf 1$;
* :func:`closed_loss` — the statement's closed form $\sum_m \mathcal L_m$, lambdified on the invariants of $C$ and of
  the rows of $P$ (and :func:`authors_loss`, the form in the authors' ``unitary.py``, which the simulation rejects);
* :func:`rounding_bound` — how far below its true value the float64 closed form can come out.

$P$ is held as a $(T-1)\times T$ array whose row $m-1$ holds $p_{m,0..m}$ (zero beyond, :func:`row_layout`).
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from theorems.in_context import positional_heads as statement

LAWS = statement.LAWS

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
