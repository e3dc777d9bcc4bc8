r"""Experiment: SGD with steps $\tau/\ell$ on a noisy quadratic, many seeds vmapped; the rate's exponent and the floor.

**Problem.** $\mathcal E(\theta) = \tfrac12(\theta-\theta^\star)^\top H(\theta-\theta^\star)$, $H$ with eigenvalues
spread over $[\mu, L]$ (``d`` of them; written in its eigenbasis, which changes no law below), stochastic gradients
$g = \nabla\mathcal E(\theta) + \xi$ with $\xi \sim N(0, s^2 I)$ independent across steps and seeds ($s$ = ``noise``),
start $\theta_{\ell_0} - \theta^\star \sim N(0, r^2 I)$ ($r$ = ``start_radius``). Steps ``optax.sgd`` with the
schedule $\tau/\ell$ from $\ell_0 = \lceil 10\tau L\rceil$ (so $\tau_\ell L \le 0.1$: no early overshoot), for each
$\tau\mu$ of ``tau_mu``, and constant steps $\tau$ for each $\tau\mu$ of ``constant_tau_mu``; ``seeds`` runs each,
vmapped, float64 (its rounding, $10^{-16}$ a step, is negligible against the statistics). Recorded: the mean over
seeds of $\|\theta_\ell - \theta^\star\|^2$ at every step.

**Exact law.** The error is a linear function of Gaussians, so along eigenvector $i$ it is $N(0, v^{(i)}_\ell)$ with
$v$ from the recursion of :func:`theorems.optimisation.robbins_monro.prove_second_moment_recursion` (computed here in
float64), independent across directions and seeds; $\mathbb E\|\theta_\ell-\theta^\star\|^2 = \sum_i v^{(i)}_\ell$.

**Checks** (false-alarm rate ``false_alarm`` $= 10^{-6}$ for the whole module, split over its events by a union
bound; every deviation bound is Laurent & Massart's for Gaussian quadratic forms, :mod:`numerics.optimisation.
gaussian_forms` (B. Laurent and P. Massart, Ann. Statist. 28(5), 2000, Lemma 1): for $Y = \sum_j a_j(Z_j^2 - 1)$, $a_j \ge 0$, $P(Y \ge 2\|a\|_2\sqrt x +
2\|a\|_\infty x) \le e^{-x}$ and $P(Y \le -2\|a\|_2\sqrt x) \le e^{-x}$ — exact tails, no normal approximation):

* **means** — the mean over seeds at ``checkpoints`` log-spaced steps of the fit window (below) lies within its
  Laurent–Massart interval around the exact expectation (two-sided);
* **slope** — the least-squares slope of $\log$ mean against $\log\ell$ over the window $[10\ell_0, \ell_0 + N]$ equals
  $-\min(1, 2\tau\mu)$ within a *statistical* part plus a *next-order* part. Statistical: the slope's deviation
  from that of the exact expectation is $\sum_k w_k\log(1+\delta_k)$ ($\delta_k$ the relative deviations of the
  means); its linear part $\sum_k w_k\delta_k$ is a signed Gaussian quadratic form (eigenvalues of
  $C_i^{1/2}WC_i^{1/2}$ with $C_i$ the covariance of direction $i$ across checkpoints,
  $\operatorname{Cov}(e_k, e_m) = v_k\prod_{j=k}^{m-1}(1-\tau_j\lambda_i)$), bounded by Laurent–Massart on its positive
  and negative parts, and the rest by $\sum_k|w_k|\eta_k^2/(2(1-\eta_k))$ with $\eta_k$ the means' interval
  half-widths. Next order: the slope of the exact expectation is a positive average of one-step log-slopes
  $\log(V_{\ell+1}/V_\ell)/\log(1+1/\ell)$, which differ from their limit by the next-order terms of the
  expansion (:func:`theorems.optimisation.robbins_monro.prove_local_slope`: $a^2/\ell$, the $\ell^{-2a}$ transient,
  the $\ell^{-1}$ term against $\ell^{-2a}$, the faster directions). Without using the claimed exponent: the largest
  distance of a window's local slope from the exact local slope at $\ell_{\rm far} = 100(\ell_0 + N)$ (the exact
  moments in closed form, :func:`exact_log_moments`), plus the rest beyond $\ell_{\rm far}$, bounded by the change of
  the local slope over the decade before it times $10^{-p}/(1-10^{-p})$ for terms decaying like $\ell^{-p}$
  (:func:`tail_exponent`). Both parts are properties of the run, not of a claim: a wrong exponent meets the same
  tolerance;
* **floors** — for each constant step, the mean at the last step within its interval around the exact value, the
  floor $\sum_i\tau s^2/(\lambda_i(2-\tau\lambda_i))$ (lambdified) plus the transient
  $(r^2 - v^{(i)}_\infty)(1-\tau\lambda_i)^{2N}$; and the ratio of the two floors within the interval those give
  around the exact ratio (about $\tau_2/\tau_1$: the floor is proportional to $\tau$ to first order).

**Wrong neighbours** (:data:`NEIGHBOURS`): slope $-1$ whatever $\tau\mu$; the exponent of $\|\theta_\ell-\theta^\star\|$
taken for that of its square, $-\min(1, \tau\mu)$; an upper bound's exponent $-\tau\mu/2$ below $\tau\mu = 2$
(looser: a valid but loose rate, claimed as the rate); a floor proportional to $\tau^2$.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax
import sympy as sp

from numerics.bridge import to_jax
from numerics.neighbours import Neighbour
from numerics.optimisation.gaussian_forms import fit_weights, mean_interval, slope_statistical
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive
from theorems.core import Check, numeric
from theorems.optimisation import robbins_monro as statement

ID = statement.ID
WINDOW = 10
"""The fit window starts at WINDOW times the first step index l0."""
GAP = 0.1
"""|tau mu - 1/2| must be at least GAP: at 1/2 the rate is log(l)/l and no power of l is the slope."""

_exponent = to_jax([statement.tau, statement.mu], statement.rate_exponent)
_floor = to_jax([statement.tau, statement.s, statement.lam], statement.constant_step_floor)
_growth = sp.lambdify([statement.a, statement.ell], sp.diff(statement.recursion, statement.v), "numpy")
_injected = sp.lambdify([statement.ell, statement.tau, statement.s], statement.recursion.subs(statement.v, 0),
                        "numpy")
"""The recursion v_(l+1) = alpha_l v_l + beta_l of the statement split into alpha (d/dv) and beta (at v = 0), NumPy."""
FAR = 100
"""The exact local slope is also evaluated FAR times beyond the end of the simulated steps (the next-order part)."""


@dataclass(frozen=True)
class Config:
    """The quadratic (``d`` eigenvalues over [mu, L]), the step constants (tau mu of the 1/l schedules and of the
    constant steps), noise and start scales, seeds, steps, checkpoints of the fit, family-wise false-alarm rate."""

    d: int = 2
    mu: float = 1.0
    L: float = 3.0
    tau_mu: tuple[float, ...] = (0.25, 1.5)
    constant_tau_mu: tuple[float, ...] = (0.02, 0.08)
    noise: float = 1.0
    start_radius: float = 0.3
    seeds: int = 1024
    steps: int = 4096
    checkpoints: int = 16
    false_alarm: float = 1e-6

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "d", "seeds", "steps")
        require_positive(self, "mu", "L", "noise", "start_radius", "false_alarm")
        if self.mu > self.L:
            raise ValueError(f"mu must be <= L (the strong convexity below the smoothness), got mu={self.mu!r}, "
                             f"L={self.L!r}")
        if not self.tau_mu or not all(t > 0 and abs(t - 0.5) >= GAP for t in self.tau_mu):
            raise ValueError(f"tau_mu must hold step constants tau mu > 0 at least {GAP:g} from 1/2 (where the rate "
                             f"is log(l)/l), got {self.tau_mu!r}")
        kappa = self.L / self.mu
        if not self.constant_tau_mu or not all(0 < t and t * kappa < 1 for t in self.constant_tau_mu):
            raise ValueError(f"constant_tau_mu must hold constant steps times mu, each > 0 with tau L < 1 (tau L = "
                             f"tau mu x {kappa:g}), got {self.constant_tau_mu!r}")
        if len(set(self.constant_tau_mu)) < 2:
            raise ValueError(f"constant_tau_mu needs two different steps (the floor's ratio), got "
                             f"{self.constant_tau_mu!r}")
        if not 3 <= self.checkpoints <= 64:
            raise ValueError(f"checkpoints must be in [3, 64] (a slope and its residual; each adds tail events to the "
                             f"union bound), got {self.checkpoints!r}")
        if not self.false_alarm <= 0.01:
            raise ValueError(f"false_alarm must be in (0, 0.01], got {self.false_alarm!r}")
        if self.seeds < 64:
            raise ValueError(f"seeds must be >= 64, got {self.seeds!r}")
        widest = max(self.offsets)
        if self.steps < 4 * WINDOW * widest:
            raise ValueError(f"steps must be >= {4 * WINDOW * widest} (a fit window from {WINDOW} l0 = "
                             f"{WINDOW * widest} over a factor 4 at least), got {self.steps!r}")
        require_memory(self, ("d", "seeds", "steps", "tau_mu", "constant_tau_mu"))

    @property
    def offsets(self) -> tuple[int, ...]:
        """l0 = ceil(10 tau L) of each 1/l schedule (tau = tau_mu/mu)."""
        return tuple(max(1, math.ceil(10 * t / self.mu * self.L - 1e-9)) for t in self.tau_mu)

    @property
    def runs(self) -> int:
        return len(self.tau_mu) + len(self.constant_tau_mu)

    def peak_bytes(self) -> int:
        """A noise block (block, runs, seeds, d), the states (runs, seeds, d) with the optimiser's copies, the curves
        (runs, steps + 1) measured and exact, the exact moments' closed form up to FAR (l0 + steps), float64."""
        far = FAR * (max(self.offsets) + self.steps)
        return (array_bytes(_block(self.steps) + 4, self.runs, self.seeds, self.d)
                + array_bytes(4, self.runs, self.steps + 1) + array_bytes(6, self.runs, self.steps + 1, self.d)
                + array_bytes(6, far, self.d))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: 512 seeds, 2048 steps."""
        return cls(seeds=512, steps=2048, checkpoints=12)


def _block(steps: int) -> int:
    """Steps whose noise is drawn at once: the largest power of two <= 256 dividing ``steps``."""
    return math.gcd(steps, 256)


@dataclass(frozen=True)
class Result:
    """``lambdas`` (d,); per 1/l schedule [run]: ``offsets`` (l0), ``window`` [run, checkpoint] (step indices k, at
    l = l0 + k), ``mean_at``, ``exact_at``, ``low_at``, ``high_at`` (the Laurent–Massart interval), ``slope``
    (fitted), ``slope_exact`` (of the exact expectation), ``slope_statistical``, ``slope_next_order`` (its
    tolerance's parts). Per constant step [run]: ``floor``, ``floor_exact``, ``floor_low``, ``floor_high``.
    ``curves`` and ``exact_curves`` [run, step]: every run's mean (1/l schedules, then constant steps)."""

    lambdas: np.ndarray
    offsets: np.ndarray
    window: np.ndarray
    mean_at: np.ndarray
    exact_at: np.ndarray
    low_at: np.ndarray
    high_at: np.ndarray
    slope: np.ndarray
    slope_exact: np.ndarray
    slope_statistical: np.ndarray
    slope_next_order: np.ndarray
    floor: np.ndarray
    floor_exact: np.ndarray
    floor_low: np.ndarray
    floor_high: np.ndarray
    curves: np.ndarray
    exact_curves: np.ndarray


def schedule(tau, offset, decay):
    """The step at optax's count k: tau/(offset + k) (decay 1) or tau (decay 0, offset 1)."""
    return lambda count: tau / (offset + decay * count)


@partial(jax.jit, static_argnames=("seeds", "steps"))
def simulate(key, lambdas, taus, offsets, decays, noise, radius, seeds, steps):
    """Mean over seeds of ||theta - theta*||^2 at every step (0..steps) of each run: [run, steps + 1]. The noise is
    drawn a block of steps at a time (for all runs and seeds), inside the scan."""
    runs, d, block = taus.shape[0], lambdas.shape[0], _block(steps)
    k_start, k_noise = jax.random.split(key)
    start = radius * jax.random.normal(k_start, (runs, seeds, d), lambdas.dtype)

    def loss(e):
        return 0.5 * jnp.sum(lambdas * e * e)

    def run_block(e, state, xi_block, tau, offset, decay):
        optimiser = optax.sgd(schedule(tau, offset, decay))

        def step(carry, xi):
            e, state = carry
            updates, state = optimiser.update(jax.grad(loss)(e) + noise * xi, state)
            e = optax.apply_updates(e, updates)
            return (e, state), jnp.mean(jnp.sum(e * e, axis=-1))

        (e, state), means = jax.lax.scan(step, (e, state), xi_block)
        return e, state, means

    def one_block(carry, index):
        e, state = carry
        xi = jax.random.normal(jax.random.fold_in(k_noise, index), (runs, block, seeds, d), lambdas.dtype)
        e, state, means = jax.vmap(run_block)(e, state, xi, taus, offsets, decays)
        return (e, state), means

    states = jax.vmap(lambda e, t, o, c: optax.sgd(schedule(t, o, c)).init(e))(start, taus, offsets, decays)
    _, means = jax.lax.scan(one_block, (start, states), jnp.arange(steps // block))
    first = jnp.mean(jnp.sum(start * start, axis=-1), axis=-1)
    return jnp.concatenate([first[:, None], jnp.moveaxis(means, 0, 1).reshape(runs, steps)], axis=1)


def exact_log_moments(lambdas, tau, offset, decay, noise, radius, steps) -> np.ndarray:
    """log v_k per direction, k = 0..steps: [steps + 1, d], for v_(k+1) = alpha_k v_k + beta_k (the statement's
    recursion, l = offset + decay k; a constant step: l = 1) solved in closed form, vectorised and in logs:
    v_k = P_k (r^2 + sum_(j<k) beta_j / P_(j+1)), P_k = prod_(m<k) alpha_m (``np.logaddexp.accumulate``)."""
    ell = (offset + decay * np.arange(steps, dtype=np.float64))[:, None]
    log_alpha = np.log(_growth(tau * np.asarray(lambdas)[None, :], ell))
    log_beta = np.log(np.broadcast_to(_injected(ell, tau, noise), log_alpha.shape))
    log_p = np.concatenate([np.zeros((1, log_alpha.shape[1])), np.cumsum(log_alpha, axis=0)])
    terms = np.concatenate([np.full((1, log_alpha.shape[1]), 2 * math.log(radius)), log_beta - log_p[1:]])
    return log_p + np.logaddexp.accumulate(terms, axis=0)


def exact_moments(lambdas, tau, offset, decay, noise, radius, steps) -> np.ndarray:
    """v_k per direction, k = 0..steps: [steps + 1, d] (:func:`exact_log_moments`)."""
    return np.exp(exact_log_moments(lambdas, tau, offset, decay, noise, radius, steps))


def local_slopes(log_total: np.ndarray, offset: int) -> np.ndarray:
    """log(V_(l+1)/V_l) / log(1 + 1/l) at l = offset + k, k = 0..len - 2: the exact discrete log-slopes."""
    ells = offset + np.arange(log_total.size - 1)
    return np.diff(log_total) / np.log1p(1 / ells)


def tail_exponent(config, tau_mu: float) -> float:
    """p: the next-order terms of the expansion decay at least like l^-p relative to the leading one: p = min(1,
    |1 - 2 tau mu|, the gaps between the exponent -min(1, 2 tau lambda_i) of the slowest direction and those of the
    others that decay faster)."""
    lambdas = np.linspace(config.mu, config.L, config.d)
    rates = np.minimum(1.0, 2 * tau_mu / config.mu * lambdas)
    gaps = rates[rates > rates.min() + 1e-12] - rates.min()
    return float(min(1.0, abs(1 - 2 * tau_mu), *gaps))


def next_order(config, lambdas, tau, tau_mu, offset, first) -> float:
    """Bound on |slope of the exact expectation over the window - the limit exponent|, claim-free: the largest
    distance of a local slope in the window from the local slope at l_far = FAR (offset + steps), plus the rest
    beyond l_far, at most |slope(l_far) - slope(l_far/10)| 10^-p / (1 - 10^-p) for terms decaying like l^-p
    (:func:`tail_exponent`)."""
    far = FAR * (offset + config.steps)
    log_total = np.logaddexp.reduce(exact_log_moments(lambdas, tau, offset, 1.0, config.noise, config.start_radius,
                                                      far - offset + 1), axis=1)
    slopes = local_slopes(log_total, offset)
    limit, earlier = slopes[-1], slopes[far // 10 - offset]
    shrink = 10.0 ** -tail_exponent(config, tau_mu)
    window = slopes[first:config.steps]
    return float(np.max(np.abs(window - limit)) + abs(limit - earlier) * shrink / (1 - shrink))


def events(config: Config) -> int:
    """Tail events the module's checks rely on, per 1/l schedule: two per checkpoint mean, four for the slope's linear
    part and four for each anchored difference; two per floor."""
    return len(config.tau_mu) * (2 * config.checkpoints + 4 * config.checkpoints) + 2 * len(config.constant_tau_mu)


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Simulate every run, then the exact moments, the intervals and the slope tolerances."""
    lambdas = np.linspace(config.mu, config.L, config.d)
    taus = [t / config.mu for t in config.tau_mu] + [t / config.mu for t in config.constant_tau_mu]
    offsets = list(config.offsets) + [1] * len(config.constant_tau_mu)
    decays = [1.0] * len(config.tau_mu) + [0.0] * len(config.constant_tau_mu)
    curves = np.asarray(simulate(fast_key(key), jnp.asarray(lambdas), jnp.asarray(taus), jnp.asarray(offsets, float),
                                 jnp.asarray(decays), config.noise, config.start_radius, config.seeds, config.steps))
    if not np.all(np.isfinite(curves)):
        raise FloatingPointError(f"SGD produced a non-finite mean square error (runs tau = {taus})")
    x = math.log(events(config) / config.false_alarm)
    moments = [exact_moments(lambdas, t, o, c, config.noise, config.start_radius, config.steps)
               for t, o, c in zip(taus, offsets, decays)]
    decaying = range(len(config.tau_mu))
    window, mean_at, exact_at, low_at, high_at, fits = [], [], [], [], [], []
    for r in decaying:
        first = WINDOW * offsets[r] - offsets[r]
        steps_at = np.round(np.geomspace(first, config.steps, config.checkpoints)).astype(int)
        intervals = np.array([mean_interval(moments[r][k], config.seeds, x) for k in steps_at])
        exact = moments[r][steps_at].sum(axis=1)
        weights = fit_weights(steps_at, offsets[r])
        statistical = slope_statistical(moments[r], taus[r], lambdas, offsets[r], steps_at, weights, config.seeds, x,
                                        np.max(np.abs(intervals), axis=1))
        fits.append((float(weights @ np.log(curves[r, steps_at])), float(weights @ np.log(exact)), statistical,
                     next_order(config, lambdas, taus[r], config.tau_mu[r], offsets[r], first)))
        window.append(steps_at)
        mean_at.append(curves[r, steps_at])
        exact_at.append(exact)
        low_at.append(exact + intervals[:, 0])
        high_at.append(exact + intervals[:, 1])
    constant = range(len(config.tau_mu), config.runs)
    floor_exact = np.array([moments[r][-1].sum() for r in constant])
    floor_bounds = np.array([mean_interval(moments[r][-1], config.seeds, x) for r in constant])
    slope, slope_exact, statistical, order = (np.array(v) for v in zip(*fits))
    return Result(lambdas=lambdas, offsets=np.array(offsets[:len(config.tau_mu)]), window=np.array(window),
                  mean_at=np.array(mean_at), exact_at=np.array(exact_at), low_at=np.array(low_at),
                  high_at=np.array(high_at), slope=slope, slope_exact=slope_exact, slope_statistical=statistical,
                  slope_next_order=order, floor=curves[list(constant), -1], floor_exact=floor_exact,
                  floor_low=floor_exact + floor_bounds[:, 0], floor_high=floor_exact + floor_bounds[:, 1],
                  curves=curves, exact_curves=np.array([m.sum(axis=1) for m in moments]))


def floor_formula(config: Config, tau_mu: float) -> float:
    """The theorem's floor sum_i tau s^2/(lambda_i (2 - tau lambda_i)) (lambdified) of a constant step."""
    lambdas = np.linspace(config.mu, config.L, config.d)
    return float(np.sum(np.asarray(_floor(tau_mu / config.mu, config.noise, lambdas))))


# ---------------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------------

def _normalised(measured, exact, low, high) -> np.ndarray:
    """Deviation over the interval's half-width on its side: within the interval iff <= 1."""
    return np.where(measured >= exact, (measured - exact) / (high - exact), (exact - measured) / (exact - low))


def judged(result: Result, config: Config, exponent=None, floor_power: float = 1.0) -> list[Check]:
    """The checks of a claim: its exponent of the 1/l rate as a function of tau mu (default -min(1, 2 tau mu)), the
    power p of tau its floor grows with (the claimed ratio of the floors: the exact one times (tau_2/tau_1)^(p-1))."""
    out = []
    for r, tau_mu in enumerate(config.tau_mu):
        claimed = float(_exponent(tau_mu / config.mu, config.mu)) if exponent is None else exponent(tau_mu)
        worst = float(np.max(_normalised(result.mean_at[r], result.exact_at[r], result.low_at[r], result.high_at[r])))
        out.append(numeric(ID, f"tau mu = {tau_mu:g}: mean of ||theta_l - theta*||^2 over {config.seeds} seeds at "
                               f"{config.checkpoints} steps in the window, within the Laurent-Massart interval of "
                               f"the exact expectation (max deviation / half-width)", worst, "<=", 1.0))
        out.append(numeric(ID, f"tau mu = {tau_mu:g}, steps tau/l from l0 = {int(result.offsets[r])}: |fitted log-log "
                               f"slope - ({claimed:g})| <= statistical + next-order parts",
                           abs(float(result.slope[r]) - claimed), "<=",
                           float(result.slope_statistical[r] + result.slope_next_order[r])))
    for c, tau_mu in enumerate(config.constant_tau_mu):
        deviation = _normalised(result.floor[c], result.floor_exact[c], result.floor_low[c], result.floor_high[c])
        out.append(numeric(ID, f"constant step tau mu = {tau_mu:g}: mean square error at the last step against the "
                               f"floor {floor_formula(config, tau_mu):.5g} plus transient (deviation / Laurent-Massart "
                               f"half-width)", float(deviation), "<=", 1.0))
    low, high, exact = result.floor_low, result.floor_high, result.floor_exact
    step_ratio = config.constant_tau_mu[1] / config.constant_tau_mu[0]
    claimed = float(exact[1] / exact[0]) * (step_ratio ** (floor_power - 1.0))
    deviation = _normalised(float(result.floor[1] / result.floor[0]), claimed, claimed * (low[1] / exact[1]) /
                            (high[0] / exact[0]), claimed * (high[1] / exact[1]) / (low[0] / exact[0]))
    out.append(numeric(ID, f"floor ratio tau mu = {config.constant_tau_mu[1]:g} over {config.constant_tau_mu[0]:g} "
                           f"against {claimed:.4g} (a floor growing like tau^{floor_power:g}; deviation / half-width "
                           f"from the two floors' intervals)", float(deviation), "<=", 1.0))
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """Means within their exact intervals, slopes -min(1, 2 tau mu) within tolerance, floors and their ratio."""
    return judged(result, config)


NEIGHBOURS = (
    Neighbour("slope-minus-one", "E||theta_l - theta*||^2 = O(1/l) for every tau > 0 (the slope is -1 whatever tau mu)",
              lambda r, c: judged(r, c, exponent=lambda tau_mu: -1.0)),
    Neighbour("norm-exponent", "E||theta_l - theta*||^2 decays like l^(-tau mu) below tau mu = 1 (the exponent of "
                               "||theta_l - theta*|| taken for that of its square)",
              lambda r, c: judged(r, c, exponent=lambda tau_mu: -min(1.0, tau_mu))),
    Neighbour("loose-bound-exponent", "E||theta_l - theta*||^2 decays like l^(-tau mu/2) unless tau mu > 2 (a valid "
                                      "but loose upper bound's exponent, claimed as the rate)",
              lambda r, c: judged(r, c, exponent=lambda tau_mu: -1.0 if tau_mu > 2 else -tau_mu / 2), looser=True),
    Neighbour("floor-quadratic-in-tau", "a constant step's floor grows like tau^2 (the variance tau^2 s^2 injected "
                                        "per step, without its accumulation over 1/(tau mu) steps)",
              lambda r, c: judged(r, c, floor_power=2.0)),
)
"""Wrong neighbours (module docstring)."""
