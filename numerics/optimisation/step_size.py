r"""Experiment: gradient descent on the slide's least squares with a known spectrum, at small, large and best steps.

The data is :mod:`numerics.optimisation.exact_least_squares`: $X$ ($n \times d$) whose Hessian
$H = \tfrac2n X^\top X$ of $\mathcal E(\theta) = \frac1n\sum_i (y_i - x_i^\top\theta)^2$ (optax's ``squared_error``,
no $\tfrac12$) has eigenvalues spread over $[\mu, L]$ and eigenvectors known exactly. Gradients are ``jax.grad`` of
that risk, steps are ``optax.sgd``, everything in float64 unless said otherwise.

* **Iterations to a tolerance against $\tau$** (:func:`iteration_bounds`; runs in
  :mod:`numerics.optimisation.step_size_runs`). From $\theta_0 = \theta^\star + z$,
  $z \sim N(0, I)$, $y = X\theta^\star$: the first $\ell$ with $\|\theta_\ell - \theta^\star\| \le
  \varepsilon\|\theta_0 - \theta^\star\|$ ($\varepsilon$ = ``tolerance``) for each $\tau L$ of ``tau_L`` and for
  $\tau^\star$. The theorem brackets it exactly: $\|e_\ell\| \le q(\tau)^\ell\|e_0\|$ gives
  $\ell \le \lceil\log\varepsilon/\log q\rceil$, and $\|e_\ell\| \ge |c_i|\,|1-\tau\lambda_i|^\ell$ for the
  components $c_i$ of $e_0$ along the two extreme eigenvectors gives $\ell \ge
  \max_i \lceil \log(\varepsilon\|e_0\|/|c_i|)/\log|1-\tau\lambda_i|\rceil$. Rounding moves $\|e_\ell\|$ by a
  relative $10^{-8}$ at the crossing, which changes the count only where an end of the bracket is that close to an
  integer.
* **The divergence threshold by bisection** (:func:`numerics.optimisation.step_size_runs.bisect_threshold`), on the
  homogeneous least squares ($y = 0$: the error map does not depend on $y$) and on the logistic risk
  $\frac1{2n}\sum_i\log(1+e^{-y_ix_i^\top\theta})$ of the symmetric sample $\{(x_i, +1), (-x_i, +1)\}$, whose
  minimiser is $0$ and whose Hessian at $0$ is $X^\top X/(4n)$, the largest it gets (both risks on that doubled
  sample, where least squares is unchanged, so that one vmapped program bisects both). The oracle says "diverged" when $\|\theta_\ell\| > \|\theta_0\|$ for some
  $\ell \le N$ (``divergence_steps``), from $\theta_0$ a coordinate vector (which, by the Hadamard structure, has equal
  components $1/\sqrt d$ on every eigenvector; for the logistic risk scaled so that every margin stays below
  $10^{-5}$). For $\tau \le 2/L$ the map is non-expansive, so the oracle never fires (rounding is checked against
  the margin); for $\tau = \frac2L(1+\epsilon)$ the top component grows like
  $(1+2\epsilon)^\ell$ and fires once $\epsilon > ((\sqrt d)^{1/N} - 1)/2$, widened for the logistic curvature below
  $L$ (by at most a relative $t_{\max}^2/4$, $t_{\max}$ the largest margin, as $s(t) \ge \frac14(1 - t^2/4)$) and the
  absolute rounding of its gradient. So the found step $\hat\tau$ has $\hat\tau L/2 - 1$ in a band that the checks
  state, and is required to give $2/L$ to 3 significant digits.
* **One-step contractions to rounding** (:func:`numerics.optimisation.step_size_runs.one_step_ratios`). On ``datasets`` independent problems with
  $y = 0$ the ratio $\|\theta_1\|/\|\theta_0\|$ after one step, in float32 and float64, from four starts: a Gaussian
  vector, a Gaussian combination of the two extreme eigenvectors, and each extreme eigenvector; at every $\tau$ of
  the sweep and at $\tau^\star$. The exact value is the spectral formula $\sqrt{\sum_k(1-\tau\lambda_k)^2c_k^2/\sum_k
  c_k^2}$ (:func:`numerics.optimisation.exact_least_squares.spectral_ratios`). The worst-case rounding bound of one
  step (:func:`theorems.optimisation.step_size.one_step_rounding_bound`, first order in $u$) sits far above what is
  measured, so its sharp partner is :func:`numerics.rounding_model.format_ratio_check`: the float32 and float64
  deviations, each over its unit roundoff, have the same root mean square (generic starts only; an extreme
  eigenvector is exact data and its step may round differently in the two formats).
* **Exact line search** $\tau_\ell = g^\top g/g^\top H g$ (``jax.jvp`` for $Hg$): its loss curve, for the figure and
  the check of the Kantorovich rate $(\mathcal E_{\ell+1}-\mathcal E^\star) \le q(\tau^\star)^2(\mathcal E_\ell -
  \mathcal E^\star)$ (Luenberger & Ye 2016, §8.2).

**Wrong neighbours** (:data:`NEIGHBOURS`): the threshold $1/L$; the least-squares $L = \|X\|^2/n$ (the $\tfrac12$
convention's, without the factor 2); the best step $1/L$ with rate $1 - 1/\kappa$; the logistic $L = \|X\|^2/n$
(without the $\tfrac14$: looser, a safe but four times too small step); the rate $1 - 1/\kappa$ at $\tau^\star$
(looser, the rate of the step $1/L$).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import numpy as np

from numerics.bridge import to_jax
from numerics.neighbours import Neighbour
from numerics.optimisation import exact_least_squares as data
from numerics.optimisation import step_size_runs as runs
from numerics.precision import uses_float64
from numerics.resources import array_bytes, require_memory
from numerics.rounding_model import format_ratio_check
from numerics.validation import require_counts, require_fields, require_positive
from theorems.core import Check, numeric
from theorems.optimisation import step_size as statement

ID = statement.ID
FORMATS = ("float32", "float64")
STARTS = ("generic", "extreme plane", "lowest eigenvector", "highest eigenvector")
DIGITS = 3
"""Significant digits to which the bisection must find 2/L: a band of half-width below 10^-DIGITS / 2."""

_q_star = to_jax([statement.mu, statement.L], statement.optimal_contraction)
_threshold = to_jax([statement.L], statement.threshold)
_least_squares_L = to_jax([statement.norm_X, statement.n], statement.least_squares_smoothness)
_logistic_L = to_jax([statement.norm_X, statement.n], statement.logistic_smoothness)


@dataclass(frozen=True)
class Config:
    """Sizes n, d (powers of four), the target spectrum [mu, L], the sweep (``tau_L``: values of tau L, each in
    (0, 2)), the tolerance of the iteration count, curve length, bisection steps and rounds, independent datasets of
    the one-step ratios (at least 16: the samples of each group of the format check)."""

    n: int = 64
    d: int = 16
    mu: float = 0.1
    L: float = 1.0
    tau_L: tuple[float, ...] = (0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 1.0, 1.1, 1.3, 1.5, 1.6, 1.7, 1.9, 1.95)
    tolerance: float = 1e-8
    curve_steps: int = 200
    divergence_steps: int = 4096
    bisection_rounds: int = 48
    datasets: int = 32

    def __post_init__(self):
        require_fields(self)
        for name in ("n", "d"):
            if not data.is_power_of_four(getattr(self, name)):
                raise ValueError(f"{name} must be a power of four (1, 4, 16, 64, ...: the exact Hadamard data), "
                                 f"got {getattr(self, name)!r}")
        if self.d > self.n or self.d < 4:
            raise ValueError(f"d must be in [4, n] (d columns of the n x n Hadamard matrix, two extreme eigenvalues "
                             f"and others), got d={self.d}, n={self.n}")
        require_positive(self, "mu", "L")
        if not self.mu < self.L:
            raise ValueError(f"mu must be < L (0 < mu < L: strongly convex and not a multiple of the identity), "
                             f"got mu={self.mu!r}, L={self.L!r}")
        if not self.tau_L or not all(0 < t < 2 for t in self.tau_L):
            raise ValueError(f"tau_L holds the swept steps times L, each in (0, 2) (tau <= 0 is no step; beyond 2/L "
                             f"gradient descent diverges, which the bisection measures), got {self.tau_L!r}")
        if not 1e-12 <= self.tolerance < 1:
            raise ValueError(f"tolerance must be in [1e-12, 1) (below, float64 rounding of the iterates decides the "
                             f"count), got {self.tolerance!r}")
        require_counts(self, "curve_steps", "divergence_steps", "bisection_rounds", "datasets")
        if self.divergence_steps > 2**20:
            raise ValueError(f"divergence_steps must be <= 2^20 (every bisection round runs them in sequence), "
                             f"got {self.divergence_steps!r}")
        if not 20 <= self.bisection_rounds <= 60:
            raise ValueError(f"bisection_rounds must be in [20, 60] (a bracket 2^-20 of its start for {DIGITS} digits; "
                             f"float64 has 53 bits to halve), got {self.bisection_rounds!r}")
        if runs.growth_resolution(math.sqrt(self.d), self.divergence_steps) > 10.0**-DIGITS / 4:
            raise ValueError(f"divergence_steps={self.divergence_steps} cannot resolve 2/L to {DIGITS} digits at "
                             f"d={self.d}: ((sqrt d)^(1/N) - 1)/2 must be below {10.0**-DIGITS / 4:g}")
        if self.datasets < 16:
            raise ValueError(f"datasets must be >= 16 (samples of each group of the format check), "
                             f"got {self.datasets!r}")
        if self.curve_steps > 10**6:
            raise ValueError(f"curve_steps must be <= 10^6, got {self.curve_steps!r}")
        require_memory(self, ("n", "d", "tau_L", "curve_steps", "datasets"))
        if data.data_bits(self.n, self.d, self.mu, self.L) > 24:
            raise ValueError(f"L={self.L!r} with d={self.d}, n={self.n}: the exact data needs "
                             f"{data.data_bits(self.n, self.d, self.mu, self.L)} bits, more than float32's 24")

    @property
    def steps(self) -> int:
        """Scan length of the sweep: the theorem's upper bound on the count at the slowest step, plus one (for the
        snapped spectrum, a function of the config)."""
        low, high = runs.snapped_extremes(self.n, self.d, self.mu, self.L)
        taus = np.append(np.asarray(self.tau_L) / high, 2 / (high + low))
        return int(math.ceil(float(np.max(runs.upper_counts(taus, low, high, self.tolerance))))) + 1

    def peak_bytes(self) -> int:
        """The sweep's errors and risks per (tau, step); the one-step ratios' data (datasets, n, d) in both formats,
        their starts and ratios; the bisection's problems. The scan length is bounded by the count at the slowest
        step, (log 1/tolerance)/(tau_min mu), without building the spectrum."""
        sweep = len(self.tau_L) + 1
        slowest = math.log(1 / self.tolerance) / (min(self.tau_L) / self.L * self.mu * 0.99) + 2
        return (array_bytes(2 * sweep, int(min(slowest, 1e15)) + self.curve_steps)
                + array_bytes(2 * self.datasets, self.n * self.d + (sweep + 1) * len(STARTS) * (self.d + 2))
                + array_bytes(4 * self.n, self.d))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: n = 16, d = 4, five steps of the sweep, 16 datasets."""
        return cls(n=16, d=4, tau_L=(0.1, 0.5, 1.0, 1.5, 1.9), curve_steps=50, divergence_steps=2048,
                   bisection_rounds=40, datasets=16)


