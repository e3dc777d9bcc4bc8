r"""Experiment: Performer's positive random features estimate $e^{x^\top y}$ without bias, at the stated error.

**choromanski2021.** Pairs $x, y \in\mathbb{R}^d$ with $|x + y|^2 \in \{0.1, 0.5, 1\}$, $T$ independent draws of
$m$ features each: the relative error's mean (unbiasedness; its standard error from the closed-form variance),
the relative squared error's mean against $(e^{|x+y|^2} - 1)/m$ (standard error from the sample), the fitted
slope of the RMSE in $m$ (delta-method standard error), orthogonal against i.i.d. features (one-sided), and the
error of whole Performer attention against exact softmax attention as $m$ grows (reported, not checked: the ratio
estimator's $O(1/m)$ bias bends the curve at small $m$).

Statistical checks of the random-feature estimator use $|z| \le 6$ (``Config.z``): a normal variable exceeds it with
probability $2\cdot10^{-9}$; the statistics are means of 2000 independent draws with finite moments of every order
(log-normal with $\sigma \le 1$), so the normal approximation holds there; with the few checks, the family-wise
false-alarm rate stays below $10^{-6}$.

Random numbers come from JAX's ``rbg`` generator seeded by the given key (:func:`fast_key`): threefry's bit
generation for millions of draws takes about 6 s to compile on this CPU, rbg under 0.5 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.linear_attention.compiling import run_fast
from numerics.linear_attention.forms import HIGHEST, linear, matmul, softmax_attention
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.validation import require_counts, require_z
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
        require_counts(self, "dim", "attention_n", "attention_trials")
        require_z(self)
        for r in self.norms_sq:
            if not 0 < r <= 1:
                raise ValueError(f"|x+y|^2 = {r} is outside (0, 1]: beyond 1 the error is log-normal with heavy "
                                 "tails and the sample MSE is no test")
        for m_ in self.features + self.attention_features:
            if m_ < 1:
                raise ValueError(f"feature counts must be >= 1, got {m_}")
        for m_ in self.features:
            if m_ % self.dim:
                raise ValueError(f"feature count {m_} must be a multiple of dim = {self.dim} (orthogonal blocks)")
        if self.trials < 64:
            raise ValueError(f"trials must be >= 64, got {self.trials!r}")
        if len(self.features) < 2:
            raise ValueError(f"features must be at least two counts (to fit a slope), got {self.features!r}")

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: two feature counts, 500 trials, whole attention at n = 32."""
        return cls(features=(8, 32), trials=500, attention_n=32, attention_features=(16, 64), attention_trials=2)


@dataclass(frozen=True)
class Result:
    """Indexed [pair, features]: mean relative error and its exact standard error; mean relative squared error,
    its standard error and the closed form; the same mean for orthogonal features and the standard error of the
    difference. Whole attention: relative Frobenius error of Performer vs softmax attention by feature count."""

    norms_sq: np.ndarray
    features: np.ndarray
    mean_error: np.ndarray
    mean_error_se: np.ndarray
    mse: np.ndarray
    mse_se: np.ndarray
    mse_closed: np.ndarray
    mse_orthogonal: np.ndarray
    difference_se: np.ndarray
    attention_features: np.ndarray
    attention_error: np.ndarray


_relative_mse = to_jax([statement.norm_sum_sq, statement.features], statement.relative_mse())


def positive_features(w: jax.Array, x: jax.Array) -> jax.Array:
    r"""$\exp(w_r^\top x - |x|^2/2)$ for each row $w_r$ of $w$ (m x d) and each row of $x$ (n x d): n x m."""
    return jnp.exp(matmul(x, w.T) - 0.5 * jnp.sum(x * x, axis=-1, keepdims=True))


def orthogonal_gaussian(key: jax.Array, count: int, dim: int) -> jax.Array:
    """``count`` rows (a multiple of dim): blocks of dim orthonormal directions, each scaled by the norm of an
    independent N(0, I_dim) vector, so that every row is marginally N(0, I_dim)."""
    k_dir, k_norm = jax.random.split(key)
    blocks = count // dim
    q, r = jnp.linalg.qr(jax.random.normal(k_dir, (blocks, dim, dim)))
    q = q * jnp.sign(jnp.diagonal(r, axis1=1, axis2=2))[:, None, :]
    norms = jnp.linalg.norm(jax.random.normal(k_norm, (blocks, dim, dim)), axis=-1)
    return (jnp.swapaxes(q, 1, 2) * norms[..., None]).reshape(count, dim)


def _pairs(key, dim, norms_sq):
    kx, ky = jax.random.split(key)
    x = jax.random.normal(kx, (len(norms_sq), dim))
    y = jax.random.normal(ky, (len(norms_sq), dim))
    s = jnp.sqrt(jnp.asarray(norms_sq)) / jnp.linalg.norm(x + y, axis=1)
    return x * s[:, None], y * s[:, None]


