r"""Experiment: Performer's positive random features estimate $e^{x^\top y}$ without bias, at the stated error.

**choromanski2021.** Pairs $x, y \in\mathbb{R}^d$ with $|x + y|^2 \in \{0.1, 0.5, 1\}$ and $x^\top y = -|x+y|^2/4$
(:data:`DOT_OVER_NORM_SUM_SQ`), $T$ independent draws of $m$ features each: the relative error's mean
(unbiasedness; its standard error from the closed-form variance), the relative squared error's mean against
$(e^{|x+y|^2} - 1)/m$ (standard error from the sample), the fitted slope of the RMSE in $m$ (delta-method standard
error), the relative squared error of orthogonal features against its closed form (:func:`orthogonal_relative_mse`,
two-sided; it lies below the i.i.d. one), and the error of whole Performer attention (:func:`favor_attention`, with
the official stabiliser) against exact softmax attention as $m$ grows (reported, not checked: the ratio
estimator's $O(1/m)$ bias bends the curve at small $m$).

**Kernel estimate and attention, stabilised differently.** The kernel checks use :func:`positive_features` as they
stand, unstabilised: a per-row factor rescales the estimate of $e^{x^\top y}$ and would bias it. Attention divides
two sums that carry the same factor, so :func:`favor_attention` may, and does, rescale the features as the official
FAVOR+ code does (Choromanski et al., google-research ``performer/fast_attention/jax/fast_attention.py``,
nonnegative features): a query's features are multiplied by $e^{-\max_r w_r^\top x_i}$ (its own largest
projection), all key features by $e^{-\max_{j,r} w_r^\top y_j}$ (one number for the whole sequence), both cancel in
$\phi(q_i)^\top\sum_j \phi(k_j) v_j^\top / \phi(q_i)^\top \sum_j \phi(k_j)$; as there, $\varepsilon = 10^{-6}$ is
added to every feature before the $1/\sqrt m$ scale and a denominator $|R| \le \varepsilon$ is raised by
$2\varepsilon$. The $\varepsilon$ is what keeps the output finite at large logits: after the subtraction the
largest feature of query $i$ is $e^{-|x_i|^2/2}$, which underflows (float32: $|x_i|^2/2 > 87$) without it. It also
makes the output a biased estimate, pulled towards uniform attention wherever a feature falls below
$\varepsilon$ (a key's log-feature 14 below the sequence's largest projection, a query's once $|x_i|^2/2 > 14$).
Measured (Q, K entries $\sim N(0, \sigma^2)$, $n = 1024$, $d = 64$, $m = 256$, float32, 10 seeds, the same $w$ on
both sides): unstabilised features give NaN in 3 of 10 seeds at $\sigma = 4$ and 10 of 10 at $\sigma = 8$; this
function none, and the official code's mean relative error at every $\sigma \in \{0.5, 1, 2, 4, 8\}$ to within
float32 rounding ($|\Delta| \le 10^{-7}$). From $\sigma = 2$ on, that error is $1.0000$ for both: $\varepsilon$
dominates every query feature, the output is the uniform average of $V$, near $0$; the unbiased estimator's own
error there is about $\sqrt 2$ (one random key), so no rescaling recovers an informative estimate.

Statistical checks of the random-feature estimator use $|z| \le 6$ (``Config.z``): a normal variable exceeds it with
probability $2\cdot10^{-9}$; the statistics are means of 2000 independent draws with finite moments of every order
(log-normal with $\sigma \le 1$), so the normal approximation holds there; with the few checks, the family-wise
false-alarm rate stays below $10^{-6}$. The orthogonal check is two-sided, $|z| \le 6$ against the exact mean
(:func:`orthogonal_relative_mse`): a broken orthogonal construction that gave a *smaller* error than the closed
form fails it as surely as one that gave a larger.

**Wrong neighbours** (:data:`NEIGHBOURS`, on the same Result): the relative MSE with exponent $2|x+y|^2$, with
$|x|^2 + |y|^2$ (the trigonometric features'; it equals $|x+y|^2$ where $x^\top y = 0$, hence the pairs' fixed
$x^\top y \neq 0$), without the $-1$, over $m^2$ (slope $-1$), the features without $e^{-|x|^2/2}$ (a biased
estimate), and, looser, the MSE $10\times$ the truth, rejected by the two-sided MSE test. Not among them: the
orthogonal features' MSE replaced by the i.i.d. one, 12-17% more at $r = 0.5, 1$, which the worst cell resolves
to only 4.5-6.7 standard errors at $T = 2000$ and 1.8-6.9 at the tests' $T = 500$ (seeds 0-2): not rejected at
every seed.

Random numbers come from JAX's ``rbg`` generator seeded by the given key (:func:`fast_key`): threefry's bit
generation for millions of draws takes about 6 s to compile on this CPU, rbg under 0.5 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.linear_attention.compiling import run_fast
from numerics.linear_attention.forms import HIGHEST, matmul, softmax_attention
from numerics.linear_attention.orthogonal_features import orthogonal_gaussian, orthogonal_relative_mse
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_z
from theorems.core import Check, numeric
from theorems.linear_attention import performer as statement

ID = statement.ID


@dataclass(frozen=True)
class Config:
    """Pairs (x, y) in R^dim with |x + y|^2 in ``norms_sq``; feature counts; trials; whole-attention sizes; the
    false-alarm bound ``z`` of the statistical checks (|z| <= 6: a two-sided normal tail of 2e-9)."""

    dim: int = 8
    norms_sq: tuple[float, ...] = (0.1, 0.5, 1.0)
    features: tuple[int, ...] = (8, 32, 128)
    trials: int = 2000
    attention_n: int = 128
    attention_features: tuple[int, ...] = (16, 64, 256, 1024)
    attention_trials: int = 8
    z: float = 6.0

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "dim", "attention_n", "attention_trials")
        require_z(self)
        for r in self.norms_sq:
            if not 0 < r <= 1:
                raise ValueError(f"norms_sq: |x+y|^2 = {r} is outside (0, 1]: beyond 1 the error is log-normal with heavy "
                                 "tails and the sample MSE is no test")
        for name in ("features", "attention_features"):
            if not getattr(self, name) or min(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be feature counts >= 1, got {getattr(self, name)!r}")
        for m_ in self.features:
            if m_ % self.dim:
                raise ValueError(f"feature count {m_} must be a multiple of dim = {self.dim} (orthogonal blocks)")
        if self.trials < 64:
            raise ValueError(f"trials must be >= 64, got {self.trials!r}")
        if len(self.features) < 2:
            raise ValueError(f"features must be at least two counts (to fit a slope), got {self.features!r}")
        require_memory(self, ("dim", "norms_sq", "features", "trials", "attention_n", "attention_features",
                              "attention_trials"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64), summed over the two programs. Kernel: i.i.d. and orthogonal features (trials,
        m_max, dim) with the QR's blocks (twice that), and per kind the features of x and y and their product
        (trials, pairs, m_max). Attention: Q, K, V (n, dim), the exact softmax (n, n), the features (trials, m_max,
        dim), and vmapped over trials and feature counts the positive features of Q and K (n, m_max) and the
        output (n, dim)."""
        top, n = max(self.features), self.attention_n
        kernel = array_bytes(self.trials, top, 4 * self.dim + 6 * len(self.norms_sq))
        top_a = max(self.attention_features)
        attention = (array_bytes(n, 3 * self.dim + n) + array_bytes(self.attention_trials, top_a, self.dim)
                     + array_bytes(self.attention_trials, len(self.attention_features), n, 2 * top_a + self.dim))
        return kernel + attention

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: two feature counts, 500 trials, whole attention at n = 32."""
        return cls(features=(8, 32), trials=500, attention_n=32, attention_features=(16, 64), attention_trials=2)


@dataclass(frozen=True)
class Result:
    """Per pair: $|x+y|^2$ and $x^\top y$. Indexed [pair, features]: mean relative error and its exact standard
    error; mean relative squared error, its standard error and the closed form; the same for orthogonal features
    (mean, standard error, closed form) and the standard error of the difference. Whole attention: relative
    Frobenius error of stabilised Performer attention (:func:`favor_attention`) vs softmax attention by feature
    count."""

    norms_sq: np.ndarray
    dot: np.ndarray
    features: np.ndarray
    mean_error: np.ndarray
    mean_error_se: np.ndarray
    mse: np.ndarray
    mse_se: np.ndarray
    mse_closed: np.ndarray
    mse_orthogonal: np.ndarray
    mse_orthogonal_se: np.ndarray
    mse_orthogonal_closed: np.ndarray
    difference_se: np.ndarray
    attention_features: np.ndarray
    attention_error: np.ndarray


_relative_mse = to_jax([statement.norm_sum_sq, statement.features], statement.relative_mse())


def positive_features(w: jax.Array, x: jax.Array) -> jax.Array:
    r"""$\exp(w_r^\top x - |x|^2/2)$ for each row $w_r$ of $w$ (m x d) and each row of $x$ (n x d): n x m."""
    return jnp.exp(matmul(x, w.T) - 0.5 * jnp.sum(x * x, axis=-1, keepdims=True))


FAVOR_EPS = 1e-6
"""The official FAVOR+ code's ``numerical_stabilizer`` (added to every positive feature and to small denominators)."""


