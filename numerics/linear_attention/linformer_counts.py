r"""Experiment: one pair's projection error follows its exact law, counted over independent projections.

**wang2020**, the sharp partner of the per-pair JL bound. In :mod:`numerics.linear_attention.linformer` the
fraction of pairs beyond $\varepsilon|p_i||v_j|$ is 0 of $10^6$ against a bound of $4\cdot10^{-3}$: the threshold
lies about $7.4$ standard deviations out, so that check cannot see a bound 10 times too generous, and its pairs,
sharing one projection $E$, are not independent. Here two pairs are fixed, $p$ the first row of
$P = \mathrm{softmax}(QK^\top/\sqrt d)$ (Gaussian $Q, K$) with $v$ the first column of a Gaussian $V$ ($\rho = p\cdot v
/(|p||v|)$ near 0) and with $v = p$ ($\rho = 1$: $|Ep|^2/|p|^2 - 1$, the JL lemma's own quantity), and $T$
*independent* projections $E \in\mathbb R^{k\times n}$ with $\mathcal N(0, 1/k)$ entries are drawn, $k$ the paper's
$\lceil 5\log n/(\varepsilon^2 - \varepsilon^3)\rceil$ ($\varepsilon = 1/2$: $k = 222$ at $n = 256$, 139 at the
tests' $n = 32$). Per pair the normalised errors $e_t = (pE_t^\top E_t v - pv)/(|p||v|)$ are i.i.d. over $t$, and:

* **counted**: $S = \#\{t : |e_t| > \tau\}$ at $\tau = 0.1$ (``Config.threshold``, 1.2-1.5 standard deviations at
  $\rho \approx 0$, 0.8-1.1 at $\rho = 1$), where $T\,q \ge 100$ exceedances are expected (a check says so), is
  $\mathrm{Binomial}(T, q)$ with $q = \Pr[|e| > \tau]$ from the exact law
  (:func:`theorems.linear_attention.linformer.pair_error_law`): incomplete gamma functions at $\rho = 1$
  (:func:`~theorems.linear_attention.linformer.norm_error_tail`, lambdified), otherwise the conditional tails
  integrated against the $\chi^2_k$ density by adaptive quadrature (:func:`tail_probability`, with an estimate
  $\delta \le 10^{-11}$ of its numerical error). The check is $S \in [\ell, h]$ with $\Pr[S < \ell] \le \alpha/2$
  at $q - \delta$ and $\Pr[S > h] \le \alpha/2$ at $q + \delta$, from the binomial distribution itself
  (:func:`binomial_interval`): a false-alarm rate of at most $\alpha = 2\cdot10^{-9}$ (``Config.rate``) per check;
* **compared**: the mean of $e_t^2$ against the exact variance $(1+\rho^2)/k$ (Isserlis per pair), $|z| \le 6$
  with the sample standard error: a mean of $T \ge 1000$ i.i.d. draws with finite moments of every order (a
  quadratic form in Gaussians). One-sided, the Edgeworth term of the studentised mean's skewness (that of
  $\chi^2_1$, $2.8$, over $\sqrt T$) lifts the tail at 6 from $10^{-9}$ to under $10^{-8}$; two-sided that term
  cancels and the next ones are $O(1/T)$: a false-alarm rate below $10^{-8}$ per check.

The wrong neighbours of the per-pair statement live here (:data:`NEIGHBOURS`): the variance without the
$(p\cdot v)^2$ term ($1/k$: half the truth at $\rho = 1$), and, looser, errors of $\sqrt{10}$ times the true scale
(a variance bound 10 times too generous), whose predicted count $T\Pr[|e| > \tau/\sqrt{10}]$ is far from the
measured one. The vectors have length $n$ as in the main experiment; the law depends on $p, v$ only through
$\rho$, and on $n$ only through $k$.

Random numbers come from JAX's ``rbg`` generator seeded by the given key (:func:`fast_key`); the projections are
drawn ``batch`` at a time (``jax.lax.map``), float64, compiled with XLA's default optimisation (drawing the
$Tkn = 5.7\cdot10^7$ normals of the default run takes about twice as long at the backend optimisation level 0 of
:func:`~numerics.linear_attention.compiling.run_fast`, about 2.5 s of CPU time here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from numerics.linear_attention.compiling import run_fast
from numerics.linear_attention.forms import matmul
from numerics.linear_attention.linformer import attention_matrix, projected_length
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_z
from theorems.core import Check, numeric
from theorems.linear_attention import linformer as statement

ID = statement.ID

MAX_K = 340
"""Largest k for the lambdified chi^2 tails: they divide by Gamma(k/2), finite in float64 up to k/2 = 171."""


@dataclass(frozen=True)
class Config:
    """The pairs' length n (k from n and eps as in the main experiment), head width, eps, the counted threshold on
    |error| / (|p||v|), independent projections (trials) drawn ``batch`` at a time, the two-sided false-alarm
    rate of each count, and the z bound of the mean-square checks."""

    length: int = 256
    dim: int = 64
    eps: float = 0.5
    threshold: float = 0.1
    trials: int = 1000
    batch: int = 100
    rate: float = 2e-9
    z: float = 6.0

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "length", "dim", "trials", "batch")
        require_z(self)
        if self.length < 8:
            raise ValueError(f"length must be >= 8, got {self.length!r}")
        if not 0 < self.eps < 1:
            raise ValueError(f"eps must be in (0, 1), got {self.eps!r}")
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must be in (0, 1) (a fraction of |p||v|), got {self.threshold!r}")
        if not 0 < self.rate < 0.01:
            raise ValueError(f"rate must be a false-alarm rate in (0, 0.01), got {self.rate!r}")
        if self.trials % self.batch:
            raise ValueError(f"trials ({self.trials}) must be a multiple of batch ({self.batch})")
        if self.trials < 1000:
            raise ValueError(f"trials must be >= 1000 (the mean-square checks' normal approximation), got "
                             f"{self.trials!r}")
        require_memory(self, ("length", "dim", "trials", "batch", "eps"))
        if self.k() > MAX_K:
            raise ValueError(f"length={self.length!r}, eps={self.eps!r} give k = {self.k()} > {MAX_K}: the chi^2 "
                             "tails divide by Gamma(k/2), which overflows float64")

    def k(self) -> int:
        """Rows of E: ceil(5 log n / (eps^2 - eps^3)) (:func:`projected_length`)."""
        return projected_length(self.length, self.eps)

    def peak_bytes(self) -> int:
        """Estimated peak (float64): Q, K, V (n, dim); one batch of E (batch, k, n) with E p, E v (batch, k); the
        errors (2, trials). k is bounded by its formula before rounding, 5 log n / (eps^2 - eps^3) + 1."""
        k_ = int(min(5 * math.log(self.length) / max(self.eps**2 - self.eps**3, 1e-300), 1e30)) + 1
        return (array_bytes(3, self.length, self.dim) + array_bytes(self.batch, k_, self.length + 2)
                + array_bytes(2, self.trials))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: n = 32 (k = 139), 250 projections at a time."""
        return cls(length=32, batch=250)


