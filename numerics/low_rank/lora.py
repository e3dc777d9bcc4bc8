r"""Experiment: LoRA on a frozen random linear layer, and its factor gradients in floating point.

**Recovery.** A frozen random $W_0 \in \mathbb{R}^{m\times n}$ (entries $\mathcal N(0, 1/n)$) and a planted update
$\Delta^\star = U \operatorname{diag}(\sigma^\star) V^\top$ of rank $k$ (random orthonormal $U, V$, the configured
singular values) define targets $Y = (W_0 + \Delta^\star) X$ on whitened inputs ($X = \sqrt N Q$, $Q$ with
orthonormal rows, so $XX^\top = NI$ and the loss $\tfrac1{2N}\|(W_0 + sBA)X - Y\|_F^2$ is $\tfrac12\|sBA -
\Delta^\star\|_F^2$). For each rank $r$ of ``ranks`` the factors start at $B = 0$, $A \sim \mathcal N(0, 1/n)$,
$s = \alpha/r$, and are trained with Adam (optax, cosine-decayed step) in float32; all ranks run in one vmapped
program (factors of the largest rank, the columns of $B$ and rows of $A$ beyond $r$ masked out: their gradient is
zero, so Adam never moves them). Measured in float64 from the trained factors: $E_r = \|sBA - \Delta^\star\|_F^2$,
the singular values of $sBA$, and the Eckart–Young floor $T_r = \sum_{i>r}\sigma_i^{\star2}$ (lambdified from
:func:`theorems.low_rank.lora.tail`).

Checks: for $r < k$, $E_r / T_r \in [(\sqrt{T_r} - \delta_r)_+^2/T_r,\; 1 + \varepsilon\|\Delta^\star\|_F^2/T_r]$ —
the lower end is Eckart–Young (no rank-$r$ matrix does better; $\delta_r = \gamma_{r+1}\|s|B||A|\|_F +
\gamma_{k+1}\|\,|U|\operatorname{diag}\sigma^\star|V|^\top\|_F$ covers the float64 rounding of $sBA$ and of
$\Delta^\star$, Weyl's inequality moving singular values by at most the perturbation's norm), the upper end the
claim that fine-tuning reaches the floor to the target accuracy $\varepsilon$ (``target``); two-sided, so an error
ten times the floor fails. For $r \ge k$: $E_r \le \varepsilon\|\Delta^\star\|_F^2$ and the recovered singular
values within $\sqrt{\varepsilon}\,\|\Delta^\star\|_F$ of the planted ones (Weyl: $|\hat\sigma_i - \sigma_i| \le
\|sBA - \Delta^\star\|_2 \le \sqrt{E_r}$). The trainable count of the rank-$r$ factors (their shapes, by
``jax.eval_shape``) equals $r(m+n)$ exactly, the full layer's $mn$. B = 0 keeps the function: the initial output
equals $W_0X$ exactly (0 difference).

**Gradients.** At ``gradient_draws`` independent draws of square $W_0, B, A, X, Y$ (size ``gradient_size``, rank
$k$, ``gradient_batch`` columns, Gaussian), in float32 and float64: ``jax.grad`` of the loss in $(B, A)$ against
the projected full gradient evaluated in another association, $sR(AX)^\top/N$ and $s(B^\top R)X^\top/N$ with $R =
(W_0 + sBA)X - Y$ (mathematically $sGA^\top$ and $sB^\top G$, $G = RX^\top/N$). Each side is a tree of at most
$K = 2r + 2d + N + 4$ roundings on every path from the inputs, so each is within $\gamma_K M$ of the exact value,
$M$ the same expression in absolute values ($|R| \to (|W_0| + s|B||A|)|X| + |Y|$; Higham 2002, §3.5), and they
differ by at most $2\gamma_K M$ entrywise: worst-case checks. Sharp partner: the normalised differences $e =
\max_{ij}|\text{grad} - \text{projected}|/(uM)$, float32 against float64 in
:func:`numerics.rounding_model.format_ratio_check` (the model's ratio 1 within a factor 2, $z = 4$).

Wrong neighbours: :data:`NEIGHBOURS` (stated in :mod:`theorems.low_rank.lora`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import jax
import jax.numpy as jnp
import numpy as np
import optax
import sympy as sp

from numerics.bridge import to_jax
from numerics.compiling import run_fast
from numerics.measure import unit_roundoff
from numerics.neighbours import Neighbour, scaled
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import FLOAT32, FLOAT64, array_bytes, require_memory
from numerics.rounding_model import MIN_SAMPLES, format_ratio_check
from numerics.training import check_training, descend
from numerics.validation import require_counts, require_fields, require_positive
from theorems.core import Check, numeric
from theorems.low_rank import lora as statement
from theorems.rounding import gamma

ID = statement.ID
HIGHEST = jax.lax.Precision.HIGHEST
FORMATS = ("float32", "float64")

_trainable = to_jax([statement.m, statement.n, statement.r], statement.trainable_parameters())
_full = to_jax([statement.m, statement.n], statement.full_parameters())
_wrong = to_jax([statement.m, statement.n, statement.r], statement.wrong_parameters())
_sigma, _rank, _count = sp.IndexedBase("sigma"), *sp.symbols("r k", integer=True)
_tail = to_jax([_sigma, _rank, _count], statement.tail(_sigma, _rank, _count))


@dataclass(frozen=True)
class Config:
    """Layer m x n, planted singular values (decreasing, k = their count >= 2), ranks swept (each in 1..min(m, n),
    k - 1 and k among them), scale alpha (s = alpha / r), Adam steps and step size, inputs N >= n, target accuracy
    epsilon in (0, 1); the gradient's square size d >= k, its columns, its independent draws (>= 16)."""

    m: int = 32
    n: int = 24
    planted: tuple[float, ...] = (4.0, 3.0, 2.0, 1.0)
    ranks: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    alpha: float = 8.0
    steps: int = 1500
    learning_rate: float = 0.03
    samples: int = 48
    target: float = 1e-4
    gradient_size: int = 16
    gradient_batch: int = 32
    gradient_draws: int = 32

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "m", "n", "steps", "samples", "gradient_size", "gradient_batch", "gradient_draws")
        require_positive(self, "alpha", "learning_rate", "target")
        if not self.planted or any(not (v > 0) for v in self.planted) or len(self.planted) < 2 or any(
                a <= b for a, b in zip(self.planted, self.planted[1:])):
            raise ValueError(f"planted must be at least two finite singular values > 0, strictly decreasing, got "
                             f"{self.planted!r}")
        top = min(self.m, self.n)
        for rank in self.ranks:
            if not 1 <= rank <= top:
                raise ValueError(f"ranks must be integers in 1..min(m, n) = {top}, got {rank!r} in {self.ranks!r}")
        k = len(self.planted)
        if k > top:
            raise ValueError(f"planted has {k} values, more than min(m, n) = {top}")
        if not {k - 1, k} <= set(self.ranks):
            raise ValueError(f"ranks must contain k - 1 = {k - 1} and k = {k} (k = len(planted)), got {self.ranks!r}")
        for name, ok, allowed in (("target", self.target < 1, "in (0, 1)"), ("samples", self.samples >= self.n,
                                  f">= n = {self.n}"), ("gradient_size", self.gradient_size >= k, f">= k = {k}")):
            if not ok:
                raise ValueError(f"{name} must be {allowed}, got {getattr(self, name)!r}")
        if self.gradient_draws < MIN_SAMPLES:
            raise ValueError(f"gradient_draws must be >= {MIN_SAMPLES} (the model's normal law), got "
                             f"{self.gradient_draws!r}")
        if self.alpha == k:
            raise ValueError(f"alpha must differ from k = {k}: s = alpha / k = 1 would hide the scale")
        require_memory(self, ("m", "n", "ranks", "steps", "samples", "gradient_size", "gradient_batch",
                              "gradient_draws"))

    def peak_bytes(self) -> int:
        """Recovery (float32): per rank losses, factors, Adam's moments; W_0, Delta, X, Y, Q. Gradients (float64,
        two formats): per draw about 12 d max(d, N) numbers (inputs, R, gradients, references, bounds)."""
        rmax, d = max(self.ranks), self.gradient_size
        recovery = array_bytes(len(self.ranks), self.steps + 3 * (self.m + self.n) * rmax, itemsize=FLOAT32)
        recovery += array_bytes(3 * self.m * self.n + 2 * self.m * self.samples + 2 * self.n * self.samples,
                                itemsize=FLOAT32)
        gradients = 2 * array_bytes(self.gradient_draws, 12 * d * max(d, self.gradient_batch), itemsize=FLOAT64)
        return recovery + gradients

    @property
    def k(self) -> int:
        return len(self.planted)

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: 12 x 10, rank-3 update, ranks 1..4, 600 steps; gradients at 8 x 8, 16 draws."""
        return cls(m=12, n=10, planted=(3.0, 2.0, 1.0), ranks=(1, 2, 3, 4), alpha=4.0, steps=600,
                   learning_rate=0.05, samples=16, target=1e-4, gradient_size=8, gradient_batch=16,
                   gradient_draws=16)


@dataclass(frozen=True)
class Result:
    """Recovery per rank: ``error`` E_r, ``floor`` T_r, ``rounding`` delta_r, ``singular`` (rank, r_max) of s B A,
    ``losses`` (rank, steps), ``trainable`` and ``full`` counts; ``planted_norm`` ||Delta||_F^2; ``initial_move``
    max |f_init(X) - W_0 X| for B = 0 and ``random_move`` for B random (relative to max |W_0 X|). Gradients per
    format [float32, float64], factor [B, A], draw: ``ratio`` max |grad - projected| / (2 gamma_K M), ``model_error``
    max |grad - projected| / (u M), and the neighbours' ratios ``transposed_ratio`` (s G^T A^T) and
    ``unscaled_ratio`` (G A^T), B only."""

    ranks: np.ndarray
    error: np.ndarray
    floor: np.ndarray
    rounding: np.ndarray
    singular: np.ndarray
    losses: np.ndarray
    trainable: np.ndarray
    full: np.ndarray
    planted: np.ndarray
    planted_norm: np.ndarray
    initial_move: np.ndarray
    random_move: np.ndarray
    ratio: np.ndarray
    model_error: np.ndarray
    transposed_ratio: np.ndarray
    unscaled_ratio: np.ndarray


def lora_factors(key: jax.Array, m: int, n: int, rank: int, dtype=jnp.float32) -> dict[str, jax.Array]:
    """The trainable factors at initialisation: B = 0 (m x rank), A ~ N(0, 1/n) (rank x n)."""
    return {"B": jnp.zeros((m, rank), dtype), "A": jax.random.normal(key, (rank, n), dtype) / math.sqrt(n)}


def adapted(W0: jax.Array, B: jax.Array, A: jax.Array, scale) -> jax.Array:
    """W_0 + s B A."""
    return W0 + scale * jnp.matmul(B, A, precision=HIGHEST)


def merged_weight(W0, B, A, scale: float) -> np.ndarray:
    """W_0 + s B A for concrete arrays, refusing shapes that do not fit (B: m x r, A: r x n, 1 <= r <= min(m, n))
    and non-finite entries, by name and value."""
    W0, B, A = (np.asarray(x) for x in (W0, B, A))
    m, n = W0.shape
    rank = B.shape[1] if B.ndim == 2 else -1
    if B.shape != (m, rank) or A.shape != (rank, n) or not 1 <= rank <= min(m, n):
        raise ValueError(f"rank r = {rank} of B {B.shape} and A {A.shape} must fit W_0 {W0.shape} with 1 <= r <= "
                         f"min(m, n) = {min(m, n)}")
    for name, x in (("W0", W0), ("B", B), ("A", A), ("scale", np.asarray(scale))):
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} must be finite, got {float(x.ravel()[~np.isfinite(x.ravel())][0])!r}")
    return W0 + scale * B @ A


def _recovery(key, m, n, planted, ranks, alpha, steps, learning_rate, samples):
    keys = jax.random.split(key, 6)
    k, rmax = len(planted), max(ranks)
    W0 = jax.random.normal(keys[0], (m, n), jnp.float32) / math.sqrt(n)
    U, V = (jnp.linalg.qr(jax.random.normal(kk, (rows, k), jnp.float32))[0] for kk, rows in zip(keys[1:3], (m, n)))
    delta = (U * jnp.asarray(planted, jnp.float32)) @ V.T
    X = math.sqrt(samples) * jnp.linalg.qr(jax.random.normal(keys[3], (samples, n), jnp.float32))[0].T
    Y = jnp.matmul(W0 + delta, X, precision=HIGHEST)
    schedule = optax.cosine_decay_schedule(learning_rate, steps, alpha=1e-3)

    def train(rank):
        mask = (jnp.arange(rmax) < rank).astype(jnp.float32)
        scale = alpha / rank.astype(jnp.float32)
        init = lora_factors(keys[4], m, n, rmax)

        def loss(p):
            out = jnp.matmul(adapted(W0, p["B"] * mask, mask[:, None] * p["A"], scale), X, precision=HIGHEST)
            return 0.5 * jnp.sum((out - Y) ** 2) / samples

        params, losses = descend(loss, init, optax.adam(schedule), steps=steps)
        first = jnp.matmul(adapted(W0, init["B"], init["A"], scale), X, precision=HIGHEST)
        return params["B"] * mask, mask[:, None] * params["A"], scale, losses, first

    B, A, scales, losses, first = jax.vmap(train)(jnp.asarray(ranks))
    base = jnp.matmul(W0, X, precision=HIGHEST)
    random_B = jax.random.normal(keys[5], (m, rmax), jnp.float32) / math.sqrt(rmax)
    moved = jnp.matmul(adapted(W0, random_B, lora_factors(keys[4], m, n, rmax)["A"], alpha / rmax), X,
                       precision=HIGHEST)
    size = jnp.max(jnp.abs(base))
    return dict(B=B, A=A, scales=scales, losses=losses, U=U, V=V,
                initial_move=jnp.max(jnp.abs(first - base[None])) / size,
                random_move=jnp.max(jnp.abs(moved - base)) / size)


def _gradients(key, d, rank, batch, draws, alpha, dtype):
    """Per draw: jax.grad in (B, A), the projected references, their magnitude bounds M, and the neighbours' forms."""
    scale = alpha / rank

    def one(key):
        kw, kb, ka, kx, ky = jax.random.split(key, 5)
        W0, B, A = (jax.random.normal(kk, shape, dtype)
                    for kk, shape in ((kw, (d, d)), (kb, (d, rank)), (ka, (rank, d))))
        X, Y = jax.random.normal(kx, (d, batch), dtype), jax.random.normal(ky, (d, batch), dtype)
        mm = lambda a, b: jnp.matmul(a, b, precision=HIGHEST)

        def loss(B, A):
            R = mm(adapted(W0, B, A, scale), X) - Y
            return 0.5 * jnp.sum(R**2) / batch

        grad_B, grad_A = jax.grad(loss, argnums=(0, 1))(B, A)
        R = mm(adapted(W0, B, A, scale), X) - Y
        ref_B, ref_A = scale * mm(R, mm(A, X).T) / batch, scale * mm(mm(B.T, R), X.T) / batch
        R_abs = mm(jnp.abs(W0) + scale * mm(jnp.abs(B), jnp.abs(A)), jnp.abs(X)) + jnp.abs(Y)
        M_B = scale * mm(R_abs, mm(jnp.abs(A), jnp.abs(X)).T) / batch
        M_A = scale * mm(mm(jnp.abs(B).T, R_abs), jnp.abs(X).T) / batch
        transposed = scale * mm(mm(X, R.T), A.T) / batch
        return (jnp.max(jnp.abs(grad_B - ref_B) / M_B), jnp.max(jnp.abs(grad_A - ref_A) / M_A),
                jnp.max(jnp.abs(grad_B - transposed) / M_B), jnp.max(jnp.abs(grad_B - ref_B / scale) / M_B))

    return jax.vmap(one)(jax.random.split(key, draws))