def favor_features(w: jax.Array, x: jax.Array, is_query: bool, eps: float = FAVOR_EPS) -> jax.Array:
    r"""Stabilised positive features, as in the official FAVOR+ code: $(e^{w_r^\top x - |x|^2/2 - c} +
    \varepsilon)/\sqrt m$ with $c = \max_r w_r^\top x_i$ per row for queries and $c = \max_{j,r} w_r^\top x_j$
    (one number) for keys. Only for attention, where the factors $e^{-c}$ cancel (module docstring)."""
    proj = matmul(x, w.T)
    top = jnp.max(proj, axis=-1, keepdims=True) if is_query else jnp.max(proj)
    log_f = proj - 0.5 * jnp.sum(x * x, axis=-1, keepdims=True) - jax.lax.stop_gradient(top)
    return (jnp.exp(log_f) + eps) / math.sqrt(w.shape[0])


def favor_attention(w: jax.Array, q: jax.Array, k: jax.Array, v: jax.Array, eps: float = FAVOR_EPS) -> jax.Array:
    r"""Bidirectional Performer attention with the official stabiliser: features of $q/d^{1/4}$ and $k/d^{1/4}$
    (:func:`favor_features`), then $a(b^\top v) / R$ with $R = a(b^\top 1)$ raised by $2\varepsilon$ where
    $|R| \le \varepsilon$. With ``eps = 0`` it equals ``linear(positive_features(...))`` up to rounding."""
    scale = q.shape[-1] ** -0.25
    a, b = favor_features(w, q * scale, True, eps), favor_features(w, k * scale, False, eps)
    numerator = matmul(a, matmul(b.T, v))
    denominator = matmul(a, jnp.sum(b, axis=0))
    denominator = denominator + 2 * eps * (jnp.abs(denominator) <= eps)
    return numerator / denominator[:, None]