@dataclass(frozen=True)
class Result:
    """Per pair [(p, v), (p, p)]: the cosine rho, the normalised errors over the trials [pair, trial], the count of
    |error| > threshold, its exact probability q and q's numerical error (an estimate), the mean squared error, its
    standard error, and the exact variance (1 + rho^2)/k. Also k and the threshold."""

    k: np.ndarray
    threshold: np.ndarray
    rho: np.ndarray
    errors: np.ndarray
    count: np.ndarray
    probability: np.ndarray
    probability_error: np.ndarray
    mean_sq: np.ndarray
    mean_sq_se: np.ndarray
    variance: np.ndarray


_pair_variance = sp.lambdify([statement.rho, statement.k], statement.pair_error_variance(), modules="numpy")
_norm_tail = sp.lambdify([statement.t, statement.k], statement.norm_error_tail(), modules=["scipy", "numpy"])
_upper_given_b = sp.lambdify([statement.chi_b, statement.t, statement.rho, statement.k],
                             statement.pair_upper_tail_given_b(), modules=["scipy", "numpy"])
_lower_given_a = sp.lambdify([statement.chi_a, statement.t, statement.rho, statement.k],
                             statement.pair_lower_tail_given_a(), modules=["scipy", "numpy"])


def _chi2_density(x: float, dof: int) -> float:
    """The chi^2_dof density at x >= 0, in log form (no overflow for large dof)."""
    from scipy.special import gammaln, xlogy

    half = dof / 2
    return math.exp(xlogy(half - 1, x) - x / 2 - half * math.log(2) - gammaln(half))


