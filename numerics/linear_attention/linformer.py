r"""Experiment: Linformer's projection of the sequence axis errs additively, as Johnson–Lindenstrauss says.

**wang2020.** $P = \mathrm{softmax}(QK^\top/\sqrt d)$ for Gaussian $Q, K$ and mean-zero Gaussian $V$; $E$ with
$\mathcal N(0,1/k)$ entries at $k = \lceil 40\log n\rceil$ ($\varepsilon = 1/2$). Counted: pairs $(i, c)$ with
$|(PE^\top EV - PV)_{ic}| > \varepsilon|p_i||v_c|$, against the per-pair probability bound $4e^{-(\varepsilon^2 -
\varepsilon^3)k/4}$ (the expected fraction is below it; by Markov's inequality the check fails with probability at
most the true per-pair rate over the bound, and the true rate of a sum of $k \ge 222$ products at $5\sigma$ is tiny:
0 exceedances in $2\cdot10^6$ pairs here). Compared: the mean of $\|(PE^\top)(EV) - PV\|_F^2$ over trials against
$(\|P\|_F^2\|V\|_F^2 + \|PV\|_F^2)/k$, by a $t$ statistic with the Student quantile of two-sided rate $2\cdot10^{-9}$
(:func:`t_bound`: 7.0 for 64 trials, 8.3 for 32). Checked too: the relative error $\|PE^\top EV - PV\|_F/\|PV\|_F$
is above $\varepsilon$ (the relative bound fails for $\tilde P = PE^\top E$, the matrix of Theorem 1's JL proof step;
it is about $\sqrt{(n+1)/k}$; Theorem 1 itself only claims that some low-rank $\tilde P$ exists). Reported:
the singular values of $P$ at temperatures 0.25, 1, 4 and the rank holding 90% of $\|P\|_F^2$ (seed 0: 41, 69, 113
at $n = 128, 256, 512$ and temperature 1, i.e. growing like $n^{0.73}$; 1 at temperature 4, where $P$ is nearly
the uniform matrix).

That fraction check is vacuous (0 measured against a bound of $10^{-3}$ to $10^{-2}$): it is kept as the theorem's
worst-case form, and its sharp partner, counts over *independent* projections at a threshold where more than 100
exceedances are expected, against the exact law of one pair, is :mod:`numerics.linear_attention.linformer_counts`.

**Wrong neighbours** (:data:`NEIGHBOURS`, on the same Result; the per-pair ones are in ``linformer_counts``): the
relative form, $|pE^\top Ev - pv| \le \varepsilon|pv|$ per pair (counted here too: most pairs exceed it) and
$\|\cdot\|_F \le \varepsilon\|PV\|_F$; the expectation over $k^2$ instead of $k$; and, looser, 10 times the
expectation, rejected by the two-sided $t$ test.

Random numbers come from JAX's ``rbg`` generator seeded by the given key (:func:`fast_key`): threefry's bit
generation for millions of draws takes about 6 s to compile on this CPU, rbg under 0.5 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.linear_attention.compiling import run_fast
from numerics.linear_attention.forms import matmul
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields
from theorems.core import Check, numeric
from theorems.linear_attention import linformer as statement

ID = statement.ID


@dataclass(frozen=True)
class Config:
    """Sequence lengths and trials per length, head width, eps; spectra: lengths and temperatures."""

    lengths: tuple[int, ...] = (256, 512)
    trials: tuple[int, ...] = (64, 32)
    dim: int = 64
    eps: float = 0.5
    spectrum_lengths: tuple[int, ...] = (128, 256, 512)
    temperatures: tuple[float, ...] = (0.25, 1.0, 4.0)

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "dim")
        if len(self.lengths) != len(self.trials):
            raise ValueError(f"trials must have one count per length ({len(self.lengths)}), got {self.trials!r}")
        for n_ in self.lengths + self.spectrum_lengths:
            if n_ < 8:
                raise ValueError(f"lengths and spectrum_lengths must be >= 8, got {n_!r}")
        for t in self.trials:
            if t < 2:
                raise ValueError(f"trials must be >= 2, got {t!r}")
        if not 0 < self.eps < 1:
            raise ValueError(f"eps must be in (0, 1), got {self.eps!r}")
        for t in self.temperatures:
            if not t > 0:
                raise ValueError(f"temperatures must be > 0, got {t!r}")
        require_memory(self, ("lengths", "trials", "eps", "dim", "spectrum_lengths", "temperatures"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64), summed over the programs. Per length n (k = 5 ln n / (eps^2 - eps^3) + 1,
        :func:`projected_length`'s k before rounding up): Q, K, V, PV and the tolerances (n, dim), P (n, n), and one
        trial's E (k, n), P E^T (n, k), E V (k, dim), the error (n, dim) (the trials run one after another), and the
        errors (trials,). Per spectrum length: the attention matrices (temperatures, n, n), three times with the
        SVD's copies."""
        total = 0
        for n_, trials in zip(self.lengths, self.trials):
            k_ = int(min(5 * math.log(n_) / max(self.eps**2 - self.eps**3, 1e-300), 1e30)) + 1
            total += array_bytes(n_ * (6 * self.dim + n_ + 2 * k_) + k_ * self.dim + trials)
        for n_ in self.spectrum_lengths:
            total += 3 * array_bytes(len(self.temperatures), n_, n_)
        return total

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: one length (n = 64, k = 167 > n) of 16 trials, spectra at n = 32 and 64."""
        return cls(lengths=(64,), trials=(16,), spectrum_lengths=(32, 64))


@dataclass(frozen=True)
class Result:
    """Per length: k, pairs tested, exceedances of eps|p||v| and of eps|p.v|, the per-pair probability bound, the
    mean squared Frobenius error and its standard error, the exact expectation, the relative error ||error||/||PV||.
    Spectra: singular values of P, [length, temperature, index] (zero-padded), and the 90%-energy rank."""

    lengths: np.ndarray
    k: np.ndarray
    pairs: np.ndarray
    exceedances: np.ndarray
    relative_exceedances: np.ndarray
    failure_bound: np.ndarray
    mean_sq_error: np.ndarray
    mean_sq_error_se: np.ndarray
    expected_sq_error: np.ndarray
    relative_error: np.ndarray
    spectrum_lengths: np.ndarray
    temperatures: np.ndarray
    singular_values: np.ndarray
    rank90: np.ndarray


_eps_k = to_jax([statement.n, statement.eps], statement.linformer_k())
_pair_failure = to_jax([statement.eps, statement.k], statement.pair_failure())
_expected = to_jax([statement.P_F2, statement.V_F2, statement.PV_F2, statement.k],
                   statement.expected_squared_error(statement.P_F2, statement.V_F2, statement.PV_F2, statement.k))


@uses_float64
def projected_length(n_: int, eps_: float) -> int:
    """k = ceil(5 log n / (eps^2 - eps^3)), lambdified from the statement."""
    return int(math.ceil(float(_eps_k(float(n_), eps_))))


def attention_matrix(q: jax.Array, k: jax.Array, temperature: float = 1.0) -> jax.Array:
    """P = softmax(q k^T / (temperature sqrt(d))), row by row: (n, d) queries and keys to an n x n matrix."""
    return jax.nn.softmax(matmul(q, k.T) / (temperature * math.sqrt(q.shape[1])), axis=1)


def _projection_trials(key, n_, k_, dim, trials, eps_):
    """For one P and V: exceedances of eps|p_i||v_c| and of eps|p_i v_c| (the relative form) summed over
    ``trials`` draws of E (k_ x n_), the squared Frobenius error of each draw, and ||P||_F^2, ||V||_F^2,
    ||PV||_F^2."""
    kq, kk, kv, ke = jax.random.split(key, 4)
    q, kx = jax.random.normal(kq, (n_, dim)), jax.random.normal(kk, (n_, dim))
    v = jax.random.normal(kv, (n_, dim))
    p = attention_matrix(q, kx)
    pv = matmul(p, v)
    tol = eps_ * jnp.linalg.norm(p, axis=1)[:, None] * jnp.linalg.norm(v, axis=0)[None, :]

    def one(ek):
        e = jax.random.normal(ek, (k_, n_)) / math.sqrt(k_)
        err = matmul(matmul(p, e.T), matmul(e, v)) - pv
        return jnp.sum(jnp.abs(err) > tol), jnp.sum(jnp.abs(err) > eps_ * jnp.abs(pv)), jnp.sum(err**2)

    exceed, relative, sq = jax.lax.map(one, jax.random.split(ke, trials))
    return (jnp.sum(exceed), jnp.sum(relative), sq, jnp.sum(p**2), jnp.sum(v**2), jnp.sum(pv**2))


def _attention_matrices(key, n_, dim, temperatures):
    """softmax(Q K^T / (T sqrt(dim))) for one Gaussian Q, K and each temperature T: [temperature, n_, n_]."""
    kq, kk = jax.random.split(key)
    q, kx = jax.random.normal(kq, (n_, dim)), jax.random.normal(kk, (n_, dim))
    return jnp.stack([attention_matrix(q, kx, t) for t in temperatures])


def spectrum(key, n_: int, dim: int, temperatures: tuple[float, ...]) -> np.ndarray:
    """Singular values of softmax(Q K^T / (T sqrt(dim))) for Gaussian Q, K, one row per temperature T. The SVD is
    LAPACK's through NumPy: XLA's SVD compiles for seconds per size, for a computation that is not timed here."""
    mats = np.asarray(run_fast(_attention_matrices, key, n_=n_, dim=dim, temperatures=temperatures))
    return np.linalg.svd(mats, compute_uv=False)


def energy_rank(singular_values: np.ndarray, fraction: float = 0.9) -> int:
    """Smallest r with sum_{i<r} s_i^2 >= fraction * sum s_i^2."""
    energy = np.cumsum(np.asarray(singular_values) ** 2)
    return int(np.searchsorted(energy, fraction * energy[-1]) + 1)


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Per length: exceedances of the additive JL bound and the mean squared error over trials of E; spectra of P
    at every spectrum length and temperature."""
    keys = jax.random.split(fast_key(key), len(config.lengths) + len(config.spectrum_lengths))
    rows = []
    for n_, trials, kk in zip(config.lengths, config.trials, keys):
        k_ = projected_length(n_, config.eps)
        exceed, relative, sq, p2, v2, pv2 = run_fast(_projection_trials, kk, n_=n_, k_=k_, dim=config.dim,
                                                      trials=trials, eps_=config.eps)
        sq = np.asarray(sq)
        rows.append((k_, n_ * config.dim * trials, int(exceed), int(relative),
                     float(_pair_failure(config.eps, float(k_))), sq.mean(), sq.std(ddof=1) / math.sqrt(trials),
                     float(_expected(p2, v2, pv2, float(k_))), float(np.sqrt(sq.mean() / float(pv2)))))
    cols = list(zip(*rows))
    top = max(config.spectrum_lengths)
    spectra = np.zeros((len(config.spectrum_lengths), len(config.temperatures), top))
    ranks = np.zeros((len(config.spectrum_lengths), len(config.temperatures)), dtype=np.int64)
    for s_idx, (n_, kk) in enumerate(zip(config.spectrum_lengths, keys[len(config.lengths):])):
        sv = spectrum(kk, n_, config.dim, tuple(config.temperatures))
        spectra[s_idx, :, :n_] = sv
        ranks[s_idx] = [energy_rank(x) for x in sv]
    return Result(
        lengths=np.asarray(config.lengths), k=np.asarray(cols[0]), pairs=np.asarray(cols[1]),
        exceedances=np.asarray(cols[2]), relative_exceedances=np.asarray(cols[3]),
        failure_bound=np.asarray(cols[4]), mean_sq_error=np.asarray(cols[5]), mean_sq_error_se=np.asarray(cols[6]),
        expected_sq_error=np.asarray(cols[7]), relative_error=np.asarray(cols[8]),
        spectrum_lengths=np.asarray(config.spectrum_lengths), temperatures=np.asarray(config.temperatures, dtype=np.float64), singular_values=spectra, rank90=ranks)


