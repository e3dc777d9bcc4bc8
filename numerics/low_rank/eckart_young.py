r"""Experiment: no rank-$k$ matrix beats the truncated SVD, and gradient descent on the factors finds it.

**eckart1936.** Matrices $A = U\operatorname{diag}(\sigma)V^\top$ whose SVD is known *exactly* in floating point
(:func:`exact_orthogonal`: a normalised Sylvester–Hadamard matrix with random row and column permutations and signs,
entries $\pm 2^{-j}$ for sizes $4^j$; :func:`dyadic_spectrum`: $\sigma_i = \mathrm{round}(2^{12}\rho^{i-1})/2^{12}$,
distinct). Every entry of $A$, of $A_k$ and of $A - A_k$ is then a multiple of $2^{-12}/\sqrt{mn}$ of modest size,
and $\|A - A_k\|_F^2$ is a sum of at most $2^{16}$ squares of such numbers, below $2^{48}$ units of their grid: XLA
computes it **without rounding** in any order, and the by-construction identity $\|A - A_k\|_F^2 =
\sum_{i>k}\sigma_i^2$ is checked with ``==``. The reference values $\sigma_i$ are exact, not computed.

Competitors $B = XY^\top$ for each matrix and rank $k$ (float64 factors: rank $\le k$ exactly): the truncated SVD of
``jnp.linalg.svd``; gradient descent (optax ``sgd``) on $\frac12\|A - XY^\top\|_F^2$ from i.i.d. $\mathcal N(0,
\text{init}^2)$ factors; the exact optimum's factors perturbed by $\varepsilon G$ ($\varepsilon \in$
``perturbations``); the best matrices with a random column space, $X = Q$, $Y = A^\top Q$.

**Rounding slack** (first order in the unit roundoff $u = 2^{-53}$; Higham 2002, §3.1, $\gamma_N = Nu/(1 - Nu)$).
Frobenius: $\mathrm{fl}(XY^\top)$ is within $\varepsilon$, $\|\varepsilon\|_F \le \gamma_K c$, $c =
\||X||Y|^\top\|_F$, $K$ the padded rank; the squares and their sum add $\gamma_{mn+2}$ relative, so
$|\mathrm{fl}\,\|A - B\|_F^2 - \|A - B\|_F^2| \le \gamma_{mn+2}\,e + 2\sqrt e\,\gamma_K c + (\gamma_K c)^2$ with $e$
the computed error. Spectral: with $M = \mathrm{fl}(A - \mathrm{fl}(XY^\top))$ and its computed SVD $\hat U \hat S
\hat V^\top$, $|\|M\|_2 - \hat s_1| \le 2\hat s_1(\eta_U + \eta_V) + \|M - \hat U\hat S\hat V^\top\|_F$ with $\eta_U
= \|\hat U^\top\hat U - I\|_F$ (each evaluated with its own $\gamma$ term), and $\|M - (A - B)\|_2 \le \gamma_K c +
u\|M\|_F$ (:func:`spectral_error`). The checks: every competitor's error plus its slack is at least the tail (the
theorem), and the computed SVD's and gradient descent's errors minus their slack are at most the tail (attained).
Both ratios are within $10^{-13}$ of 1: a relative error of the claimed minimum far below $10^{-12}$ is visible.

**Gradient descent's rate.** The excess $\|A - XY^\top\|_F^2 - \sum_{i>k}\sigma_i^2$ is computed without cancellation
in the exact singular bases (:func:`excess`). Its log-slope per step, fitted over the checkpoints where the excess
lies in ``rate_window`` (relative to $\|A\|_F^2$), is compared with $\log(1 - \eta(\sigma_k - \sigma_{k+1}))^2$
(:func:`theorems.low_rank.eckart_young.excess_contraction`), within ``rate_tolerance``: at the window's top the
quadratic terms of the gradient map shift the per-step factor by at most about $3\sqrt{e/\lambda}/\lambda$ relative
($\lambda = \sigma_k - \sigma_{k+1}$; $\le 8\cdot10^{-4}$ at $k = 8$), less on average over the window; the faster
modes ($\sigma_k - \sigma_{k+2}$ and up) have died out by then. Measured: within $2\cdot10^{-5}$ (seeds 0–2).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import scipy.linalg
import optax
import sympy as sp

from numerics.compiling import run_fast
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.training import descend
from numerics.validation import is_finite_number, is_integer, require_counts, require_fields, require_positive
from theorems.core import Check, numeric
from theorems.low_rank import eckart_young as statement
from theorems.rounding import UNIT_ROUNDOFF, gamma

ID = statement.ID
SIZES = (4, 16, 64, 256)
"""Matrix sizes with an exact orthogonal factor: powers of 4, where the normalised Hadamard entries are ±2^-j."""
SPECTRUM_BITS = 12
HIGHEST = jax.lax.Precision.HIGHEST
U64 = float(UNIT_ROUNDOFF["float64"])


def gamma64(count: int) -> float:  # Higham's gamma_count in float64 (theorems.rounding.gamma)
    return float(gamma(sp.Integer(count), UNIT_ROUNDOFF["float64"]))


def dyadic_spectrum(decay: float, count: int) -> np.ndarray:
    """sigma_i = round(2^12 decay^(i-1)) / 2^12, i = 1..count: exact in float64 (and float32)."""
    return np.round(2.0**SPECTRUM_BITS * decay ** np.arange(count)) / 2.0**SPECTRUM_BITS


def require_size(config, name: str) -> None:
    value = getattr(config, name)
    if value not in SIZES:
        raise ValueError(f"{name} must be one of {', '.join(map(str, SIZES))} (a power of 4, for an exact "
                         f"orthogonal factor), got {value!r}")


def check_matrix(A, name: str = "A") -> np.ndarray:
    """``A`` as a float64 2-d array; ValueError naming the first non-finite entry (position and value)."""
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or min(A.shape) < 1:
        raise ValueError(f"{name} must be a non-empty matrix, got shape {A.shape}")
    bad = np.argwhere(~np.isfinite(A))
    if bad.size:
        where = tuple(int(x) for x in bad[0])
        raise ValueError(f"{name} must be finite, got {float(A[where])!r} at {where} ({len(bad)} non-finite "
                         "entries)")
    return A


@uses_float64
def best_rank_k(A, k: int) -> np.ndarray:
    """The truncated SVD A_k of a finite matrix A (float64): a best approximation of rank <= k (Eckart-Young).
    Raises ValueError naming a non-finite entry of A, or a rank outside 1..min(m, n)."""
    A = check_matrix(A)
    if not is_integer(k) or not 1 <= k <= min(A.shape):
        raise ValueError(f"k must be an integer in 1..min(m, n) = {min(A.shape)}, got {k!r}")
    left, values, right = jnp.linalg.svd(jnp.asarray(A), full_matrices=False)
    return np.asarray(jnp.matmul(left[:, :k] * values[:k], right[:k], precision=HIGHEST))


@dataclass(frozen=True)
class Config:
    """m x n matrices (powers of 4), ranks k < min(m, n), spectrum decay, matrices per rank, competitors, gradient
    descent (steps, checkpoint interval ``every``, step size, start scale) and its rate window and tolerance."""

    m: int = 64
    n: int = 16
    ranks: tuple[int, ...] = (1, 2, 4, 8)
    decay: float = 0.75
    batch: int = 4
    subspaces: int = 8
    perturbations: tuple[float, ...] = (1e-1, 1e-3)
    steps: int = 2400
    every: int = 8
    learning_rate: float = 0.5
    init_scale: float = 1e-3
    rate_window: tuple[float, float] = (1e-24, 1e-12)
    rate_tolerance: float = 1e-3

    def __post_init__(self):
        require_fields(self)
        require_size(self, "m")
        require_size(self, "n")
        q = min(self.m, self.n)
        if not self.ranks:
            raise ValueError("ranks must name at least one rank k")
        for k in self.ranks:
            if not 1 <= k < q:
                raise ValueError(f"ranks: k = {k!r} must be in 1..min(m, n) - 1 = {q - 1} (k >= min(m, n) leaves "
                                 "nothing to approximate)")
        if not 0 < self.decay < 1:
            raise ValueError(f"decay must be in (0, 1), got {self.decay!r}")
        values = dyadic_spectrum(self.decay, q)
        if values[-1] <= 0 or np.any(np.diff(values) >= 0):
            raise ValueError(f"decay = {self.decay!r} gives singular values that are not distinct and positive on a "
                             f"grid of 2^-{SPECTRUM_BITS}: {values.tolist()}; take a decay closer to 1")
        require_counts(self, "batch", "subspaces", "steps", "every")
        if self.steps % self.every or self.steps // self.every < 3:
            raise ValueError(f"steps ({self.steps!r}) must be a multiple of every ({self.every!r}), at least 3 "
                             "checkpoints")
        if not self.perturbations or not all(is_finite_number(e) and 0 < e < 1 for e in self.perturbations):
            raise ValueError(f"perturbations must be numbers in (0, 1), got {self.perturbations!r}")
        if not 0 < self.learning_rate < 1:
            raise ValueError(f"learning_rate must be in (0, 1) (below 1/sigma_1 = 1), got {self.learning_rate!r}")
        require_positive(self, "init_scale", "rate_tolerance")
        lo, hi = self.rate_window
        if not 0 < lo < hi < 1:
            raise ValueError(f"rate_window must be (lo, hi) with 0 < lo < hi < 1, got {self.rate_window!r}")
        require_memory(self, ("m", "n", "ranks", "batch", "subspaces", "perturbations", "steps"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64): per (matrix, rank, competitor: SVD, descent, perturbations, subspaces) the
        residual, |X||Y|^T and the residual's SVD and reconstruction, about 5 m n; the exact factors (m^2 + n^2);
        gradient descent's factors and their basis forms (4 (m + n) K) and the checkpoints (steps / every)."""
        competitors = 2 + len(self.perturbations) + self.subspaces
        per_cell = (competitors * 5 * self.m * self.n + 4 * (self.m + self.n) * max(self.ranks)
                    + self.steps // self.every + 2 * self.m * self.n)
        return array_bytes(self.batch * len(self.ranks), per_cell) + array_bytes(self.batch, self.m**2 + self.n**2)

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: 16 x 16, ranks 1 and 4, two matrices, 800 steps."""
        return cls(m=16, n=16, ranks=(1, 4), batch=2, subspaces=4, steps=800)


@dataclass(frozen=True)
class Result:
    """[matrix, rank(, competitor)]; competitors: computed truncated SVD, gradient descent, the perturbations, the
    random subspaces. ``exact_error``: fl ||A - A_k||_F^2 (exact); ``error``, ``top``: fl ||A - X Y^T||_F^2 and
    ||A - X Y^T||_2 with their rounding bounds ``*_slack``; ``excess``: descent's error minus the tail by checkpoint;
    ``rate``: its fitted log-slope a step, ``window``: checkpoints fitted; ``imbalance``: ||X^T X - Y^T Y||_F."""

    spectrum: np.ndarray
    ranks: np.ndarray
    exact_error: np.ndarray
    error: np.ndarray
    error_slack: np.ndarray
    top: np.ndarray
    top_slack: np.ndarray
    excess: np.ndarray
    rate: np.ndarray
    window: np.ndarray
    imbalance: np.ndarray


def hadamard(size: int) -> np.ndarray:
    """The Sylvester-Hadamard matrix of ``size`` (a power of 2), divided by sqrt(size): orthogonal."""
    return scipy.linalg.hadamard(size, dtype=np.float64) / np.sqrt(size)


def exact_orthogonal(key: jax.Array, size: int) -> jax.Array:
    """D1 P1 H P2 D2: random signs D and permutations P around the normalised Hadamard matrix. For ``size`` a power
    of 4 its entries are +-2^-j, so it and products with dyadic numbers are exact in floating point."""
    k_rows, k_cols, k_left, k_right = jax.random.split(key, 4)
    H = jnp.asarray(hadamard(size))
    rows, cols = jax.random.permutation(k_rows, size), jax.random.permutation(k_cols, size)
    left = jax.random.rademacher(k_left, (size,), dtype=H.dtype)
    right = jax.random.rademacher(k_right, (size,), dtype=H.dtype)
    return left[:, None] * H[rows][:, cols] * right[None, :]


def _mm(a, b):
    return jnp.matmul(a, b, precision=HIGHEST)


def frobenius_error(A, X, Y, inner: int) -> tuple[jax.Array, jax.Array]:
    """fl ||A - X Y^T||_F^2 and its first-order rounding bound (module docstring); ``inner``: X's column count."""
    M = A - _mm(X, Y.T)
    error = jnp.sum(M * M)
    c = jnp.linalg.norm(_mm(jnp.abs(X), jnp.abs(Y).T))
    g = gamma64(inner) * c
    return error, gamma64(M.size + 2) * error + 2 * jnp.sqrt(error) * g + g * g


def orthogonality_loss(V) -> jax.Array:
    """||V^T V - I||_F plus its rounding bound gamma_(p+1) || |V|^T |V| ||_F, for p x k frames V (batched)."""
    p, k = V.shape[-2:]
    gram = _mm(jnp.swapaxes(V, -1, -2), V)
    absolute = _mm(jnp.swapaxes(jnp.abs(V), -1, -2), jnp.abs(V))
    return (jnp.linalg.norm(gram - jnp.eye(k), axis=(-2, -1))
            + gamma64(p + 1) * jnp.linalg.norm(absolute, axis=(-2, -1)))


def spectral_error(A, X, Y, inner: int) -> tuple[jax.Array, jax.Array]:
    """The computed ||A - X Y^T||_2 (top singular value of the rounded residual) and its first-order bound."""
    M = A - _mm(X, Y.T)
    left, values, right_t = jnp.linalg.svd(M, full_matrices=False)
    q = values.shape[0]
    eta = orthogonality_loss(left) + orthogonality_loss(right_t.T)
    residual = jnp.linalg.norm(M - _mm(left * values, right_t))
    rebuild = gamma64(q + 1) * jnp.linalg.norm(_mm(jnp.abs(left) * values, jnp.abs(right_t)))
    product = gamma64(inner) * jnp.linalg.norm(_mm(jnp.abs(X), jnp.abs(Y).T)) + U64 * jnp.linalg.norm(M)
    return values[0], 2 * values[0] * eta + residual + rebuild + product


def excess(U, V, S, X, Y, k) -> jax.Array:
    """||A - X Y^T||_F^2 - sum_(i>k) sigma_i^2 for A = U S V^T, computed in the singular bases without cancelling
    the tail: (S - B)^2 outside the trailing block, B^2 - 2 S B inside it (B = U^T X (V^T Y)^T)."""
    B = _mm(_mm(U.T, X), _mm(V.T, Y).T)
    trailing = (jnp.arange(S.shape[0]) >= k)[:, None] & (jnp.arange(S.shape[1]) >= k)[None, :]
    return jnp.sum(jnp.where(trailing, B * B - 2 * S * B, (S - B) ** 2))


def _gradient_descent(A, U, V, S, X, Y, k, steps, every, learning_rate):
    """optax sgd on 1/2 ||A - X Y^T||_F^2, ``steps`` steps; the excess at every ``every``-th step."""
    def loss(params):
        R = A - _mm(params[0], params[1].T)
        return 0.5 * jnp.sum(R * R)

    def chunk(params, _):
        params, _ = descend(loss, params, optax.sgd(learning_rate), steps=every)
        return params, excess(U, V, S, *params, k)

    return jax.lax.scan(chunk, (X, Y), None, length=steps // every)


def _one_matrix(key, spectrum, m, n, ranks, subspaces, perturbations, steps, every, learning_rate, init_scale):
    """All measurements for one exactly known matrix and every rank (vmapped over the ranks)."""
    q, K = min(m, n), max(ranks)
    k_u, k_v, k_rest = jax.random.split(key, 3)
    U, V = exact_orthogonal(k_u, m), exact_orthogonal(k_v, n)
    S = jnp.zeros((m, n)).at[jnp.arange(q), jnp.arange(q)].set(spectrum)
    A = _mm(_mm(U, S), V.T)  # exact: U S has entries +-sigma_i 2^-j, and the sums stay on a fine grid
    left, values, right_t = jnp.linalg.svd(A, full_matrices=False)

    def one_rank(k, rank_key):
        keep = (jnp.arange(K) < k).astype(A.dtype)
        kept = (jnp.arange(q) < k).astype(A.dtype)
        A_k = _mm(U[:, :q] * (spectrum * kept), V[:, :q].T)
        exact_error = jnp.sum((A - A_k) ** 2)
        k_gd, k_pert, k_sub = jax.random.split(rank_key, 3)
        x0 = init_scale * jax.random.normal(k_gd, (m, K)) * keep
        y0 = init_scale * jax.random.normal(jax.random.fold_in(k_gd, 1), (n, K)) * keep
        (x_gd, y_gd), trajectory = _gradient_descent(A, U, V, S, x0, y0, k, steps, every, learning_rate)
        factors = [(left[:, :K] * values[:K] * keep, right_t[:K].T * keep), (x_gd, y_gd)]
        for index, size in enumerate(perturbations):
            g = jax.random.normal(jax.random.fold_in(k_pert, index), (m + n, K)) * size
            factors.append(((U[:, :K] + g[:m]) * spectrum[:K] * keep, (V[:, :K] + g[m:]) * keep))
        frames = jnp.linalg.qr(jax.random.normal(k_sub, (subspaces, m, K)))[0] * keep
        Xs = jnp.concatenate([jnp.stack([f[0] for f in factors]), frames])
        Ys = jnp.concatenate([jnp.stack([f[1] for f in factors]), _mm(A.T[None], frames)])
        error, error_slack = jax.vmap(lambda X, Y: frobenius_error(A, X, Y, K))(Xs, Ys)
        top, top_slack = jax.vmap(lambda X, Y: spectral_error(A, X, Y, K))(Xs, Ys)
        imbalance = jnp.linalg.norm(_mm(x_gd.T, x_gd) - _mm(y_gd.T, y_gd))
        return exact_error, error, error_slack, top, top_slack, trajectory, imbalance

    keys = jax.random.split(k_rest, len(ranks))
    return jax.vmap(one_rank)(jnp.asarray(ranks), keys)


def _measure(keys, spectrum, **static):
    """:func:`_one_matrix` for each key, one program (run_fast: exact sums and rounding bounds hold in any order)."""
    return jax.vmap(lambda key: _one_matrix(key, spectrum, **static))(keys)


def fitted_rate(trajectory: np.ndarray, every: int, scale: float, window: tuple[float, float]) -> tuple[float, int]:
    """Slope of log(excess) per step over the checkpoints with excess/scale in ``window`` (NaN with fewer than 3)."""
    steps = every * np.arange(1, trajectory.size + 1)
    inside = (trajectory > window[0] * scale) & (trajectory < window[1] * scale)
    if inside.sum() < 3:
        return float("nan"), int(inside.sum())
    return float(np.polyfit(steps[inside], np.log(trajectory[inside]), 1)[0]), int(inside.sum())


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Exact matrices, their rank-k competitors and gradient descent; see the module docstring."""
    q = min(config.m, config.n)
    spectrum = dyadic_spectrum(config.decay, q)
    static = dict(m=config.m, n=config.n, ranks=tuple(config.ranks), subspaces=config.subspaces,
                  perturbations=tuple(config.perturbations), steps=config.steps, every=config.every,
                  learning_rate=config.learning_rate, init_scale=config.init_scale)
    keys = jax.random.split(fast_key(key), config.batch)
    exact_error, error, error_slack, top, top_slack, excess_, imbalance = (
        np.asarray(x) for x in run_fast(_measure, keys, jnp.asarray(spectrum), **static))
    fits = np.array([fitted_rate(run, config.every, float(np.sum(spectrum**2)), config.rate_window)
                     for run in excess_.reshape(-1, excess_.shape[-1])]).reshape(*excess_.shape[:2], 2)
    return Result(spectrum=spectrum, ranks=np.asarray(config.ranks), exact_error=exact_error, error=error,
                  error_slack=error_slack, top=top, top_slack=top_slack, excess=excess_, rate=fits[..., 0],
                  window=fits[..., 1].astype(int), imbalance=imbalance)


# ---------------------------------------------------------------------------------------------------------------
# Checks, for the theorem and for its wrong neighbours (the same measurements, other formulas)
# ---------------------------------------------------------------------------------------------------------------

def _at_ranks(formula, result: Result, last=statement.q, value=None) -> np.ndarray:
    """``formula`` in (sigma, k, ``last``) at each rank, ``last`` = q unless given (with its ``value``); sigma is
    indexed from 1 (index 0 is NaN, never read) and 0 past q."""
    f = sp.lambdify([statement.sigma, statement.k, last], formula, "numpy")
    padded = np.concatenate([[np.nan], result.spectrum, [0.0, 0.0]])
    value = result.spectrum.size if value is None else value
    return np.array([float(f(padded, int(k), value)) for k in result.ranks])


ATTAINING = 2  # competitors 0 (the computed truncated SVD) and 1 (gradient descent) attain the minimum
PARTS = ("construction", "optimal", "attained", "rate")


def judged(result: Result, config: Config, frobenius=statement.frobenius_tail(), spectral=statement.spectral_tail(),
           contraction=statement.excess_contraction(), parts: tuple[str, ...] = PARTS) -> list[Check]:
    """The checks with the given formulas for the minimal errors and the contraction (default: the theorem's)."""
    tail_f, tail_2 = _at_ranks(frobenius, result)[None, :, None], _at_ranks(spectral, result)[None, :, None]
    out = []
    if "construction" in parts:
        out.append(numeric(ID, "by construction (the definition of A_k, exact arithmetic): max |fl ||A - A_k||_F^2 "
                               "- tail| over matrices and ranks",
                           float(np.max(np.abs(result.exact_error - tail_f[..., 0]))), "==", 0.0))
    if "optimal" in parts:
        out += [numeric(ID, f"every rank-k competitor ({result.error.shape[-1]} a cell): min (||A - B||_F^2 + "
                            "rounding bound)/tail >= 1", float(np.min((result.error + result.error_slack) / tail_f)),
                        ">=", 1.0),
                numeric(ID, "every rank-k competitor: min (||A - B||_2 + rounding bound)/sigma_(k+1) >= 1",
                        float(np.min((result.top + result.top_slack) / tail_2)), ">=", 1.0)]
    if "attained" in parts:
        upper_f = (result.error - result.error_slack)[..., :ATTAINING] / tail_f
        upper_2 = (result.top - result.top_slack)[..., :ATTAINING] / tail_2
        out += [numeric(ID, "computed truncated SVD and gradient descent attain it: max (||A - B||_F^2 - rounding "
                            "bound)/tail <= 1", float(np.max(upper_f)), "<=", 1.0),
                numeric(ID, "computed truncated SVD and gradient descent attain it: max (||A - B||_2 - rounding "
                            "bound)/sigma_(k+1) <= 1", float(np.max(upper_2)), "<=", 1.0)]
    if "rate" in parts:
        ratio = result.rate / np.log(_at_ranks(contraction, result, statement.eta, config.learning_rate))[None, :]
        worst = ratio.flat[int(np.nanargmax(np.abs(ratio - 1)))] if np.isfinite(ratio).all() else float("nan")
        out.append(numeric(ID, f"gradient descent's excess shrinks by (1 - eta(sigma_k - sigma_(k+1)))^2 a step: "
                               f"worst fitted/predicted log-rate over {ratio.size} runs", worst, "in",
                           (1 - config.rate_tolerance, 1 + config.rate_tolerance)))
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """By construction (==, exact); optimality of every competitor (>= 1) and attainment by the computed SVD and
    gradient descent (<= 1), Frobenius and spectral, with rounding bounds; gradient descent's rate."""
    return judged(result, config)


S = statement
NEIGHBOURS = (
    Neighbour("error-sigma-k", "min ||A - B||_2 = sigma_k and min ||A - B||_F^2 = sum_(i>=k) sigma_i^2 (off by one)",
              lambda r, c: judged(r, c, S.frobenius_tail_from_k(), S.spectral_tail_from_k(),
                                  parts=("construction", "optimal"))),
    Neighbour("tail-without-squares", "min ||A - B||_F^2 = sum_(i>k) sigma_i (the tail without its squares)",
              lambda r, c: judged(r, c, S.frobenius_tail_unsquared(), parts=("construction", "optimal"))),
    Neighbour("error-sigma-k-plus-2", "min ||A - B||_2 = sigma_(k+2), min ||A - B||_F^2 = sum_(i>k+1) sigma_i^2 "
                                      "(a floor below the true one: true as a bound, claimed attained)",
              lambda r, c: judged(r, c, S.frobenius_tail_from_k_plus_2(), S.spectral_tail_from_k_plus_2(),
                                  parts=("construction", "optimal", "attained")), looser=True),
    Neighbour("rate-squared-gap", "gradient descent's excess shrinks by (1 - eta(sigma_k^2 - sigma_(k+1)^2))^2 a step "
                                  "(the gap of A A^T)",
              lambda r, c: judged(r, c, contraction=S.excess_contraction_squared_gap(), parts=("rate",))),
    Neighbour("rate-linearised", "gradient descent's excess shrinks by 1 - 2 eta(sigma_k - sigma_(k+1)) a step (the "
                                 "contraction's first order)",
              lambda r, c: judged(r, c, contraction=S.excess_contraction_linearised(), parts=("rate",))),
)
"""Wrong neighbours (formulas in :mod:`theorems.low_rank.eckart_young`)."""