def tail_probability(threshold: float, rho: float, k_: int) -> tuple[float, float]:
    r"""$q = \Pr[|e| > \tau]$ for the normalised error $e$ of a pair of cosine ``rho`` under a $k$-row projection,
    and an estimate of its numerical error. At $\rho = 1$: :func:`~theorems.linear_attention.linformer.norm_error_tail`
    (special functions, error $10^{-13}$). For $|\rho| < 1$: $\int f_k(b)\,\Pr[e > \tau \mid B = b]\,db +
    \int f_k(a)\,\Pr[e < -\tau \mid A = a]\,da$ over $[0, L]$, $L = k + 40\sqrt{2k} + 40$, by ``scipy.integrate.quad``;
    the error estimate is the sum of quad's and twice the $\chi^2_k$ mass beyond $L$."""
    from scipy.integrate import quad
    from scipy.special import chdtrc

    if rho == 1.0:
        return float(_norm_tail(threshold, float(k_))), 1e-13
    if not -1 < rho < 1:
        raise ValueError(f"rho must be in (-1, 1) or exactly 1, got {rho!r}")
    top = k_ + 40 * math.sqrt(2 * k_) + 40
    upper, upper_err = quad(lambda b: _chi2_density(b, k_) * float(_upper_given_b(b, threshold, rho, float(k_))),
                            0, top, points=(float(k_),), epsabs=1e-13, epsrel=1e-11, limit=200)
    lower, lower_err = quad(lambda a: _chi2_density(a, k_) * float(_lower_given_a(a, threshold, rho, float(k_))),
                            0, top, points=(float(k_),), epsabs=1e-13, epsrel=1e-11, limit=200)
    return upper + lower, upper_err + lower_err + 2 * float(chdtrc(k_, top)) + 1e-13


def binomial_interval(trials: int, probability: float, error: float, rate: float) -> tuple[int, int]:
    """[lo, hi] with P(S < lo) <= rate/2 for S ~ Binomial(trials, probability - error) and P(S > hi) <= rate/2 for
    Binomial(trials, probability + error): the counts a true probability within ``error`` of ``probability``
    produces with probability at least 1 - rate."""
    from scipy.special import bdtr, bdtrc

    counts = np.arange(trials + 1)
    low_q, high_q = min(max(probability - error, 0.0), 1.0), min(max(probability + error, 0.0), 1.0)
    below = np.concatenate([[0.0], bdtr(counts[:-1], trials, low_q)])  # P(S < c) = P(S <= c - 1)
    above = bdtrc(counts, trials, high_q)  # P(S > c)
    return int(counts[below <= rate / 2].max()), int(counts[above <= rate / 2].min())


def _pair_vectors(key, n_, dim):
    """p: the first row of softmax(Q K^T / sqrt(dim)), Gaussian Q, K (n_ x dim); v: the first column of a Gaussian
    V (n_ x dim)."""
    kq, kk, kv = jax.random.split(key, 3)
    q, kx = jax.random.normal(kq, (1, dim)), jax.random.normal(kk, (n_, dim))
    v = jax.random.normal(kv, (n_, dim))[:, 0]
    return attention_matrix(q, kx)[0], v