def t_bound(trials: int, two_sided_rate: float = 2e-9) -> float:
    """The Student-t quantile with trials - 1 degrees of freedom exceeded (in absolute value) with the given rate:
    the t statistic of a mean of normal draws, sized for its real tails (6.0 would be a normal's)."""
    from scipy.special import stdtrit  # the inverse of Student's t distribution function (lighter than stats)

    return float(-stdtrit(trials - 1, two_sided_rate / 2))


def exceedance_check(result: Result, idx: int, count: np.ndarray | None = None, form: str = "eps|p_i||v_j|") -> Check:
    """The fraction of pairs with |error| > ``form`` (default: the additive eps|p_i||v_j|, ``result.exceedances``)
    at length ``result.lengths[idx]``, against the JL per-pair bound 4 exp(-(eps^2 - eps^3)k/4)."""
    count = result.exceedances if count is None else count
    return numeric(ID, f"fraction of pairs with |error| > {form}, n = {result.lengths[idx]}, k = {result.k[idx]} "
                       f"({count[idx]} of {result.pairs[idx]}) <= 4 exp(-(eps^2-eps^3)k/4)",
                   count[idx] / result.pairs[idx], "<=", result.failure_bound[idx])


def frobenius_check(result: Result, idx: int, config: Config, factor: float = 1.0, form: str = "/k") -> Check:
    """|t| of the mean squared Frobenius error over trials against ``factor`` times its exact expectation
    (``form`` names the prediction), bounded by the Student quantile of two-sided rate 2e-9."""
    trials = config.trials[idx]
    expected = factor * result.expected_sq_error[idx]
    t_stat = (result.mean_sq_error[idx] - expected) / result.mean_sq_error_se[idx]
    return numeric(ID, f"|t| of mean ||(PE^T)(EV) - PV||_F^2 vs (|P|^2|V|^2 + |PV|^2){form}, n = "
                       f"{result.lengths[idx]}, {trials} trials (bound: Student t_{trials - 1} two-sided 2e-9)",
                   abs(t_stat), "<=", t_bound(trials))