def _measure(key, m, n, planted, ranks, alpha, steps, learning_rate, samples, d, batch, draws):
    """One compiled program: the recovery at every rank, and the gradients in both formats."""
    out = _recovery(fast_key(key, 0), m, n, planted, ranks, alpha, steps, learning_rate, samples)
    out["gradients"] = [_gradients(fast_key(key, 1 + f), d, len(planted), batch, draws, alpha, jnp.dtype(dtype))
                        for f, dtype in enumerate(FORMATS)]
    return out


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Train LoRA at every rank of ``config`` on the planted update, count the parameters, and measure the factor
    gradients against the projected full gradient in float32 and float64."""
    out = run_fast(_measure, key, m=config.m, n=config.n, planted=config.planted, ranks=config.ranks,
                   alpha=config.alpha, steps=config.steps, learning_rate=config.learning_rate, samples=config.samples,
                   d=config.gradient_size, batch=config.gradient_batch, draws=config.gradient_draws)
    losses = np.asarray(out["losses"], np.float64)
    check_training(losses.max(axis=0), diverge_factor=1e3, context=f"{ID} LoRA fine-tuning")
    B, A, scales = (np.asarray(out[name], np.float64) for name in ("B", "A", "scales"))
    U, V = np.asarray(out["U"], np.float64), np.asarray(out["V"], np.float64)
    delta = (U * np.asarray(config.planted, np.float64)) @ V.T
    sigma = np.linalg.svd(delta, compute_uv=False)[:config.k]
    products = scales[:, None, None] * B @ A
    error = np.sum((products - delta[None]) ** 2, axis=(1, 2))
    k, u64 = config.k, unit_roundoff("float64")
    floor = np.array([float(_tail(sigma, r, k)) for r in config.ranks])
    delta_rounding = float(gamma(config.m * config.n, u64)) * np.linalg.norm(delta)
    rounding = np.array([float(gamma(r + 1, u64)) * np.linalg.norm(s * np.abs(b) @ np.abs(a)) + delta_rounding
                         for r, s, b, a in zip(config.ranks, scales, B, A)])
    singular = np.linalg.svd(products, compute_uv=False)[:, :max(config.ranks)]
    trainable = np.array([sum(leaf.size for leaf in jax.tree.leaves(jax.eval_shape(
        lambda r=r: lora_factors(jax.random.key(0), config.m, config.n, r)))) for r in config.ranks])
    full = np.array(jax.eval_shape(lambda: jnp.zeros((config.m, config.n))).size)
    ratio, model_error = np.zeros((2, 2, config.gradient_draws)), np.zeros((2, 2, config.gradient_draws))
    K = 2 * k + 2 * config.gradient_size + config.gradient_batch + 4
    for f, dtype in enumerate(FORMATS):
        u = unit_roundoff(dtype)
        bound = 2 * float(gamma(K, u))
        worst = [np.asarray(x, np.float64) for x in out["gradients"][f]]
        for g in range(2):
            ratio[f, g], model_error[f, g] = worst[g] / bound, worst[g] / u
        if dtype == "float64":
            transposed, unscaled = worst[2] / bound, worst[3] / bound
    return Result(ranks=np.asarray(config.ranks), error=error, floor=floor, rounding=rounding, singular=singular,
                  losses=losses, trainable=trainable, full=full, planted=sigma,
                  planted_norm=np.asarray(np.sum(sigma**2)),
                  initial_move=np.asarray(out["initial_move"], np.float64),
                  random_move=np.asarray(out["random_move"], np.float64), ratio=ratio, model_error=model_error,
                  transposed_ratio=transposed, unscaled_ratio=unscaled)


def count_checks(result: Result, config: Config, formula=_trainable, name: str = "r(m+n)") -> list[Check]:
    """Trainable numbers of the rank-r factors == ``formula`` (r(m+n)) at every rank; the full layer's == mn."""
    out = [numeric(ID, f"trainable numbers of the rank-{r} factors == {name}, {config.m}x{config.n}",
                   result.trainable[i], "==", float(formula(config.m, config.n, r)))
           for i, r in enumerate(config.ranks)]
    return out + [numeric(ID, f"numbers of the full {config.m}x{config.n} layer == mn", result.full, "==",
                          float(_full(config.m, config.n)))]