@dataclass(frozen=True)
class Result:
    """Data (dataset 0): extreme eigenvalues ``mu``, ``L``; ``norm_X`` = ||X||_2 and ``norm_X_logistic`` =
    ||[X; -X]||_2.

    Sweep, per step of ``taus`` (tau_L / L, then tau*): ``iterations`` measured; the start's ``start_components``
    (|c| along the eigenvectors of mu and L) and ``start_norm``; ``curves`` [tau, step] the risk from step 0;
    ``line_search`` the risk under exact line search. Bisection: ``threshold_ls``, ``threshold_logistic`` (found
    steps), ``band_ls``, ``band_logistic`` (lo, hi of step L/2 - 1 the oracle allows). One-step ratios [format,
    dataset, tau, start]: ``ratio`` measured, ``deviation`` (measured - exact), ``ratio_bound`` (worst-case)."""

    mu: np.ndarray
    L: np.ndarray
    norm_X: np.ndarray
    norm_X_logistic: np.ndarray
    taus: np.ndarray
    iterations: np.ndarray
    start_components: np.ndarray
    start_norm: np.ndarray
    curves: np.ndarray
    line_search: np.ndarray
    threshold_ls: np.ndarray
    threshold_logistic: np.ndarray
    band_ls: np.ndarray
    band_logistic: np.ndarray
    ratio: np.ndarray
    deviation: np.ndarray
    ratio_bound: np.ndarray


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Sweep, line search and bisections on dataset 0; one-step ratios on ``datasets`` datasets, both formats."""
    rng = data.generator(key)
    problem = data.least_squares(rng, config.n, config.d, config.mu, config.L)
    taus = np.append(np.asarray(config.tau_L) / problem.L, float(runs.optimal_step(problem.mu, problem.L)))
    sweep = runs.sweep(problem, rng, taus, config.tolerance, config.steps, config.curve_steps)
    for tau, count in zip(taus, sweep.iterations):
        if count < 0:
            raise FloatingPointError(f"gradient descent at tau = {tau!r} (tau L = {tau * problem.L:.4g}) did not "
                                     f"reach the tolerance in {config.steps} steps (diverged or NaN)")
    least, logistic = runs.bisect_threshold(problem, config.divergence_steps, config.bisection_rounds)
    problems = [problem] + [data.least_squares(rng, config.n, config.d, config.mu, config.L)
                            for _ in range(config.datasets - 1)]
    ratio, deviation, bound = runs.one_step_ratios(problems, rng, taus, FORMATS)
    return Result(mu=np.asarray(problem.mu), L=np.asarray(problem.L), norm_X=np.asarray(np.linalg.norm(problem.X, 2)),
                  norm_X_logistic=np.asarray(np.linalg.norm(np.concatenate([problem.X, -problem.X]), 2)),
                  taus=taus, iterations=sweep.iterations, start_components=sweep.start_components,
                  start_norm=np.asarray(sweep.start_norm), curves=sweep.curves, line_search=sweep.line_search,
                  threshold_ls=np.asarray(least.step), threshold_logistic=np.asarray(logistic.step),
                  band_ls=np.asarray(least.band), band_logistic=np.asarray(logistic.band), ratio=ratio,
                  deviation=deviation, ratio_bound=bound)


def iteration_bounds(result: Result, mu: float, L: float, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """The theorem's bracket (lower, upper) of the iteration count at each step, for extremes mu and L: the count
    is at least ceil(lower), at most ceil(upper) (module docstring)."""
    taus = np.asarray(result.taus)
    upper = runs.upper_counts(taus, mu, L, tolerance)
    lower = np.zeros(taus.size)
    for lam, component in zip((mu, L), np.asarray(result.start_components)):
        factor = np.abs(1 - taus * lam)
        safe = np.where((factor > 0) & (factor < 1), factor, 0.5)
        bound = np.log(tolerance * float(result.start_norm) / component) / np.log(safe)
        lower = np.maximum(lower, np.where((factor > 0) & (factor < 1), bound, 0.0))
    return lower, upper


# ---------------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------------

def sweep_checks(result: Result, config: Config, mu: float, L: float) -> list[Check]:
    """Each measured count in the theorem's bracket for the spectrum with extremes mu, L."""
    lower, upper = iteration_bounds(result, mu, L, config.tolerance)
    return [numeric(ID, f"iterations to {config.tolerance:g} at tau L = {tau * float(result.L):.4g} in the "
                        f"bracket of |c_i| |1 - tau lambda_i|^l <= ||e_l|| <= q(tau)^l ||e_0||", int(count), "in",
                    (math.ceil(low), math.ceil(high)))
            for tau, count, low, high in zip(result.taus, result.iterations, lower, upper)]