DOT_OVER_NORM_SUM_SQ = -0.25
"""x.y / |x+y|^2 of every tested pair: |x|^2 + |y|^2 = 3|x+y|^2/2, so that the exponent |x+y|^2 of the relative MSE
is told apart from |x|^2 + |y|^2 (random pairs in R^8 have x.y near 0, where the two coincide)."""


def _pairs(key, dim, norms_sq):
    """x = s/2 + h v, y = s/2 - h v with s = sqrt(r) u, u and v random orthonormal directions and h^2 = r/4 - x.y,
    so that |x + y|^2 = r and x.y = DOT_OVER_NORM_SUM_SQ r (w is rotation invariant: only |x|, |y|, x.y matter)."""
    ku, kv = jax.random.split(key)
    u = jax.random.normal(ku, (len(norms_sq), dim))
    u = u / jnp.linalg.norm(u, axis=1, keepdims=True)
    v = jax.random.normal(kv, (len(norms_sq), dim))
    v = v - jnp.sum(u * v, axis=1, keepdims=True) * u  # Gram-Schmidt: v orthogonal to u
    v = v / jnp.linalg.norm(v, axis=1, keepdims=True)
    r = jnp.asarray(norms_sq)[:, None]
    s, h = jnp.sqrt(r) * u, jnp.sqrt(r * (0.25 - DOT_OVER_NORM_SUM_SQ)) * v
    return s / 2 + h, s / 2 - h