def initialisation_checks(result: Result, config: Config, random: bool = False) -> list[Check]:
    """B = 0 keeps the pretrained function: max |f_init(X) - W_0 X| / max |W_0 X| == 0 (a neighbour: also with B
    random)."""
    move, which = (result.random_move, "B and A random") if random else (result.initial_move.max(), "B = 0")
    return [numeric(ID, f"initial output move max|f(X) - W_0 X| / max|W_0 X|, {which}, every rank", move, "==", 0.0)]


def gradient_checks(result: Result, config: Config) -> list[Check]:
    """Worst |jax.grad - projected full gradient| / (2 gamma_K M) <= 1 per format and factor."""
    return [numeric(ID, f"max |grad_{factor} - projected| / (2 gamma_K M), {config.gradient_draws} draws, {dtype}",
                    result.ratio[f, g].max(), "<=", 1.0)
            for f, dtype in enumerate(FORMATS) for g, factor in enumerate(("B", "A"))]


def model_checks(result: Result, config: Config) -> list[Check]:
    """RMS of max |grad - projected| / (u M), float32 over float64, against the model's 1 (factors as groups)."""
    squared = result.model_error**2
    return [format_ratio_check(ID, f"RMS |grad - projected| / (u M), float32 over float64, grad_B and grad_A, "
                                   f"{config.gradient_draws} draws", squared[0], squared[1])]


