r"""Experiment: Barron's constructed networks against $2rC_f/\sqrt p$, and against their exact expected error.

**Barron, constructive** (:func:`experiment`). The target is a sum of Gaussians $\alpha e^{-|x-c|^2/(2s^2)}$ and
cosines $\alpha\cos(\langle a,x\rangle+\varphi)$ (:mod:`numerics.universal_approximation.targets`); its spectrum is a
mixture, so a unit is drawn by picking a
component with probability $|\alpha_i|C_i/C$, $C=\sum_i|\alpha_i|C_i\ge C_f$ (subadditivity), then a frequency
$\omega$ from that component's $|\omega||\tilde f_i(\omega)|/C_i$ (Gaussian: $|\omega|\sim\chi_{d+1}/s$, direction
uniform, phase $\theta=-\langle\omega,c\rangle$; cosine: $\omega=a$, $\theta=\varphi$). Three units from the same draw
(:mod:`numerics.universal_approximation.sampler`):

* cosine atom $\operatorname{sgn}\alpha_i\,C(\cos(\langle\omega,x\rangle+\theta)-\cos\theta)/|\omega|$;
* step unit (Barron's proof): with $\rho=|\omega|$, $e=\omega/\rho$, $t=\langle e,x\rangle$, a threshold $\tau\in[-r,r]$
  drawn with density $|\sin(\rho\tau+\theta)|/V$, $V$ the variation of the profile on $[-r,r]$ (exact inverse
  CDF through $G(u)=\int_0^u|\sin|$), the unit $\operatorname{sgn}\alpha_i\,C\,V\,\operatorname{sgn}(h'(\tau))
  (\mathbb 1\{t>\tau\}$ if $\tau\ge0$, $-\mathbb 1\{t<\tau\}$ if $\tau<0)$, $h'(\tau)=-\sin(\rho\tau+\theta)$;
* the same with $\sigma(\kappa\,\cdot)$ in place of the step, $\kappa = c_\kappa\sqrt p/r$, so that the bias bound
  $(2C/\kappa)^2$ is $1/c_\kappa^2$ of $(2rC)^2/p$.

The network of size $p$ is $f(0)+\frac1p\sum_{s\le p}u_s$ with fresh units for every $p$ (so sizes are independent).
The measure $\mu$ is the empirical measure of ``points`` points drawn uniformly in $B_r$ once per dimension: Barron's
theorem holds for *every* probability measure on $B_r$, so the $L^2(\mu)$ error is computed exactly, with no Monte
Carlo error from the integral over $x$; the only randomness checked is that of the units.

*The sharp checks.* The worst-case bounds sit far above the data (mean MSE / bound 0.01–0.07), so each is paired
with a two-sided z-test against the exact expectation, which sees an error of a few per cent. For the centred
Gaussian $\mathbb E\|f-f(0)-f_p\|^2_\mu=\|g-m\|^2_\mu+(\mathbb E\|u\|^2_\mu-\|m\|^2_\mu)/p$, $g=f-f(0)$, $m=\mathbb Eu$:
$m=g$ for the cosine atom and the step unit, and for the sigmoid unit the bias $m-g$ and the change in
$\mathbb E u^2$ are integrals over a window of width about $1/\kappa$ around the threshold
(:mod:`numerics.universal_approximation.quadrature`, which computes all three by Gauss–Jacobi and
Gauss–Laguerre quadrature with an error estimate added to the z-test's spread). False alarms: the per-draw squared
errors are bounded but right-skewed, and a right-skewed sample that misses its rare large values has both its mean
and its standard error too small, so the z-score has a heavy *left* tail (skewness of the standardised mean, stored
in the result, up to about 0.35 in the default runs). Measured on the worst case, d = 1 (150 seeds, 2100 z-scores
per kind): 1.1 % beyond |z| = 3 (normal 0.27 %), 0.1 % beyond 4 (normal 0.006 %), none beyond 5, the extreme -4.9
(seed 3, cosine, p = 300); the sigmoid units, measured the same way with their quadrature (d = 1, seeds 0–149,
1050 z-scores): 1.1 % beyond 3, 0.19 % beyond 4, none beyond 5, extreme -4.6. The threshold $|z|\le6$ is past the
largest seen, a false-alarm rate of order $10^{-5}$ per check by extrapolating that tail (the normal tail,
$2\cdot10^{-9}$, would be optimistic). The slope of $\log\sqrt{\overline{\mathrm{MSE}}_p}$ against $\log p$ is
checked within $-\frac12\pm6\,\mathrm{sd}$ (cosine, step), the sd propagated from the per-size standard errors
(delta method).

*The closed forms, from $f$ itself.* The spectrum and $C_f$ are recomputed from the target's own values along a ray
by a Hankel transform (:mod:`numerics.universal_approximation.spectrum`), and compared with the closed forms within
that computation's error bound: a wrong closed form (a lost $\sqrt2$, a wrong Gamma argument) fails by orders of
magnitude.

**Wrong neighbours** (:data:`NEIGHBOURS`): the rate $2rC_f/p$ (sigmoid units; and $rC_f/p$ for the cosine
atoms); $C_f$ of the $2\pi$-in-the-exponent convention, $C_f/2\pi$ (step units); the network without the constant
$f(0)$ (its mean squared error, measured on the same draws, is $\|e\|^2+2f(0)\langle e\rangle_\mu+f(0)^2$ for the
error $e$ with the constant); and, looser than the truth, a constant $\sqrt{10}$ times Barron's, whose bound the data
meet but whose expected error (10 times the true one) the z-tests reject. The rate and convention neighbours scale
the Result's own bounds, one kind of unit each, so that a bound computed too generously lets one of them through.

**Trained** (:mod:`numerics.universal_approximation.training`, slow, not in ``verify``): sigmoid/tanh/ReLU networks
trained by Adam (optax) on samples of the Gaussian; their test MSE is reported against $(2rC_f)^2/p$ (a report: the
theorem says a good network exists, not that Adam finds one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import numpy as np
import sympy as sp

from numerics.bridge import to_jax
from numerics.measure import loglog_slope
from numerics.neighbours import Neighbour, scaled
from numerics.precision import uses_float64
from numerics.resources import array_bytes, require_memory
from numerics.universal_approximation.quadrature import expected_unit_square, sigmoid_corrections
from numerics.universal_approximation.sampler import network_mse
from numerics.universal_approximation.spectrum import (barron_norm_from_samples, gaussian_spectrum, ray_profile,
                                                       spectrum_error_bound)
from numerics.universal_approximation.targets import centred_gaussian
from numerics.validation import require_counts, require_fields, require_positive, require_z
from theorems.core import Check, numeric
from theorems.universal_approximation import barron as statement

ID = statement.ID
KINDS = ("cosine", "step", "sigmoid")
SLOPED = (0, 1)
"""The kinds whose expected error is exactly proportional to 1/p (the sigmoid's has a bias term)."""

_bound_symbols = [statement.r, statement.C_f, statement.p]
step_mse_bound = uses_float64(to_jax(_bound_symbols, statement.barron_mse_bound()))
"""(2 r C_f)^2/p at (r, C_f, p), lambdified from :func:`theorems.universal_approximation.barron.barron_mse_bound`."""
cosine_mse_bound = uses_float64(to_jax(_bound_symbols, statement.cosine_mse_bound()))
"""(r C_f)^2/p at (r, C_f, p), from :func:`theorems.universal_approximation.barron.cosine_mse_bound`."""
sigmoid_mse_bound = uses_float64(to_jax([*_bound_symbols, statement.kappa], statement.sigmoid_mse_bound()))
"""(2 C_f/kappa)^2 + (2 r C_f)^2/p at (r, C_f, p, kappa), from
:func:`theorems.universal_approximation.barron.sigmoid_mse_bound`."""
rate_factor = sp.lambdify([statement.p], sp.simplify(statement.one_over_p_bound() ** 2 / statement.barron_mse_bound()))
"""Neighbour: (2 r C_f/p)^2 over (2 r C_f)^2/p (that is, 1/p), from
:func:`theorems.universal_approximation.barron.one_over_p_bound`."""
TWO_PI_FACTOR = float(sp.simplify(statement.barron_mse_bound(statement.r, statement.two_pi_convention_norm(),
                                                             statement.p) / statement.barron_mse_bound()))
"""Neighbour: the bound with C_f/(2 pi) over Barron's, 1/(4 pi^2), from
:func:`theorems.universal_approximation.barron.two_pi_convention_norm` (the same for the cosine bound)."""


@dataclass(frozen=True)
class Config:
    """Centred Gaussian exp(-|x|^2/(2 s^2)) in each dimension; networks of each size; draws per size; ``z`` the
    false-alarm bound of the z-scores and of the slope interval; quadrature nodes of the step and cosine
    expectations (``nodes``), of the sigmoid's corrections (``sigmoid_nodes``) and of the Hankel transform
    (``spectrum_nodes``)."""

    dims: tuple[int, ...] = (1, 2, 5, 10)
    width: float = 0.5
    radius: float = 1.0
    units: tuple[int, ...] = (1, 3, 10, 30, 100, 300, 1000)
    draws: int = 200
    points: int = 32
    steepness_factor: float = 4.0
    nodes: int = 64
    sigmoid_nodes: int = 16
    spectrum_nodes: int = 128
    z: float = 6.0
    chunk: int = 25

    def __post_init__(self):
        require_fields(self)
        if not self.dims or min(self.dims) < 1:
            raise ValueError(f"dims must be integers >= 1, got {self.dims!r}")
        if len(self.units) < 3 or min(self.units) < 1 or list(self.units) != sorted(set(self.units)):
            raise ValueError(f"units must be >= 3 increasing sizes >= 1 (for a slope), got {self.units!r}")
        require_positive(self, "width", "radius", "steepness_factor")
        require_counts(self, "points", "chunk")
        if self.draws < 10:
            raise ValueError(f"draws must be an integer >= 10 (for a standard error), got {self.draws!r}")
        for name in ("nodes", "sigmoid_nodes", "spectrum_nodes"):
            if getattr(self, name) < 8:
                raise ValueError(f"{name} must be an integer >= 8, got {getattr(self, name)!r}")
        require_z(self)
        require_memory(self, ("dims", "units", "draws", "points", "nodes", "sigmoid_nodes", "spectrum_nodes",
                              "chunk"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64) of one dimension's program (they run one after another): with U = sum(units)
        and w = 2 max(dims) + 3 uniforms a unit, the one uniform draw (points (d_max + 1) + draws U w), and per
        batch of ``chunk`` draws the units' uniforms (U, w) and the projections and three networks' unit values
        (points, U) four times; the quadratures' grids, (points, 2 nodes, 2 nodes) three times, (points,
        sigmoid_nodes, sigmoid_nodes, 3, 2 sigmoid_nodes/3) ten times, and the Hankel transform's
        (2 spectrum_nodes)^2 three times."""
        total, d_max = sum(self.units), max(self.dims)
        width = 2 * d_max + 3
        block = array_bytes(self.points * (d_max + 1) + self.draws * total * width)
        per_chunk = array_bytes(self.chunk, total, width + 4 * self.points)
        quadrature = (3 * array_bytes(self.points, 2 * self.nodes, 2 * self.nodes)
                      + 10 * array_bytes(self.points, self.sigmoid_nodes, self.sigmoid_nodes, 3,
                                         _u_nodes(self.sigmoid_nodes))
                      + 3 * array_bytes(2 * self.spectrum_nodes, 2 * self.spectrum_nodes))
        return block + per_chunk + quadrature

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: two dimensions, three sizes, 100 draws."""
        return cls(dims=(2, 5), units=(1, 10, 100), draws=100, points=16, nodes=32, sigmoid_nodes=16,
                   spectrum_nodes=64)


def _u_nodes(sigmoid_nodes: int) -> int:
    """Gauss-Legendre nodes per piece in u of the sigmoid corrections: two thirds of those in (z, rho)."""
    return max(2 * sigmoid_nodes // 3, 4)


@dataclass(frozen=True)
class Result:
    """Arrays indexed [dim, kind (cosine, step, sigmoid), size]: mean and standard error of the squared L2(mu)
    error over draws, its smallest value, its bound, the exact expectation with its quadrature error, the
    skewness of the standardised mean, and the mean squared error of the same networks without the constant f(0).
    Per dim: C_f (closed form), C_f from the Hankel transform of f's samples with its error bound, and the largest
    deviation of the Hankel spectrum from the closed form over its error bound."""

    dims: np.ndarray
    units: np.ndarray
    norm: np.ndarray
    mean_mse: np.ndarray
    stderr_mse: np.ndarray
    min_mse: np.ndarray
    bound: np.ndarray
    expected: np.ndarray
    quadrature_error: np.ndarray
    skewness: np.ndarray
    mse_without_constant: np.ndarray
    norm_from_samples: np.ndarray
    norm_error_bound: np.ndarray
    spectrum_deviation: np.ndarray


def _spectrum_deviation(target, d: int, width: float, nodes: int) -> float:
    """max over 24 frequencies in (0, 12/s] of |Hankel transform of f's samples - closed form| / error bound."""
    rho = np.linspace(0.5, 12.0, 24) / width
    values, error = spectrum_error_bound(ray_profile(target), d, width, rho, nodes)
    return float(np.max(np.abs(values - gaussian_spectrum(d, width, rho)) / error))


def _expected(x, target, d: int, config: Config, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact expected MSE (kinds, sizes) and its quadrature error: (E||u||^2 - ||g||^2)/p for the cosine and step
    units; ||bias||^2 + (E||u_sigma||^2 - ||g + bias||^2)/p for the sigmoid (quadrature module)."""
    norm_x = np.linalg.norm(x, axis=1)
    residual = target(x) - 1.0
    square, error = expected_unit_square(norm_x, d, config.width, config.radius, config.nodes)
    expected, quad = np.zeros((3, len(units))), np.zeros((3, len(units)))
    expected[:2] = (square[:, None] - np.mean(residual**2)) / units[None, :]
    quad[:2] = error[:, None] / units[None, :]
    for j, p in enumerate(units):
        kappa = config.steepness_factor * math.sqrt(p) / config.radius
        c = sigmoid_corrections(norm_x, d, config.width, config.radius, kappa, config.sigmoid_nodes,
                                _u_nodes(config.sigmoid_nodes))
        mean = residual + c.bias
        expected[2, j] = np.mean(c.bias**2) + (square[1] + np.mean(c.square) - np.mean(mean**2)) / p
        quad[2, j] = (np.mean(2 * np.abs(c.bias) * c.bias_error + c.bias_error**2)
                      + (error[1] + np.mean(c.square_error) + np.mean(2 * np.abs(mean) * c.bias_error
                                                                       + c.bias_error**2)) / p)
    return expected, quad


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Measure the constructed networks' L2(mu) errors against Barron's bounds and their exact expectation, and
    C_f and the spectrum from f's samples against their closed forms."""
    units = np.array(config.units)
    n_d, n_p = len(config.dims), len(units)
    shape = (n_d, len(KINDS), n_p)
    mean, stderr, low, bound, expected, quad, skew, bare = (np.full(shape, np.nan) for _ in range(8))
    norms, sampled, sampled_error, deviation = (np.zeros(n_d) for _ in range(4))
    d_max = max(config.dims)
    p = units.astype(float)
    for i, d in enumerate(config.dims):
        target = centred_gaussian(d, config.width)
        C = target.barron_norm_bound()
        norms[i] = C
        errors, offsets, x = network_mse(target, key, config.units, config.draws, config.points, config.radius,
                                         config.steepness_factor, d_max, config.chunk)
        mean[i], low[i] = errors.mean(axis=1), errors.min(axis=1)
        stderr[i] = errors.std(axis=1, ddof=1) / math.sqrt(config.draws)
        centred = errors - errors.mean(axis=1, keepdims=True)
        skew[i] = (centred**3).mean(axis=1) / (centred**2).mean(axis=1) ** 1.5 / math.sqrt(config.draws)
        at_zero = float(target(np.zeros((1, d)))[0])  # ||e + f(0)||^2 = ||e||^2 + 2 f(0) <e> + f(0)^2
        bare[i] = (errors + 2 * at_zero * offsets + at_zero**2).mean(axis=1)
        kappa = config.steepness_factor * np.sqrt(p) / config.radius
        bound[i, 0] = np.asarray(cosine_mse_bound(config.radius, C, p))
        bound[i, 1] = np.asarray(step_mse_bound(config.radius, C, p))
        bound[i, 2] = np.asarray(sigmoid_mse_bound(config.radius, C, p, kappa))
        expected[i], quad[i] = _expected(x, target, d, config, units)
        sampled[i], sampled_error[i] = barron_norm_from_samples(ray_profile(target), d, config.width,
                                                                config.spectrum_nodes)
        deviation[i] = _spectrum_deviation(target, d, config.width, config.spectrum_nodes)
    return Result(dims=np.array(config.dims), units=units, norm=norms, mean_mse=mean, stderr_mse=stderr,
                  min_mse=low, bound=bound, expected=expected, quadrature_error=quad, skewness=skew,
                  mse_without_constant=bare, norm_from_samples=sampled, norm_error_bound=sampled_error,
                  spectrum_deviation=deviation)


def slope_interval(result: Result, i: int, kind: int, z: float) -> tuple[float, float, float]:
    """Fitted slope of log sqrt(mean MSE) on log p, and the interval -1/2 ± z sd (delta method)."""
    lx = np.log(result.units.astype(float))
    rmse = np.sqrt(result.mean_mse[i, kind])
    fit = loglog_slope(result.units, rmse)
    weights = (lx - lx.mean()) / np.sum((lx - lx.mean()) ** 2)
    var_log = 0.25 * (result.stderr_mse[i, kind] / result.mean_mse[i, kind]) ** 2
    sd = float(np.sqrt(np.sum(weights**2 * var_log)))
    return fit.slope, -0.5 - z * sd, -0.5 + z * sd


BOUND_NAMES = {"cosine": "(r C_f)^2/p", "step": "(2 r C_f)^2/p", "sigmoid": "(2C_f/kappa)^2 + (2 r C_f)^2/p"}


def bound_checks(result: Result, bound: np.ndarray, names: dict[str, str] = BOUND_NAMES,
                 kinds: tuple[int, ...] = (0, 1, 2), mse: np.ndarray | None = None) -> list[Check]:
    """Per dimension and kind: max_p mean MSE (or ``mse``) / ``bound`` <= 1."""
    mse = result.mean_mse if mse is None else mse
    return [numeric(ID, f"d={d} {KINDS[kind]}: max_p mean MSE / {names[KINDS[kind]]}",
                    float(np.max(mse[i, kind] / bound[i, kind])), "<=", 1.0)
            for i, d in enumerate(result.dims) for kind in kinds]


def z_checks(result: Result, config: Config, factor: float = 1.0) -> list[Check]:
    """Per dimension and kind: max_p |mean MSE - factor x exact expectation| / spread <= z (two-sided)."""
    out = []
    for i, d in enumerate(result.dims):
        for kind, name in enumerate(KINDS):
            spread = np.sqrt(result.stderr_mse[i, kind] ** 2 + (factor * result.quadrature_error[i, kind]) ** 2)
            z = np.abs(result.mean_mse[i, kind] - factor * result.expected[i, kind]) / spread
            what = "E||f - f(0) - f_p||^2 (bias^2 + variance/p)" if kind == 2 else "(E||u||^2 - ||f - f(0)||^2)/p"
            scale = f"{factor:g} x " if factor != 1 else ""
            out.append(numeric(ID, f"d={d} {name}: max_p |z| of mean MSE vs {scale}exact {what}",
                               float(np.max(z)), "<=", config.z))
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """Per dimension: the Hankel spectrum of f's samples and C_f from it against the closed forms (within their
    error bounds); mean MSE / bound <= 1 at every p (each kind); |z| of the mean vs the exact expectation (each
    kind: the sharp partner of the bound); the slope of the RMSE in [-1/2 - z sd, -1/2 + z sd] (cosine, step)."""
    out = []
    for i, d in enumerate(result.dims):
        out.append(numeric(ID, f"d={d}: max_rho |f~ (Hankel transform of f's samples) - (s^2/2pi)^(d/2) "
                               "exp(-s^2 rho^2/2)| / its error bound", float(result.spectrum_deviation[i]), "<=", 1.0))
        out.append(numeric(ID, f"d={d}: |C_f from f's samples - sqrt(2) Gamma((d+1)/2)/(s Gamma(d/2))| (bound: "
                               "the quadrature's error bound)",
                           float(abs(result.norm_from_samples[i] - result.norm[i])), "<=",
                           float(result.norm_error_bound[i])))
    out += bound_checks(result, result.bound)
    out += z_checks(result, config)
    for i, d in enumerate(result.dims):
        for kind in SLOPED:
            slope, lo, hi = slope_interval(result, i, kind, config.z)
            out.append(numeric(ID, f"d={d} {KINDS[kind]}: log-log slope of RMSE vs p", slope, "in", (lo, hi)))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Wrong neighbours.
# ---------------------------------------------------------------------------------------------------------------


# The neighbours scale the Result's own bounds by factors derived in SymPy, so that they test the bounds the checks
# use: a bound made looser where it is computed lets a neighbour through. The rate and the convention are each held
# to one kind of unit (a neighbour is rejected by any failing check, so one that spanned the kinds would hide a
# loosened bound of one kind behind the others): the rate to Barron's sigmoidal units and, separately, to the cosine
# atoms; the convention to the step units' (2 r C_f)^2/p.


def _rate_checks(result: Result, kind: int) -> list[Check]:
    bound = result.bound * rate_factor(result.units.astype(float))[None, None, :]
    names = {"sigmoid": "((2C_f/kappa)^2 + (2 r C_f)^2/p)/p", "cosine": "(r C_f/p)^2"}
    return bound_checks(result, bound, names, kinds=(kind,))


def _rate_one_over_p(result: Result, config: Config) -> list[Check]:
    return _rate_checks(result, 2)


def _cosine_rate_one_over_p(result: Result, config: Config) -> list[Check]:
    return _rate_checks(result, 0)


def _two_pi_convention(result: Result, config: Config) -> list[Check]:
    return bound_checks(result, result.bound * TWO_PI_FACTOR, {"step": "(2 r C_f/2pi)^2/p"}, kinds=(1,))


def _constant_dropped(result: Result, config: Config) -> list[Check]:
    return bound_checks(result, result.bound, {k: f"{v} (network without f(0))" for k, v in BOUND_NAMES.items()},
                        mse=result.mse_without_constant)


def _constant_ten_times(result: Result, config: Config) -> list[Check]:
    return [scaled(check, 10.0) for check in bound_checks(result, result.bound)] + z_checks(result, config, 10.0)


NEIGHBOURS = (
    Neighbour("rate-one-over-p", "p sigmoidal units reach error 2 r C_f/p (rate 1/p, not 1/sqrt(p))",
              _rate_one_over_p),
    Neighbour("two-pi-convention", "the bound holds with C = int |xi| |f^(xi)| d xi = C_f/(2 pi) (the 2 pi-in-the-"
                                   "exponent transform)", _two_pi_convention),
    Neighbour("cosine-rate-one-over-p", "the cosine-atom network's error falls like r C_f/p",
              _cosine_rate_one_over_p),
    Neighbour("constant-dropped", "p units without the output constant f(0) reach 2 r C_f/sqrt(p)",
              _constant_dropped),
    Neighbour("constant-ten-times", "the construction's constant is sqrt(10) x 2 r C_f: bound and expected error "
                                    "10x Barron's", _constant_ten_times, looser=True),
)