def bisection_checks(result: Result, least_squares_L: float, logistic_L: float) -> list[Check]:
    """Each found step over 2/L (lambdified) minus one, for the claimed L, against the oracle's band (lo, hi): its
    distance from the band's centre over the band's half-width is at most 1; the band resolves 2/L to DIGITS
    significant digits."""
    out = []
    for name, step, band, smoothness in (("least squares", result.threshold_ls, result.band_ls, least_squares_L),
                                         ("logistic", result.threshold_logistic, result.band_logistic, logistic_L)):
        offset = float(step) / float(_threshold(smoothness)) - 1
        low, high = (float(b) for b in band)
        out.append(numeric(ID, f"{name}: bisected divergence threshold / (2/L) - 1 with L = {smoothness:.6g}, in the "
                               f"oracle's band [{low:.3g}, {high:.3g}] (distance from its centre / half-width)",
                           abs(offset - (low + high) / 2) / ((high - low) / 2), "<=", 1.0))
    width = max(float(np.max(np.abs(result.band_ls))), float(np.max(np.abs(result.band_logistic))))
    out.append(numeric(ID, f"the bisection resolves 2/L to {DIGITS} digits: band half-width <= "
                           f"{0.5 * 10.0**-DIGITS:g}", width, "<=", 0.5 * 10.0**-DIGITS))
    return out