def recovery_checks(result: Result, config: Config) -> list[Check]:
    """r < k: E_r / T_r in [Eckart-Young floor less rounding, 1 + eps ||Delta||^2 / T_r]; r >= k: E_r <= eps
    ||Delta||^2 and the singular values of s B A within sqrt(eps) ||Delta||_F of the planted ones."""
    out, k, norm = [], config.k, float(result.planted_norm)
    planted = np.zeros(result.singular.shape[1])
    planted[:k] = result.planted
    for i, r in enumerate(config.ranks):
        E, T = float(result.error[i]), float(result.floor[i])
        if r < k:
            low = max(math.sqrt(T) - float(result.rounding[i]), 0.0) ** 2 / T
            out.append(numeric(ID, f"rank {r} < k = {k}: E_r / (Eckart-Young tail sum_(i>r) sigma_i^2)", E / T, "in",
                               (low, 1 + config.target * norm / T)))
        else:
            out.append(numeric(ID, f"rank {r} >= k = {k}: ||s B A - Delta||_F^2 / ||Delta||_F^2", E / norm, "<=",
                               config.target))
            out.append(numeric(ID, f"rank {r} >= k = {k}: max_i |sigma_i(s B A) - sigma_i(Delta)| / ||Delta||_F",
                               float(np.max(np.abs(result.singular[i] - planted))) / math.sqrt(norm), "<=",
                               math.sqrt(config.target)))
    return out