def _prefix_means(prod: jax.Array, features: tuple[int, ...]) -> jax.Array:
    """Means over the first m features for each m in ``features`` (nested estimators): [..., len(features)]."""
    csum = jnp.cumsum(prod, axis=-1)
    return jnp.stack([csum[..., m_ - 1] / m_ for m_ in features], axis=-1)


@partial(jax.jit, static_argnames=("dim", "norms_sq", "features", "trials"))
def _kernel_errors(key, dim, norms_sq, features, trials):
    """Relative errors of the positive-feature estimate of exp(x.y), i.i.d. and orthogonal: [trial, pair, m]; and
    x.y per pair."""
    k_pair, k_iid, k_ort = jax.random.split(key, 3)
    x, y = _pairs(k_pair, dim, norms_sq)
    top = max(features)
    exact = jnp.exp(jnp.sum(x * y, axis=1))[:, None]  # [pair, 1]

    def errors(w):  # w: [trial, top, dim]
        def feats(z):
            return jnp.exp(jnp.einsum("tfd,pd->tpf", w, z, precision=HIGHEST)
                           - 0.5 * jnp.sum(z * z, axis=-1)[None, :, None])
        return _prefix_means(feats(x) * feats(y), features) / exact - 1

    w_iid = jax.random.normal(k_iid, (trials, top, dim))
    w_ort = orthogonal_gaussian(k_ort, trials * top, dim).reshape(trials, top, dim)
    return errors(w_iid), errors(w_ort), jnp.sum(x * y, axis=1)