def checks(result: Result, config: Config) -> list[Check]:
    """Per length: exceedance fraction <= the JL per-pair bound (vacuous: its sharp partner is
    :mod:`numerics.linear_attention.linformer_counts`); |t| of the mean squared error vs its exact expectation
    (Student bound); the relative error ||error||_F / ||PV||_F >= eps (the relative bound fails for P̃ = PEᵀE)."""
    out = []
    for idx, n_ in enumerate(result.lengths):
        out.append(exceedance_check(result, idx))
        out.append(frobenius_check(result, idx, config))
        out.append(numeric(ID, "the relative bound fails for P̃ = PEᵀE with mean-zero V: "
                               f"||PE^TEV - PV||_F / ||PV||_F >= eps, n = {n_}",
                           result.relative_error[idx], ">=", config.eps))
    return out


# ------------------------------------------------------------------------------------------------------------------
# Wrong neighbours (numerics.neighbours), on the same Result; the per-pair ones are in linformer_counts
# ------------------------------------------------------------------------------------------------------------------

def _relative_form_checks(result: Result, config: Config) -> list[Check]:
    """What the relative form would make hold: few pairs beyond eps|p_i v_j| and ||error||_F <= eps ||PV||_F."""
    out = []
    for idx, n_ in enumerate(result.lengths):
        out.append(exceedance_check(result, idx, result.relative_exceedances, "eps|p_i v_j| (relative)"))
        out.append(numeric(ID, f"relative form: ||PE^TEV - PV||_F / ||PV||_F <= eps, n = {n_}",
                           result.relative_error[idx], "<=", config.eps))
    return out