def checks(result: Result, config: Config) -> list[Check]:  # counts, zero init, gradients, recovery by rank
    return (count_checks(result, config) + initialisation_checks(result, config) + gradient_checks(result, config)
            + model_checks(result, config) + recovery_checks(result, config))


# Wrong neighbours (theorems.low_rank.lora) ------------------------------------------------------------------


def rank_below_checks(result: Result, config: Config) -> list[Check]:
    """Rank k - 1 recovers the rank-k update: E_(k-1) <= eps ||Delta||^2 (its floor is sigma_k^2)."""
    i = config.ranks.index(config.k - 1)
    return [numeric(ID, f"rank {config.k - 1} = k - 1: ||s B A - Delta||_F^2 / ||Delta||_F^2",
                    float(result.error[i]) / float(result.planted_norm), "<=", config.target)]


def gradient_neighbour_checks(result: Result, config: Config, field: str, what: str) -> list[Check]:
    """The neighbour's gradient form ``what`` (its measured ratio ``field``) within the worst-case bound."""
    return [numeric(ID, f"max |grad_B - {what}| / (2 gamma_K M), {config.gradient_draws} draws, float64",
                    getattr(result, field).max(), "<=", 1.0)]


def loose_float32_checks(result: Result, config: Config) -> list[Check]:
    """float32 gradients ten times less accurate: the worst-case float32 bounds x10, the model's interval x10."""
    worst = [scaled(c, 10) if c.claim.endswith("float32") else c for c in gradient_checks(result, config)]
    return worst + [scaled(c, 10) for c in model_checks(result, config)]


