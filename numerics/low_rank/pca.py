r"""Experiment: the variance PCA keeps, and how far sample principal subspaces turn, against sample size and gap.

**yu2015.** Population covariances $\Sigma = Q\operatorname{diag}(\lambda)Q^\top$ with an exactly orthogonal $Q$
(:func:`numerics.low_rank.eckart_young.exact_orthogonal`) and, for each eigengap $\delta$ in ``gaps``, the spiked
spectrum $\lambda = (1^{(k)}, (1-\delta)^{(k)}, (1-\delta)\rho, (1-\delta)\rho^2, \dots)$ on a grid of $2^{-12}$
(:func:`spectrum`): every entry of $\Sigma$ and every captured variance $\operatorname{tr}(Q_k^\top \Sigma Q_k)$ is
computed without rounding, so the by-construction fraction $\sum_{i\le k}\lambda_i/\sum\lambda_i$ is checked with
``==`` (the definition of the eigenvectors, which also rejects the unsquared singular values).

**Sampling.** For each sample size $n$ and trial, $\hat\Sigma = \Sigma^{1/2}(W/n)\Sigma^{1/2}$ with $W$ Wishart$(n,
I_p)$ drawn by Bartlett's decomposition ($W = LL^\top$, $L_{ii}^2 \sim \chi^2_{n-i+1}$, $L_{ij} \sim \mathcal N(0,
1)$ below the diagonal): the sample covariance of $n$ Gaussian vectors with known mean, at a cost independent of
$n$. The same $W$ serves every gap. Measured: $\|\sin\Theta\|_F = \|Q_\perp^\top\hat V\|_F$ and
$\|\sin\Theta\|_{\mathrm{op}}$ (no cancellation: $Q_\perp$ is exact), $\|E\|_{\mathrm{op}}$, $\|E\|_F$, the captured
variance $\operatorname{tr}(\hat V^\top\Sigma\hat V)$ and its deficit $\sum_{i\le k}\lambda_i(1 - w_i) -
\sum_{j>k}\lambda_j w_j$ ($w = $ squared row norms of $Q^\top\hat V$), and the variance captured by ``frames``
random orthonormal $k$-frames.

**Checks.** Ky Fan: no subspace (sample PCA, random frames) captures more than $\sum_{i\le k}\lambda_i$, up to the
frame's loss of orthogonality $\eta = \|\hat V^\top\hat V - I\|_F$ ($\operatorname{tr}(\hat V^\top\Sigma\hat V) \le
(1 + \eta)\sum_{i\le k}\lambda_i$) and $\gamma_{2p}k\|\Sigma\|_F$ of rounding; the deficit is at least
$\delta\|\sin\Theta\|_F^2$. Davis–Kahan: every trial under both bounds (worst-case: the worst sample reaches
0.43–0.54 of the Frobenius bound and 0.59–0.74 of the operator one at seeds 0–2). Two sharp partners. The
**block swap** (:func:`theorems.low_rank.pca.prove_constant_two_is_sharp`) with $\varepsilon = $ ``swap_fraction``
$\cdot\,\delta$ attains $\delta/(\delta + 2\varepsilon)$ of both bounds, within the eigenvectors' residual bound
(Davis–Kahan for the computed eigenpairs: residual over the separation $2\varepsilon$): a bound $10\times$ too loose,
or with $k$ for $\sqrt k$, is seen. The **first-order prediction**: at every $(\delta, n)$ with $n\delta^2 \ge$
``perturbative``, $z = (n\,\overline{\|\sin\Theta\|_F^2} - c_\infty)/\mathrm{se}$ with $c_\infty = \sum_{i\le k<j}
\lambda_i\lambda_j/(\lambda_i - \lambda_j)^2$, $|z| \le$ ``z`` $= 6$. The relative bias of first-order theory was
measured at about $3/(n\delta^2)$ (2000 trials a cell, $p = 16$, $k = 2$): at $n\delta^2 \ge 256$ it is below 1.2%,
under half a standard error at 400 trials. $\|\sin\Theta\|_F^2$ is a weighted sum of $k(p-k)$ squared near-Gaussian
entries, so the mean of $T \ge 100$ trials has skewness below 0.15 and $|z| > 6$ has probability below $10^{-8}$ a
cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from numerics.compiling import run_fast
from numerics.low_rank.eckart_young import (HIGHEST, check_matrix, exact_orthogonal, gamma64,
                                            orthogonality_loss, require_size)
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.validation import (is_finite_number, is_integer, require_counts, require_fields,
                                  require_positive, require_z)
from theorems.core import Check, numeric
from theorems.low_rank import pca as statement

ID = statement.ID
GRID_BITS = 12
MAX_SAMPLE_SIZE = 2**24
"""Largest sample size: the angles there are about 1e-3; the bound keeps a mistyped size from running silently."""


def spectrum(dim: int, rank: int, gap: float, decay: float) -> np.ndarray:
    """(1 x rank, (1 - gap) x rank, (1 - gap) decay^j ...) on a grid of 2^-12 (exact in float64)."""
    bulk = (1 - gap) * decay ** np.arange(1, dim - 2 * rank + 1)
    values = np.concatenate([np.ones(rank), np.full(rank, 1 - gap), bulk])
    return np.round(values * 2.0**GRID_BITS) / 2.0**GRID_BITS


def check_covariance(S, name: str = "S") -> np.ndarray:
    """``S`` as a symmetric finite float64 matrix; ValueError naming a non-finite entry or the asymmetry."""
    S = check_matrix(S, name)
    if S.shape[0] != S.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {S.shape}")
    if not np.array_equal(S, S.T):
        raise ValueError(f"{name} must be symmetric, max |S - S^T| = {float(np.max(np.abs(S - S.T)))!r}")
    return S


@uses_float64
def principal_subspace(S, k: int) -> np.ndarray:
    """The top-k eigenvectors (p x k, orthonormal columns) of a finite symmetric matrix S: the subspace that
    captures the most variance (Ky Fan). ValueError naming a non-finite entry of S, or a k outside 1..p."""
    S = check_covariance(S)
    if not is_integer(k) or not 1 <= k <= S.shape[0]:
        raise ValueError(f"k must be an integer in 1..p = {S.shape[0]}, got {k!r}")
    return np.asarray(jnp.linalg.eigh(jnp.asarray(S))[1][:, ::-1][:, :k])


@dataclass(frozen=True)
class Config:
    """Dimension (a power of 4), principal rank, eigengaps, bulk decay, sample sizes, trials a cell, random frames,
    the swap's eps/gap, the z bound and the least n gap^2 at which the first-order prediction is checked."""

    dim: int = 16
    rank: int = 2
    gaps: tuple[float, ...] = (0.125, 0.25, 0.5)
    decay: float = 0.75
    sample_sizes: tuple[int, ...] = (16, 64, 256, 1024, 4096, 16384)
    trials: int = 400
    frames: int = 32
    swap_fraction: float = 1 / 64
    z: float = 6.0
    perturbative: float = 256.0

    def __post_init__(self):
        require_fields(self)
        require_size(self, "dim")
        require_counts(self, "rank", "trials", "frames")
        if 2 * self.rank > self.dim:
            raise ValueError(f"rank must be at most dim/2 = {self.dim // 2} (the swap needs the next {self.rank} "
                             f"eigenvalues), got {self.rank!r}")
        if not self.gaps or not all(is_finite_number(g) and 0 < g < 1 for g in self.gaps):
            raise ValueError(f"gaps must be numbers in (0, 1), got {self.gaps!r}")
        if not 0 < self.decay < 1:
            raise ValueError(f"decay must be in (0, 1), got {self.decay!r}")
        for gap in self.gaps:
            values = spectrum(self.dim, self.rank, gap, self.decay)
            if values[-1] <= 0 or np.any(np.diff(values[2 * self.rank - 1:]) >= 0):
                raise ValueError(f"gaps: gap {gap!r} with decay {self.decay!r} gives eigenvalues that are not distinct "
                                 f"and positive on a grid of 2^-{GRID_BITS}: {values.tolist()}")
        if not self.sample_sizes or not all(self.dim <= s <= MAX_SAMPLE_SIZE for s in self.sample_sizes):
            raise ValueError(f"sample_sizes must be in dim..2^24 = {self.dim}..{MAX_SAMPLE_SIZE} (Bartlett's "
                             f"decomposition needs n >= dim), got {self.sample_sizes!r}")
        if self.trials < 100:
            raise ValueError(f"trials must be >= 100 (the z bound's normal approximation), got {self.trials!r}")
        if not 0 < self.swap_fraction < 0.5:
            raise ValueError(f"swap_fraction must be in (0, 1/2) (eps < gap/2), got {self.swap_fraction!r}")
        require_z(self)
        require_positive(self, "perturbative")
        if not any(s * g * g >= self.perturbative for s in self.sample_sizes for g in self.gaps):
            raise ValueError(f"perturbative = {self.perturbative!r}: no (gap, n) in gaps x sample_sizes has n gap^2 "
                             "that large, so the first-order prediction would check nothing")
        require_memory(self, ("dim", "gaps", "sample_sizes", "trials", "frames"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64): per (gap, n, trial) the sample covariance, its eigenvectors, E and two
        products (about 6 p^2); the Bartlett factors (n_sizes, trials, p^2); the frames (gaps, frames, p k, twice)."""
        cells = len(self.gaps) * len(self.sample_sizes) * self.trials
        return (array_bytes(cells, 6 * self.dim**2) + array_bytes(len(self.sample_sizes), self.trials, self.dim**2)
                + array_bytes(len(self.gaps), self.frames, 2 * self.dim * self.rank))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: two gaps, three sample sizes, 100 trials a cell."""
        return cls(gaps=(0.25, 0.5), sample_sizes=(64, 1024, 4096), trials=100, frames=8)


@dataclass(frozen=True)
class Result:
    """Per gap: ``eigenvalues`` [gap, p]; ``captured_population`` and ``total`` (exact); the swap's
    ``swap_sin_F``, ``swap_sin_op``, ``swap_E_op``, ``swap_E_F`` and ``swap_slack`` (the residual bound on its sines);
    ``frame_captured`` and ``frame_eta`` [gap, frame]. Per [gap, n, trial]: ``sin_F``, ``sin_op``, ``E_op``, ``E_F``,
    ``captured``, ``deficit``, ``eta`` (loss of orthogonality of the sample eigenvectors)."""

    gaps: np.ndarray
    sample_sizes: np.ndarray
    eigenvalues: np.ndarray
    captured_population: np.ndarray
    total: np.ndarray
    swap_sin_F: np.ndarray
    swap_sin_op: np.ndarray
    swap_E_op: np.ndarray
    swap_E_F: np.ndarray
    swap_slack: np.ndarray
    frame_captured: np.ndarray
    frame_eta: np.ndarray
    sin_F: np.ndarray
    sin_op: np.ndarray
    E_op: np.ndarray
    E_F: np.ndarray
    captured: np.ndarray
    deficit: np.ndarray
    eta: np.ndarray


def _mm(a, b):
    return jnp.matmul(a, b, precision=HIGHEST)


def bartlett(key: jax.Array, sizes, trials: int, dim: int) -> jax.Array:
    """Wishart(n, I_dim) matrices L L^T, ``trials`` for each n in ``sizes`` ([n, trial, dim, dim]): L lower
    triangular with L_ii^2 ~ chi^2_(n-i+1) and L_ij ~ N(0, 1) for i > j (Bartlett's decomposition)."""
    k_chi, k_normal = jax.random.split(key)
    df = sizes[:, None, None] - jnp.arange(dim, dtype=jnp.float64)[None, None, :]
    chi = jax.random.chisquare(k_chi, jnp.broadcast_to(df, (sizes.shape[0], trials, dim)))
    L = jnp.tril(jax.random.normal(k_normal, (sizes.shape[0], trials, dim, dim)), -1) + jnp.sqrt(chi)[..., None] \
        * jnp.eye(dim)
    return _mm(L, jnp.swapaxes(L, -1, -2))


def _one_gap(key, Q, values, W, sizes, rank, frames, swap_fraction):
    """Everything measured at one gap: population, swap, frames, and every (n, trial) sample. The swap and the
    samples go through one eigendecomposition call each (one program call site each: compile time)."""
    dim = values.shape[0]
    Sigma = _mm(Q * values, Q.T)
    root = _mm(Q * jnp.sqrt(values), Q.T)
    kept = jnp.arange(dim) < rank
    captured_population = jnp.trace(_mm(_mm(Q[:, :rank].T, Sigma), Q[:, :rank]))
    total = jnp.trace(Sigma)
    gap = values[rank - 1] - values[rank]
    eps = swap_fraction * gap
    signs = jnp.where(kept, -1.0, jnp.where(jnp.arange(dim) < 2 * rank, 1.0, 0.0))
    swapped = Sigma + _mm(Q * ((gap / 2 + eps) * signs), Q.T)
    samples = _mm(_mm(root, W / sizes[:, None, None, None]), root).reshape(-1, dim, dim)
    matrices = jnp.concatenate([swapped[None], samples])  # [swap, (n, trial)...]
    lam_hat, vectors = jnp.linalg.eigh(matrices)
    V_hat, lam_top = vectors[..., ::-1][..., :rank], lam_hat[..., ::-1][..., :rank]
    C = _mm(Q.T[None], V_hat)
    outside = C[:, rank:]
    sin_F = jnp.linalg.norm(outside, axis=(-2, -1))
    sin_op = jnp.sqrt(jnp.max(jnp.linalg.eigvalsh(_mm(jnp.swapaxes(outside, -1, -2), outside)), axis=-1))
    E = matrices - Sigma
    E_op = jnp.max(jnp.abs(jnp.linalg.eigvalsh(E)), axis=-1)
    E_F = jnp.linalg.norm(E, axis=(-2, -1))
    w = jnp.sum(C * C, axis=-1)
    deficit = jnp.sum(jnp.where(kept, values * (1 - w), -values * w), axis=-1)
    captured = jnp.trace(_mm(_mm(jnp.swapaxes(V_hat, -1, -2), Sigma[None]), V_hat), axis1=-2, axis2=-1)
    eta = orthogonality_loss(V_hat)
    residual = jnp.linalg.norm(_mm(swapped, V_hat[0]) - V_hat[0] * lam_top[0])
    swap_slack = (residual + 2 * jnp.linalg.norm(swapped) * eta[0]) / (2 * eps)
    F = jnp.linalg.qr(jax.random.normal(key, (frames, dim, rank)))[0]
    frame_captured = jnp.trace(_mm(_mm(jnp.swapaxes(F, 1, 2), Sigma[None]), F), axis1=1, axis2=2)
    cells = W.shape[:2]
    per_sample = tuple(x[1:].reshape(cells) for x in (sin_F, sin_op, E_op, E_F, captured, deficit, eta))
    return (captured_population, total, sin_F[0], sin_op[0], E_op[0], E_F[0], swap_slack, frame_captured,
            orthogonality_loss(F), *per_sample)


def _measure(key, eigenvalues, sizes, *, dim, rank, trials, frames, swap_fraction):
    """One program: the exact Q, the Wishart draws (shared by the gaps), and :func:`_one_gap` for each gap."""
    k_q, k_w, k_frames = jax.random.split(key, 3)
    Q = exact_orthogonal(k_q, dim)
    W = bartlett(k_w, sizes, trials, dim)
    gap_keys = jax.random.split(k_frames, eigenvalues.shape[0])
    return jax.vmap(lambda k, values: _one_gap(k, Q, values, W, sizes, rank, frames, swap_fraction))(
        gap_keys, eigenvalues)


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Population, swap, random frames and sampled principal subspaces at every (gap, n); module docstring."""
    eigenvalues = np.stack([spectrum(config.dim, config.rank, g, config.decay) for g in config.gaps])
    sizes = np.asarray(config.sample_sizes, dtype=np.float64)
    out = run_fast(_measure, fast_key(key), jnp.asarray(eigenvalues), jnp.asarray(sizes), dim=config.dim,
                   rank=config.rank, trials=config.trials, frames=config.frames,
                   swap_fraction=float(config.swap_fraction))
    names = ("captured_population", "total", "swap_sin_F", "swap_sin_op", "swap_E_op", "swap_E_F", "swap_slack",
             "frame_captured", "frame_eta", "sin_F", "sin_op", "E_op", "E_F", "captured", "deficit", "eta")
    return Result(gaps=eigenvalues[:, config.rank - 1] - eigenvalues[:, config.rank],
                  sample_sizes=np.asarray(config.sample_sizes), eigenvalues=eigenvalues,
                  **{name: np.asarray(value) for name, value in zip(names, out)})


# ---------------------------------------------------------------------------------------------------------------
# Checks, for the theorem and for its wrong neighbours (the same measurements, other formulas)
# ---------------------------------------------------------------------------------------------------------------

S = statement


def _fraction(formula, eigenvalues: np.ndarray, rank: int) -> float:
    """``formula`` in (lambda, k, p), lambda indexed from 1 (index 0 is NaN and never read)."""
    f = sp.lambdify([S.lam, S.k, S.p], formula, "numpy")
    return float(f(np.concatenate([[np.nan], eigenvalues]), rank, eigenvalues.size))


def first_order_constant(term, eigenvalues: np.ndarray, rank: int) -> float:
    """sum over i <= k < j of ``term``(lambda_i, lambda_j)."""
    f = sp.lambdify([S.lam_i, S.lam_j], term, "numpy")
    return float(np.sum(f(eigenvalues[:rank, None], eigenvalues[None, rank:])))


def first_order_z(result: Result, config: Config, term=None) -> np.ndarray:
    """z of n mean ||sin Theta||_F^2 against sum_(i<=k<j) term(lambda_i, lambda_j) at each (gap, n) with
    n gap^2 >= ``perturbative`` (NaN elsewhere)."""
    term = S.first_order_term() if term is None else term
    n = result.sample_sizes.astype(np.float64)[None, :]
    squares = result.sin_F**2
    mean, se = n * squares.mean(axis=2), n * squares.std(axis=2, ddof=1) / np.sqrt(squares.shape[2])
    constant = np.array([first_order_constant(term, values, config.rank) for values in result.eigenvalues])
    z = (mean - constant[:, None]) / se
    return np.where(n * result.gaps[:, None] ** 2 >= config.perturbative, z, np.nan)


PARTS = ("construction", "ky fan", "bounds", "attained", "first order")


def judged(result: Result, config: Config, fraction=None, frobenius=None, operator=None, term=None,
           parts: tuple[str, ...] = PARTS) -> list[Check]:
    """The checks with the given formulas (default: the theorem's) for the captured fraction, the two bounds (as
    functions of E_op, E_F, gap, k) and the first-order term."""
    fraction = S.captured_fraction() if fraction is None else fraction
    frobenius = S.frobenius_bound() if frobenius is None else frobenius
    operator = S.operator_bound() if operator is None else operator
    k, p = config.rank, config.dim
    gaps = result.gaps[:, None, None]
    out = []
    if "construction" in parts:
        want = np.array([_fraction(fraction, values, k) for values in result.eigenvalues])
        got = result.captured_population / result.total
        out.append(numeric(ID, "by construction (exact arithmetic): captured fraction of the top-k eigenvectors "
                               "= sum_(i<=k) lambda_i / sum lambda_i, max |difference| over gaps",
                           float(np.max(np.abs(got - want))), "==", 0.0))
    if "ky fan" in parts:
        kept = result.eigenvalues[:, :k].sum(axis=1)
        norm = np.linalg.norm(result.eigenvalues, axis=1)

        def allowed(eta):  # (1 + eta) sum_(i<=k) lambda_i + gamma_(2p) ||Sigma||_F k (1 + eta)
            shape = (-1,) + (1,) * (eta.ndim - 1)
            return (1 + eta) * (kept.reshape(shape) + gamma64(2 * p) * k * norm.reshape(shape))

        ratio = max(float(np.max(result.captured / allowed(result.eta))),
                    float(np.max(result.frame_captured / allowed(result.frame_eta))))
        slack = (k * result.eta + gamma64(2 * p + 2) * 2 * k) * result.eigenvalues[:, :1, None]
        deficit = (result.deficit + slack) / (gaps * result.sin_F**2)
        out += [numeric(ID, f"Ky Fan: no k-frame (sample PCA and {config.frames} random frames a gap) captures more "
                            "than sum_(i<=k) lambda_i: max captured/(bound + rounding)", ratio, "<=", 1.0),
                numeric(ID, "Ky Fan's deficit: min (sum_(i<=k) lambda_i - tr(V^T Sigma V) + rounding)/(gap "
                            "||sin Theta||_F^2) >= 1", float(np.min(deficit)), ">=", 1.0)]
    if "bounds" in parts or "attained" in parts:
        fro = sp.lambdify([S.E_op, S.E_F, S.gap, S.k], frobenius, "numpy")
        op = sp.lambdify([S.E_op, S.gap, S.k], operator, "numpy")
        gap1 = result.gaps
        swap_fro = result.swap_sin_F / fro(result.swap_E_op, result.swap_E_F, gap1, k)
        swap_op = result.swap_sin_op / op(result.swap_E_op, gap1, k)
    if "bounds" in parts:
        sample_fro = result.sin_F / fro(result.E_op, result.E_F, gaps, k)
        sample_op = result.sin_op / op(result.E_op, gaps, k)
        out += [numeric(ID, "Davis-Kahan (Yu-Wang-Samworth): max ||sin Theta||_F / (2 min(sqrt k ||E||_op, ||E||_F)"
                            f"/gap) over {result.sin_F.size} samples", float(np.max(sample_fro)), "<=", 1.0),
                numeric(ID, "Davis-Kahan, operator norm: max ||sin Theta||_op / (2 ||E||_op/gap) over the samples",
                        float(np.max(sample_op)), "<=", 1.0)]
    if "attained" in parts:
        ratio = sp.lambdify([S.gap, S.eps], S.swap_ratio(), "numpy")(result.gaps, config.swap_fraction * result.gaps)
        relative = result.swap_slack / result.swap_sin_op
        out += [numeric(ID, "the block swap obeys both bounds: max over gaps and norms of ||sin Theta||/bound",
                        float(max(np.max(swap_fro), np.max(swap_op))), "<=", 1.0),
                numeric(ID, "the constant 2 is attained: the block swap's ||sin Theta||_F/bound, plus its residual "
                            "bound, over gap/(gap + 2 eps), min over gaps >= 1",
                        float(np.min(swap_fro * (1 + relative) / ratio)), ">=", 1.0),
                numeric(ID, "the constant 2 is attained, operator norm: min (ratio + residual bound)/(gap/(gap + "
                            "2 eps)) >= 1", float(np.min(swap_op * (1 + relative) / ratio)), ">=", 1.0)]
    if "first order" in parts:
        z = first_order_z(result, config, term)
        out.append(numeric(ID, f"first order: n E||sin Theta||_F^2 = sum_(i<=k<j) lambda_i lambda_j/(lambda_i - "
                               f"lambda_j)^2 at n gap^2 >= {config.perturbative:g}: max |z| over "
                               f"{int(np.isfinite(z).sum())} cells", float(np.nanmax(np.abs(z))), "<=", config.z))
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """By construction (==, exact); Ky Fan's maximum and deficit; both Davis-Kahan bounds over every sample; the
    swap attaining them (sharp); the first-order prediction (|z| <= 6, sharp)."""
    return judged(result, config)


NEIGHBOURS = (
    Neighbour("fraction-unsquared-singular-values", "the top-k subspace captures sum_(i<=k) sigma_i / sum sigma_i of "
                                                    "the variance (singular values of the data, not squared)",
              lambda result, config: judged(result, config, fraction=S.fraction_from_unsquared_singular_values(),
                                            parts=("construction",))),
    Neighbour("bound-without-two", "||sin Theta||_F <= min(sqrt k ||E||_op, ||E||_F)/gap and ||sin Theta||_op <= "
                                   "||E||_op/gap (the factor 2 dropped)",
              lambda result, config: judged(result, config, frobenius=S.frobenius_bound_without_two(),
                                            operator=S.operator_bound() / 2, parts=("bounds", "attained"))),
    Neighbour("bound-without-gap", "||sin Theta||_F <= 2 min(sqrt k ||E||_op, ||E||_F) and ||sin Theta||_op <= "
                                   "2 ||E||_op (the gap dropped)",
              lambda result, config: judged(result, config, frobenius=S.frobenius_bound_without_gap(),
                                            operator=S.operator_bound() * S.gap, parts=("bounds", "attained"))),
    Neighbour("bound-k-for-sqrt-k", "||sin Theta||_F <= 2 min(k ||E||_op, ||E||_F)/gap, attained (k for sqrt k: "
                                    "a true bound, never attained for k >= 2)",
              lambda result, config: judged(result, config, frobenius=S.frobenius_bound_with_k(),
                                            parts=("bounds", "attained")), looser=True),
    Neighbour("first-order-without-eigenvalues", "n E||sin Theta||_F^2 -> sum_(i<=k<j) 1/(lambda_i - lambda_j)^2 "
                                                 "(the numerator lambda_i lambda_j lost)",
              lambda result, config: judged(result, config, term=S.first_order_term_without_eigenvalues(),
                                            parts=("first order",))),
)
"""Wrong neighbours (formulas in :mod:`theorems.low_rank.pca`)."""