def _unit(dtype: str) -> float:
    return float(np.finfo(np.dtype(dtype)).eps) / 2


def ratio_checks(result: Result, best_rate: float) -> list[Check]:
    """One-step contractions (float64): every ratio is the spectral formula within its rounding bound; at tau* the
    extreme-plane start contracts by ``best_rate`` (within rounding and the rounding of tau* itself,
    |r(fl tau*) - r(tau*)| <= L |fl tau* - tau*| <= 4 u tau* L); no step of the sweep contracts its worse extreme
    eigendirection faster than ``best_rate``; and the format check (sharp partner of the first)."""
    f64 = FORMATS.index("float64")
    deviation, bound, ratio = result.deviation[f64], result.ratio_bound[f64], result.ratio[f64]
    plane, low, high = (STARTS.index(name) for name in ("extreme plane", "lowest eigenvector", "highest eigenvector"))
    slack = 4 * _unit("float64") * float(result.taus[-1]) * float(result.L)
    at_best = ratio[:, -1, plane]
    worst = np.maximum(ratio[:, :, low] + bound[:, :, low], ratio[:, :, high] + bound[:, :, high])
    groups = [(t, s) for t in range(result.taus.size) for s in (STARTS.index("generic"), plane)]
    squared = [np.stack([(result.deviation[f][:, t, s] / _unit(fmt)) ** 2 for t, s in groups])
               for f, fmt in enumerate(FORMATS)]
    return [
        numeric(ID, "one step: max |measured ratio - spectral formula| / worst-case rounding bound, every start, "
                    "step and dataset (float64)", float(np.max(np.abs(deviation) / bound)), "<=", 1.0),
        numeric(ID, f"at tau* the extreme-plane start contracts by {best_rate:.12g}: max over datasets of "
                    f"|ratio - rate| / (rounding bound + rounding of tau*)",
                float(np.max(np.abs(at_best - best_rate) / (bound[:, -1, plane] + slack))), "<=", 1.0),
        numeric(ID, f"no step of the sweep contracts its worse extreme eigendirection faster than {best_rate:.12g} "
                    f"(min over steps and datasets, plus rounding)", float(np.min(worst)), ">=", best_rate),
        format_ratio_check(ID, "one-step deviation from the spectral formula over u: RMS float32 / RMS float64 "
                               "(generic and extreme-plane starts)", squared[0], squared[1]),
    ]