def _attention_errors(key, n, dim, features, trials):
    """RMS over trials of the relative Frobenius error of stabilised Performer attention (i.i.d. features,
    :func:`favor_attention`) against softmax attention. The m-feature estimate uses the first m of max(features)
    features (nested, as the kernel estimates)."""
    kq, kk, kv, kw = jax.random.split(key, 4)
    q = jax.random.normal(kq, (n, dim)) / 2
    k = jax.random.normal(kk, (n, dim)) / 2
    v = jax.random.normal(kv, (n, dim))
    exact = softmax_attention(q, k, v)
    w = jax.random.normal(kw, (trials, max(features), dim))

    def one(wt):
        return jnp.stack([jnp.linalg.norm(favor_attention(wt[:m_], q, k, v) - exact) / jnp.linalg.norm(exact)
                          for m_ in features])

    errs = jax.vmap(one)(w)  # [trial, m]
    return jnp.sqrt(jnp.mean(errs**2, axis=0))


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Random-feature estimates of exp(x.y): bias, relative MSE, orthogonal vs i.i.d.; whole-attention error."""
    k_kernel, k_att = jax.random.split(fast_key(key))
    iid, ort, dot = _kernel_errors(k_kernel, config.dim, tuple(config.norms_sq), tuple(config.features),
                                   config.trials)
    iid, ort = np.asarray(iid), np.asarray(ort)
    T = config.trials
    r = np.asarray(config.norms_sq)[:, None]
    mm = np.asarray(config.features)[None, :]
    closed = np.asarray(_relative_mse(r, mm.astype(np.float64)))
    closed_orthogonal = orthogonal_relative_mse(r, mm, config.dim)
    sq_iid, sq_ort = iid**2, ort**2
    att = run_fast(_attention_errors, k_att, n=config.attention_n, dim=config.dim,
                   features=tuple(config.attention_features), trials=config.attention_trials)
    return Result(
        norms_sq=np.asarray(config.norms_sq, dtype=np.float64),
        dot=np.asarray(dot),
        features=np.asarray(config.features),
        mean_error=iid.mean(axis=0),
        mean_error_se=np.sqrt(closed / T),
        mse=sq_iid.mean(axis=0),
        mse_se=sq_iid.std(axis=0, ddof=1) / math.sqrt(T),
        mse_closed=closed,
        mse_orthogonal=sq_ort.mean(axis=0),
        mse_orthogonal_se=sq_ort.std(axis=0, ddof=1) / math.sqrt(T),
        mse_orthogonal_closed=closed_orthogonal,
        difference_se=np.sqrt(sq_iid.var(axis=0, ddof=1) / T + sq_ort.var(axis=0, ddof=1) / T),
        attention_features=np.asarray(config.attention_features),
        attention_error=np.asarray(att),
    )


def rmse_slope(result: Result) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: fitted slope of log RMSE against log m, and its standard error by the delta method
    (se of log RMSE = se(MSE) / (2 MSE) at each m, the m independent)."""
    lm = np.log(result.features.astype(np.float64))
    weights = (lm - lm.mean()) / np.sum((lm - lm.mean()) ** 2)
    slopes = 0.5 * np.log(result.mse) @ weights
    se = np.sqrt(((result.mse_se / (2 * result.mse)) ** 2) @ weights**2)
    return slopes, se


def bias_check(mean_error: np.ndarray, mean_error_se: np.ndarray, config: Config, claim: str = "") -> Check:
    """Max over (pair, m) cells of |mean relative error| / its standard error, against ``config.z``."""
    z = np.abs(mean_error / mean_error_se)
    return numeric(ID, f"max |z| of mean relative error (unbiased){claim}, {z.size} (|x+y|^2, m) cells, "
                       f"T = {config.trials}", float(z.max()), "<=", config.z)


def mse_check(mse: np.ndarray, mse_se: np.ndarray, predicted: np.ndarray, config: Config, claim: str) -> Check:
    """Max over cells of |sample relative MSE - predicted| / its standard error, against ``config.z`` (two-sided:
    a prediction too large fails as surely as one too small)."""
    z = np.abs((mse - predicted) / mse_se)
    return numeric(ID, f"max |z| of {claim}", float(z.max()), "<=", config.z)


def slope_checks(result: Result, config: Config, slope: float = -0.5) -> list[Check]:
    """Per pair: |fitted RMSE slope in m - ``slope``| / its standard error, against ``config.z``."""
    slopes, slope_se = rmse_slope(result)
    return [numeric(ID, f"RMSE ~ m^slope, |x+y|^2 = {r:g}: |slope - ({slope:g})| / se", abs(fit - slope) / se,
                    "<=", config.z) for r, fit, se in zip(result.norms_sq, slopes, slope_se)]


def checks(result: Result, config: Config) -> list[Check]:
    """Max |z| of the bias and of the relative MSE against its closed form, over pairs and m; RMSE slopes -1/2
    within ``config.z`` (6) standard errors; the orthogonal features' relative MSE against its exact mean (two-sided
    |z| <= 6), which lies below the i.i.d. one (orthogonal no worse)."""
    return [
        bias_check(result.mean_error, result.mean_error_se, config),
        mse_check(result.mse, result.mse_se, result.mse_closed, config,
                  "relative MSE vs (exp(|x+y|^2) - 1)/m, |x+y| <= 1"),
        mse_check(result.mse_orthogonal, result.mse_orthogonal_se, result.mse_orthogonal_closed, config,
                  "orthogonal-feature relative MSE vs (e^r - 1)/m + (d-1)/m (e^-r 1F1(d; d/2; r/2) - 1), below the "
                  "i.i.d. form (orthogonal no worse)"),
        *slope_checks(result, config),
    ]