def _frobenius_neighbour(factor_of_k: Callable[[float], float], form: str) -> Callable[[Result, Config], list[Check]]:
    """The t test of every length against the expectation times ``factor_of_k(k)``."""
    def neighbour_checks(result: Result, config: Config) -> list[Check]:
        return [frobenius_check(result, idx, config, factor_of_k(float(result.k[idx])), form)
                for idx in range(len(result.lengths))]
    return neighbour_checks


NEIGHBOURS = (
    Neighbour("relative-form", "|p E^T E v - p v| <= eps |p v| per pair and ||PE^TEV - PV||_F <= eps ||PV||_F "
              "(Theorem 1's relative form, for the JL step's P̃ = PEᵀE)", _relative_form_checks),
    Neighbour("expectation-over-k-squared", "E||(PE^T)(EV) - PV||_F^2 = (||P||^2||V||^2 + ||PV||^2)/k^2 (the 1/k "
              "of E's entries squared once more)", _frobenius_neighbour(lambda k_: 1 / k_, "/k^2")),
    Neighbour("expectation-ten-times", "E||(PE^T)(EV) - PV||_F^2 = 10 (||P||^2||V||^2 + ||PV||^2)/k (a bound 10x "
              "too generous, read as the error)", _frobenius_neighbour(lambda k_: 10.0, " x 10/k"), looser=True),
)