def _prefix_means(prod: jax.Array, features: tuple[int, ...]) -> jax.Array:
    """Means over the first m features for each m in ``features`` (nested estimators): [..., len(features)]."""
    csum = jnp.cumsum(prod, axis=-1)
    return jnp.stack([csum[..., m_ - 1] / m_ for m_ in features], axis=-1)


@partial(jax.jit, static_argnames=("dim", "norms_sq", "features", "trials"))
def _kernel_errors(key, dim, norms_sq, features, trials):
    """Relative errors of the positive-feature estimate of exp(x.y), i.i.d. and orthogonal: [trial, pair, m]."""
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
    return errors(w_iid), errors(w_ort)


def _attention_errors(key, n, dim, features, trials):
    """RMS over trials of the relative Frobenius error of Performer attention (i.i.d. features) against softmax
    attention. The m-feature estimate uses the first m of max(features) features; the others are masked to 0,
    which linear attention ignores exactly (its 1/m factors cancel in the ratio), so one program serves every m."""
    kq, kk, kv, kw = jax.random.split(key, 4)
    q = jax.random.normal(kq, (n, dim)) / 2
    k = jax.random.normal(kk, (n, dim)) / 2
    v = jax.random.normal(kv, (n, dim))
    exact = softmax_attention(q, k, v)
    scale = dim ** -0.25
    top = max(features)
    masks = jnp.arange(top)[None, :] < jnp.asarray(features)[:, None]  # [m, top]
    w = jax.random.normal(kw, (trials, top, dim))

    def one(wt, mask):
        a, b = positive_features(wt, q * scale) * mask, positive_features(wt, k * scale) * mask
        return jnp.linalg.norm(linear(a, b, v) - exact) / jnp.linalg.norm(exact)

    errs = jax.vmap(lambda wt: jax.vmap(lambda mk: one(wt, mk))(masks))(w)  # [trial, m]
    return jnp.sqrt(jnp.mean(errs**2, axis=0))


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Random-feature estimates of exp(x.y): bias, relative MSE, orthogonal vs i.i.d.; whole-attention error."""
    k_kernel, k_att = jax.random.split(fast_key(key))
    iid, ort = _kernel_errors(k_kernel, config.dim, tuple(config.norms_sq), tuple(config.features), config.trials)
    iid, ort = np.asarray(iid), np.asarray(ort)
    T = config.trials
    r = np.asarray(config.norms_sq)[:, None]
    mm = np.asarray(config.features)[None, :]
    closed = np.asarray(_relative_mse(r, mm.astype(np.float64)))
    sq_iid, sq_ort = iid**2, ort**2
    att = run_fast(_attention_errors, k_att, n=config.attention_n, dim=config.dim,
                   features=tuple(config.attention_features), trials=config.attention_trials)
    return Result(
        norms_sq=np.asarray(config.norms_sq, dtype=np.float64),
        features=np.asarray(config.features),
        mean_error=iid.mean(axis=0),
        mean_error_se=np.sqrt(closed / T),
        mse=sq_iid.mean(axis=0),
        mse_se=sq_iid.std(axis=0, ddof=1) / math.sqrt(T),
        mse_closed=closed,
        mse_orthogonal=sq_ort.mean(axis=0),
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


def checks(result: Result, config: Config) -> list[Check]:
    """Max |z| of the bias and of the relative MSE against its closed form, over pairs and m; RMSE slopes -1/2
    within ``config.z`` (6) standard errors; orthogonal features no worse than i.i.d. (one-sided z <= 6)."""
    tid = statement.ID
    z_bias = np.abs(result.mean_error / result.mean_error_se)
    z_mse = np.abs((result.mse - result.mse_closed) / result.mse_se)
    z_ort = (result.mse_orthogonal - result.mse) / result.difference_se
    slopes, slope_se = rmse_slope(result)
    out = [
        numeric(tid, f"max |z| of mean relative error (unbiased), {z_bias.size} (|x+y|^2, m) cells, "
                     f"T = {config.trials}", float(z_bias.max()), "<=", config.z),
        numeric(tid, "max |z| of relative MSE vs (exp(|x+y|^2) - 1)/m, |x+y| <= 1",
                float(z_mse.max()), "<=", config.z),
        numeric(tid, "max z of (orthogonal MSE - i.i.d. MSE): orthogonal features no worse",
                float(z_ort.max()), "<=", config.z),
    ]
    for r, slope, se in zip(result.norms_sq, slopes, slope_se):
        out.append(numeric(tid, f"RMSE ~ m^slope, |x+y|^2 = {r:g}: |slope + 1/2| / se", abs(slope + 0.5) / se,
                           "<=", config.z))
    return out