# ------------------------------------------------------------------------------------------------------------------
# Wrong neighbours (numerics.neighbours): the same measurements against what a slip would predict
# ------------------------------------------------------------------------------------------------------------------

def _mse_neighbour(predicted: Callable[[Result], np.ndarray], claim: str) -> Callable[[Result, Config], list[Check]]:
    """The i.i.d. MSE check against ``predicted(result)`` [pair, m] instead of the closed form."""
    def neighbour_checks(result: Result, config: Config) -> list[Check]:
        return [mse_check(result.mse, result.mse_se, predicted(result), config, claim)]
    return neighbour_checks


def _r(result: Result) -> np.ndarray:
    return result.norms_sq[:, None]


def _m(result: Result) -> np.ndarray:
    return result.features[None, :].astype(np.float64)


def _unnormalised_checks(result: Result, config: Config) -> list[Check]:
    """Features exp(w.x) without exp(-|x|^2/2) estimate c exp(x.y), c = exp((|x|^2 + |y|^2)/2), from the very same
    draws: their relative error is c (1 + error) - 1, mean c (1 + mean) - 1, standard error c se. The neighbour says
    that mean is 0."""
    c = np.exp((result.norms_sq - 2 * result.dot) / 2)[:, None]  # |x|^2 + |y|^2 = |x+y|^2 - 2 x.y
    return [bias_check(c * (1 + result.mean_error) - 1, c * result.mean_error_se, config,
                       " of exp(w.x) exp(w.y) without exp(-|x|^2/2)")]


def _over_m_squared_checks(result: Result, config: Config) -> list[Check]:
    return [mse_check(result.mse, result.mse_se, np.expm1(_r(result)) / _m(result)**2, config,
                      "relative MSE vs (exp(|x+y|^2) - 1)/m^2"),
            *slope_checks(result, config, slope=-1.0)]


NEIGHBOURS = (
    Neighbour("mse-doubled-exponent", "relative MSE (exp(2|x+y|^2) - 1)/m (E exp(2w.(x+y)) = exp(2|x+y|^2) taken "
              "for the relative second moment, its factor exp(-|x|^2 - |y|^2 - 2x.y) lost)",
              _mse_neighbour(lambda res: np.expm1(2 * _r(res)) / _m(res), "relative MSE vs (exp(2|x+y|^2) - 1)/m")),
    Neighbour("mse-sum-of-squares-exponent", "relative MSE (exp(|x|^2 + |y|^2) - 1)/m (the exponent of the "
              "trigonometric features' MSE)",
              _mse_neighbour(lambda res: np.expm1((res.norms_sq - 2 * res.dot)[:, None]) / _m(res),
                             "relative MSE vs (exp(|x|^2 + |y|^2) - 1)/m")),
    Neighbour("mse-without-minus-one", "relative MSE exp(|x+y|^2)/m (the squared mean not subtracted)",
              _mse_neighbour(lambda res: np.exp(_r(res)) / _m(res), "relative MSE vs exp(|x+y|^2)/m")),
    Neighbour("mse-over-m-squared", "relative MSE (exp(|x+y|^2) - 1)/m^2, RMSE ~ 1/m (the mean's variance divided "
              "by m twice)", _over_m_squared_checks),
    Neighbour("unnormalised-features", "exp(w.x) exp(w.y) averaged estimates exp(x.y) without bias (the factors "
              "exp(-|x|^2/2) exp(-|y|^2/2) dropped)", _unnormalised_checks),
    Neighbour("mse-ten-times", "relative MSE 10 (exp(|x+y|^2) - 1)/m (a bound 10x too generous, read as the error)",
              _mse_neighbour(lambda res: 10 * res.mse_closed, "relative MSE vs 10 (exp(|x+y|^2) - 1)/m"),
              looser=True),
)