NEIGHBOURS = (  # the wrong statements next to LoRA, each rejected by the checks `mathai verify --controls` names
    Neighbour("parameters-rmn", "the rank-r update has r m n trainable numbers",
              lambda result, config: count_checks(result, config, _wrong, "r m n")[:-1]),
    Neighbour("gradient-transposed", "grad_B = s G^T A^T (square W)",
              lambda result, config: gradient_neighbour_checks(result, config, "transposed_ratio", "s G^T A^T")),
    Neighbour("scale-dropped", "grad_B = G A^T (without the scale s = alpha / r)",
              lambda result, config: gradient_neighbour_checks(result, config, "unscaled_ratio", "G A^T")),
    Neighbour("random-init-keeps-function", "B and A both random at initialisation keep the pretrained function",
              lambda result, config: initialisation_checks(result, config, random=True)),
    Neighbour("rank-below-suffices", "rank k - 1 recovers a rank-k update (floor sigma_k^2 > 0)", rank_below_checks),
    Neighbour("half-the-tail", "rank r < k reaches half the Eckart-Young tail (the loss's 1/2 read into the floor)",
              lambda result, config: recovery_checks(replace(result, floor=result.floor / 2), config)),
    Neighbour("float32-gradient-x10", "float32 factor gradients ten times less accurate than the standard model",
              loose_float32_checks, looser=True),
)