@partial(jax.jit, static_argnames=("k_", "trials", "batch"))
def _projection_errors(key, p, v, k_, trials, batch):
    """Over ``trials`` independent E (k_ x n, N(0, 1/k_) entries), ``batch`` at a time: [(p E^T E v - p v) /
    (|p||v|), (|E p|^2 - |p|^2) / |p|^2], shape [2, trials]."""
    pv, pp = jnp.dot(p, v), jnp.dot(p, p)
    scale = jnp.sqrt(pp * jnp.dot(v, v))

    def one_batch(bk):
        e = jax.random.normal(bk, (batch, k_, p.shape[0])) / math.sqrt(k_)
        ep, ev = matmul(e, p), matmul(e, v)  # [batch, k_]
        return jnp.stack([(jnp.sum(ep * ev, axis=-1) - pv) / scale, (jnp.sum(ep * ep, axis=-1) - pp) / pp])

    out = jax.lax.map(one_batch, jax.random.split(key, trials // batch))  # [trials / batch, 2, batch]
    return jnp.moveaxis(out, 1, 0).reshape(2, trials)


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """The two pairs' normalised errors over independent projections, their counts beyond the threshold with the
    exact probabilities, and their mean squares with the exact variances."""
    k_pair, k_proj = jax.random.split(fast_key(key))
    k_ = config.k()
    p, v = run_fast(_pair_vectors, k_pair, n_=config.length, dim=config.dim)
    errors = np.asarray(_projection_errors(k_proj, p, v, k_=k_, trials=config.trials, batch=config.batch))
    p, v = np.asarray(p), np.asarray(v)
    rho = np.array([float(p @ v / math.sqrt((p @ p) * (v @ v))), 1.0])
    tails = [tail_probability(config.threshold, float(r), k_) for r in rho]
    sq = errors**2
    return Result(
        k=np.asarray(k_), threshold=np.asarray(config.threshold), rho=rho, errors=errors,
        count=np.sum(np.abs(errors) > config.threshold, axis=1), probability=np.array([q for q, _ in tails]),
        probability_error=np.array([err for _, err in tails]), mean_sq=sq.mean(axis=1),
        mean_sq_se=sq.std(axis=1, ddof=1) / math.sqrt(config.trials), variance=_pair_variance(rho, float(k_)),
    )


_PAIRS = ("(p, v), rho = p.v/(|p||v|)", "(p, p), rho = 1: |Ep|^2/|p|^2 - 1")


def count_check(result: Result, idx: int, config: Config, probability: float | None = None,
                error: float | None = None, form: str = "the exact law") -> Check:
    """The count of |error| > threshold of pair ``idx`` in the binomial interval of rate ``config.rate`` about
    T q (q: ``probability``, default the exact one, within ``error``)."""
    q = float(result.probability[idx]) if probability is None else probability
    err = float(result.probability_error[idx]) if error is None else error
    interval = binomial_interval(config.trials, q, err, config.rate)
    return numeric(ID, f"count of |pE^TEv - pv| > {config.threshold:g}|p||v| over {config.trials} independent E, "
                       f"pair {_PAIRS[idx]} = {result.rho[idx]:.3g}, k = {int(result.k)}: Binomial(T, q), q = {q:.4g} "
                       f"from {form} (two-sided rate {config.rate:g})",
                   int(result.count[idx]), "in", (float(interval[0]), float(interval[1])))


def power_check(result: Result, config: Config) -> Check:
    """The count test has power: at least 100 exceedances and 100 non-exceedances expected at every pair."""
    expected = config.trials * result.probability
    return numeric(ID, f"expected counts min(T q, T (1 - q)) over the pairs >= 100 (the count test sees a 10x "
                       f"error), T = {config.trials}", float(min(expected.min(), (config.trials - expected).min())),
                   ">=", 100.0)


def mean_square_check(result: Result, idx: int, config: Config, variance: float | None = None,
                      form: str = "(1 + rho^2)/k") -> Check:
    """|z| of the mean of error^2 of pair ``idx`` against ``variance`` (default the exact (1 + rho^2)/k)."""
    predicted = float(result.variance[idx]) if variance is None else variance
    z = abs(result.mean_sq[idx] - predicted) / result.mean_sq_se[idx]
    return numeric(ID, f"|z| of mean (pE^TEv - pv)^2/(|p||v|)^2 vs {form}, pair {_PAIRS[idx]} = "
                       f"{result.rho[idx]:.3g}, {config.trials} independent E", float(z), "<=", config.z)


def checks(result: Result, config: Config) -> list[Check]:
    """Per pair: the count beyond the threshold in its exact binomial interval, and the mean square against the
    exact variance; that the counts have power (>= 100 expected either way)."""
    out = [power_check(result, config)]
    for idx in range(len(result.rho)):
        out += [count_check(result, idx, config), mean_square_check(result, idx, config)]
    return out


# ------------------------------------------------------------------------------------------------------------------
# Wrong neighbours (numerics.neighbours), on the same Result
# ------------------------------------------------------------------------------------------------------------------

def _without_pv_term_checks(result: Result, config: Config) -> list[Check]:
    return [mean_square_check(result, idx, config, 1 / float(result.k), "1/k (the (p.v)^2 term dropped)")
            for idx in range(len(result.rho))]


ERROR_SCALE = math.sqrt(10)
"""The looser neighbour's error scale: errors sqrt(10) times the true ones, a variance bound 10 times too generous."""


def _scaled_error_checks(result: Result, config: Config) -> list[Check]:
    """Errors ``ERROR_SCALE`` times the law's: P(|e| > t) becomes the law's P(|e| > t / scale), the variance
    scale^2 (1 + rho^2)/k."""
    out = []
    for idx, r in enumerate(result.rho):
        q, err = tail_probability(config.threshold / ERROR_SCALE, float(r), int(result.k))
        out.append(count_check(result, idx, config, q, err, "errors sqrt(10) x the law's"))
        out.append(mean_square_check(result, idx, config, ERROR_SCALE**2 * float(result.variance[idx]),
                                     "10 (1 + rho^2)/k"))
    return out


NEIGHBOURS = (
    Neighbour("pair-variance-without-pv-term", "E(pE^TEv - pv)^2 = |p|^2|v|^2/k per pair (the ||PV||_F^2 term of the "
              "expectation dropped)", _without_pv_term_checks),
    Neighbour("pair-errors-sqrt10-larger", "the per-pair errors are sqrt(10) times larger than the law's: "
              "E(pE^TEv - pv)^2 = 10 (|p|^2|v|^2 + (p.v)^2)/k (a variance bound 10x too generous)",
              _scaled_error_checks, looser=True),
)