def line_search_checks(result: Result, best_rate: float) -> list[Check]:
    """Exact line search: the largest per-step ratio of the risk gap is at most best_rate^2 (Kantorovich)."""
    gaps = np.asarray(result.line_search)
    return [numeric(ID, "exact line search: max_l (E_l+1 - E*)/(E_l - E*) <= q(tau*)^2 (Kantorovich)",
                    float(np.max(gaps[1:] / gaps[:-1])), "<=", best_rate**2)]


def judged(result: Result, config: Config, least_squares_L=None, logistic_L=None, spectrum_scale: float = 1.0,
           best_rate=None) -> list[Check]:
    """The checks of a claim about the same run: its L of least squares and of logistic regression, the scale of the
    spectrum it believes (that of 2 X^T X/n times ``spectrum_scale``), its best rate."""
    mu, L = float(result.mu) * spectrum_scale, float(result.L) * spectrum_scale
    least_squares_L = float(_least_squares_L(float(result.norm_X), config.n)) if least_squares_L is None \
        else least_squares_L
    logistic_L = float(_logistic_L(float(result.norm_X_logistic), 2 * config.n)) if logistic_L is None else logistic_L
    best_rate = float(_q_star(float(result.mu), float(result.L))) if best_rate is None else best_rate
    return (sweep_checks(result, config, mu, L) + bisection_checks(result, least_squares_L, logistic_L)
            + ratio_checks(result, best_rate) + line_search_checks(result, best_rate))


def checks(result: Result, config: Config) -> list[Check]:
    """The theorem's checks: counts in their brackets, thresholds 2/L with L = 2||X||^2/n and ||X_log||^2/(4 n_log),
    contraction (kappa - 1)/(kappa + 1) at tau* and nothing faster, the format check, the line search's rate."""
    return judged(result, config)


def _slower_rate(result: Result) -> float:
    """1 - 1/kappa: the rate of the step 1/L."""
    return 1 - float(result.mu) / float(result.L)


NEIGHBOURS = (
    Neighbour("threshold-one-over-L", "gradient descent diverges beyond tau = 1/L (the threshold is 1/L, not 2/L)",
              lambda r, c: judged(r, c, least_squares_L=2 * float(_least_squares_L(float(r.norm_X), c.n)),
                                  logistic_L=2 * float(_logistic_L(float(r.norm_X_logistic), 2 * c.n)))),
    Neighbour("least-squares-L-without-2",
              "least squares (1/n) sum (y - x^T theta)^2 has L = ||X||^2/n and Hessian X^T X/n (the 1/2 convention's)",
              lambda r, c: judged(r, c, least_squares_L=float(r.norm_X) ** 2 / c.n, spectrum_scale=0.5)),
    Neighbour("best-step-one-over-L", "the best constant step is 1/L, with rate 1 - 1/kappa",
              lambda r, c: judged(r, c, best_rate=_slower_rate(r))),
    Neighbour("logistic-L-without-quarter", "the logistic risk has L = ||X||^2/n (a safe step four times too small)",
              lambda r, c: judged(r, c, logistic_L=float(r.norm_X_logistic) ** 2 / (2 * c.n)), looser=True),
    Neighbour("rate-one-minus-inverse-kappa",
              "at tau* = 2/(L + mu) the error shrinks by at most 1 - 1/kappa per step (the rate of tau = 1/L)",
              lambda r, c: ratio_checks(r, _slower_rate(r))[1:2], looser=True),
)
"""Wrong neighbours (module docstring)."""
