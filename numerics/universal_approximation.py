r"""Experiments: Barron's constructed networks against $2rC_f/\sqrt p$, and Cybenko's staircase against its sup bound.

**Barron, constructive** (:func:`barron_experiment`). The target is a sum of Gaussians $\alpha e^{-|x-c|^2/(2s^2)}$ and
cosines $\alpha\cos(\langle a,x\rangle+\varphi)$; its spectrum is a mixture, so a unit is drawn by picking a
component with probability $|\alpha_i|C_i/C$, $C=\sum_i|\alpha_i|C_i\ge C_f$ (subadditivity), then a frequency
$\omega$ from that component's $|\omega||\tilde f_i(\omega)|/C_i$ (Gaussian: $|\omega|\sim\chi_{d+1}/s$, direction
uniform, phase $\theta=-\langle\omega,c\rangle$; cosine: $\omega=a$, $\theta=\varphi$). Three units from the same draw:

* cosine atom $\operatorname{sgn}\alpha_i\,C(\cos(\langle\omega,x\rangle+\theta)-\cos\theta)/|\omega|$;
* step unit (Barron's proof): with $\rho=|\omega|$, $e=\omega/\rho$, $t=\langle e,x\rangle$, a threshold $\tau\in[-r,r]$
  drawn with density $|\sin(\rho\tau+\theta)|/(\rho V)$, $V$ the variation of the profile on $[-r,r]$ (exact inverse
  CDF through $G(u)=\int_0^u|\sin|$), the unit $\operatorname{sgn}\alpha_i\,C\,V\,\operatorname{sgn}(h'(\tau))
  (\mathbb 1\{t>\tau\}$ if $\tau\ge0$, $-\mathbb 1\{t<\tau\}$ if $\tau<0)$, $h'(\tau)=-\sin(\rho\tau+\theta)$;
* the same with $\sigma(\kappa\,\cdot)$ in place of the step, $\kappa = c_\kappa\sqrt p/r$, so that the bias bound
  $(2C/\kappa)^2$ is $1/c_\kappa^2$ of $(2rC)^2/p$.

The network of size $p$ is $f(0)+\frac1p\sum_{s\le p}u_s$ with fresh units for every $p$ (so sizes are independent).
The measure $\mu$ is the empirical measure of ``points`` points drawn uniformly in $B_r$ once per dimension: Barron's
theorem holds for *every* probability measure on $B_r$, so the $L^2(\mu)$ error is computed exactly, with no Monte
Carlo error from the integral over $x$; the only randomness checked is that of the units.

*The check that can fail.* For the centred Gaussian $\mathbb E\|f-f(0)-f_p\|^2_\mu=(\mathbb E\|u\|^2_\mu-\|f-f(0)\|^2_\mu)
/p$ exactly, and $\mathbb E[u(x)^2]$ depends on $|x|$ only: for the step unit it is $C^2\,\mathbb E_\rho[2G(\rho r)
G(\rho|t|)/\rho^2]$, for the cosine atom $C^2\mathbb E[(\cos\rho t-1)^2/\rho^2]$, with $t=|x|z$ and $z$ the first
coordinate of a uniform direction (density $\propto(1-z^2)^{(d-3)/2}$). :func:`expected_unit_square` integrates
this by Gauss–Jacobi in $z$ times generalised Gauss–Laguerre in $y=s^2\rho^2/2\sim\Gamma(\frac{d+1}2)$; its error
is taken as the change from ``nodes`` to ``2 nodes`` nodes. The measured mean over ``draws`` is compared by its
z-score. False alarms: the per-draw squared errors are bounded but right-skewed, and a right-skewed sample that
misses its rare large values has both its mean and its standard error too small, so the z-score has a heavy *left*
tail (skewness of the standardised mean, stored in the result, up to about 0.35 in the default runs). Measured on
the worst case, d = 1 (150 seeds, 2100 z-scores per kind): 1.1 % beyond |z| = 3 (normal 0.27 %), 0.1 % beyond 4
(normal 0.006 %), none beyond 5, the extreme -4.9 (seed 3, cosine, p = 300); the threshold $|z|\le6$ is two units
past the largest seen, a false-alarm rate of order $10^{-5}$ per check by extrapolating that tail (the normal tail,
$2\cdot10^{-9}$, would be optimistic). The
slope of $\log\sqrt{\overline{\mathrm{MSE}}_p}$ against $\log p$ is checked within $-\frac12\pm6\,\mathrm{sd}$, the
sd propagated from the per-size standard errors (delta method).

**Cybenko, constructive** (:func:`cybenko_experiment`): the staircase of
:func:`theorems.universal_approximation.staircase_bound` with $\kappa=c/h$ for targets on $[0,1]$, and with $\kappa$
fixed to show the stall. The sup error is measured on a grid of spacing $g=h/K$; the true sup exceeds the grid's
by at most $(L+\mathrm{Lip}(f_p))\,g/2$ (both sides Lipschitz, every point within $g/2$ of the grid), with
$\mathrm{Lip}(f_p)$ from :func:`theorems.universal_approximation.staircase_slope_bound`. The check is
grid sup $+$ that margin $\le$ bound: a certificate that the true sup is below the bound. Refitting the output
weights by least squares on the same grid (inner weights kept) can only lower the RMS error there, which is checked;
in sup norm the refit can be worse, which is not claimed.

**Polynomial activations** (:func:`polynomial_experiment`): networks $a_0+\sum_s a_s(x+b_s)^k$ with least-squares
output weights are polynomials of degree $\le k$, so their sup error is at least $E_k(f)$, certified from below by
:func:`numerics.remez.remez` (de la Vallée Poussin, exact rational arithmetic); the sigmoid staircase of the same
size goes below it.

**Trained** (:func:`train_experiment`, slow, not in ``verify``): sigmoid/tanh/ReLU networks trained by Adam (optax)
on samples of the Gaussian; their test MSE is reported against $(2rC_f)^2/p$ (a report: the theorem says a good
network exists, not that Adam finds one).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from scipy import special

from numerics.bridge import to_jax
from numerics.measure import loglog_slope
from numerics.prng import fast_key
from numerics.training import check_training, descend
from theorems import universal_approximation as statement
from theorems.core import Check, numeric

# ---------------------------------------------------------------------------------------------------------------
# Bounds, lambdified once from the SymPy side.
# ---------------------------------------------------------------------------------------------------------------

S = statement
_gaussian_norm = to_jax([S.dim, S.width], S.gaussian_barron_norm())
_step_mse_bound = to_jax([S.r, S.C_f, S.p], S.barron_mse_bound())
_cosine_mse_bound = to_jax([S.r, S.C_f, S.p], S.cosine_mse_bound())
_sigmoid_mse_bound = to_jax([S.r, S.C_f, S.p, S.kappa], S.sigmoid_mse_bound())
# The bridge has no Lambert W (nor has jax.scipy): the constant W(1/e) enters as its 30-digit value.
_W = {S.TAIL_CONSTANT: S.TAIL_CONSTANT.evalf(30)}
_staircase_bound = to_jax([S.h, S.kappa, S.lipschitz, S.oscillation], S.staircase_bound().subs(_W))
_staircase_slope = to_jax([S.h, S.kappa, S.lipschitz, S.oscillation], S.staircase_slope_bound())


_sphere_area = to_jax([S.dim], S.sphere_area())


def gaussian_barron_norm(d: int, width: float) -> float:
    """C_f of exp(-|x|^2/(2 s^2)) in R^d, from :func:`theorems.universal_approximation.gaussian_barron_norm`."""
    return float(_gaussian_norm(float(d), float(width)))


QUADRATURE_TOLERANCE = 1e-10
_gaussian_spectrum = jax.jit(to_jax([S.dim, S.width, S.rho], S.gaussian_spectrum()))  # called per quadrature node


def gaussian_spectrum_by_quadrature(width: float, omegas) -> np.ndarray:
    """The 1-D transform (1/pi) int_0^oo exp(-x^2/(2 s^2)) cos(w x) dx at each w, by QUADPACK (QAWF for w > 0).

    Absolute error about the tolerance 1e-10: for large w the integral cancels, so it is compared with the closed
    form in absolute terms."""
    from scipy import integrate

    def one(omega):
        gaussian = lambda t: math.exp(-t * t / (2 * width**2))  # noqa: E731
        if omega == 0:
            return integrate.quad(gaussian, 0, np.inf, epsabs=QUADRATURE_TOLERANCE)[0] / math.pi
        return integrate.quad(gaussian, 0, np.inf, weight="cos", wvar=omega, epsabs=QUADRATURE_TOLERANCE)[0] / math.pi

    return np.array([one(float(o)) for o in omegas])


def gaussian_barron_norm_by_quadrature(d: int, width: float) -> float:
    """C_f = |S^{d-1}| int_0^oo rho^d f~(rho) d rho by adaptive quadrature of the spectrum (lambdified from SymPy),
    independent of SymPy's integration and Gamma-function algebra (tolerance 1e-10 relative)."""
    from scipy import integrate

    peak = math.sqrt(d) / width  # where rho^d exp(-s^2 rho^2/2) is largest
    integrand = lambda rr: rr**d * float(_gaussian_spectrum(float(d), width, rr))  # noqa: E731
    pieces = [(0.0, peak), (peak, 3 * peak + 10 / width), (3 * peak + 10 / width, np.inf)]
    radial = sum(integrate.quad(integrand, lo, hi, epsabs=0, epsrel=QUADRATURE_TOLERANCE, limit=200)[0]
                 for lo, hi in pieces)
    return float(_sphere_area(float(d))) * radial


# ---------------------------------------------------------------------------------------------------------------
# Targets: sums of Gaussians and cosines, as padded arrays (a fixed number of components keeps shapes fixed).
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """f(x) = sum_g alpha_g exp(-|x - c_g|^2/(2 s_g^2)) + sum_k beta_k cos(<a_k, x> + phi_k) on R^d.

    Arrays: ``gauss_amp`` (G,), ``gauss_width`` (G,), ``gauss_center`` (G, d), ``cos_amp`` (K,), ``cos_freq`` (K, d),
    ``cos_phase`` (K,). A zero amplitude is a padding component that is never sampled.
    """

    gauss_amp: np.ndarray
    gauss_width: np.ndarray
    gauss_center: np.ndarray
    cos_amp: np.ndarray
    cos_freq: np.ndarray
    cos_phase: np.ndarray

    def __post_init__(self):
        d = self.gauss_center.shape[1]
        if self.cos_freq.shape[1] != d:
            raise ValueError(f"Gaussian centres are in R^{d} but cosine frequencies in R^{self.cos_freq.shape[1]}")
        if np.any(self.gauss_width <= 0):
            raise ValueError(f"Gaussian widths must be > 0, got {self.gauss_width}")
        if np.any(np.linalg.norm(self.cos_freq, axis=1)[self.cos_amp != 0] <= 0):
            raise ValueError("a cosine component with nonzero amplitude needs a nonzero frequency")
        if not (np.any(self.gauss_amp != 0) or np.any(self.cos_amp != 0)):
            raise ValueError("the target is zero: give at least one nonzero amplitude")

    @property
    def dim(self) -> int:
        return int(self.gauss_center.shape[1])

    def component_norms(self) -> np.ndarray:
        """|alpha_i| C_i per component (Gaussians first): C_i from SymPy (Gaussian) and |a| (cosine)."""
        gauss = np.array([abs(a) * gaussian_barron_norm(self.dim, s) for a, s in zip(self.gauss_amp, self.gauss_width)])
        cos = np.abs(self.cos_amp) * np.linalg.norm(self.cos_freq, axis=1)
        return np.concatenate([gauss, cos])

    def barron_norm_bound(self) -> float:
        """C = sum_i |alpha_i| C_i >= C_f (subadditivity); equal for a single centred Gaussian."""
        return float(np.sum(self.component_norms()))

    def __call__(self, x):
        """f at points x of shape (..., d) (NumPy or JAX)."""
        xp = jnp if isinstance(x, jax.Array) else np
        sq = xp.sum((x[..., None, :] - self.gauss_center) ** 2, axis=-1)
        gauss = xp.sum(self.gauss_amp * xp.exp(-sq / (2 * self.gauss_width**2)), axis=-1)
        cos = xp.sum(self.cos_amp * xp.cos(x @ self.cos_freq.T + self.cos_phase), axis=-1)
        return gauss + cos


def centred_gaussian(d: int, width: float) -> Target:
    """exp(-|x|^2/(2 s^2)) in R^d as a :class:`Target` (one component, no cosine)."""
    return Target(np.ones(1), np.array([float(width)]), np.zeros((1, d)), np.zeros(1), np.ones((1, d)), np.zeros(1))


# ---------------------------------------------------------------------------------------------------------------
# The sampler of Barron's proof.
# ---------------------------------------------------------------------------------------------------------------


def abs_sine_integral(u):
    """G(u) = int_0^u |sin v| dv = sign(u) (2 floor(|u|/pi) + 1 - cos(|u| mod pi)), odd and increasing.

    NumPy in, NumPy out (the quadrature); JAX otherwise."""
    xp = np if isinstance(u, np.ndarray) else jnp
    m = xp.abs(u)
    return xp.sign(u) * (2 * xp.floor(m / np.pi) + 1 - xp.cos(xp.mod(m, np.pi)))


def abs_sine_integral_inverse(g):
    """G^{-1}(g) = sign(g) (k pi + arccos(1 - (|g| - 2k))), k = floor(|g|/2). NumPy in, NumPy out."""
    xp = np if isinstance(g, np.ndarray) else jnp
    m = xp.abs(g)
    k = xp.floor(m / 2)
    return xp.sign(g) * (k * np.pi + xp.arccos(xp.clip(1 - (m - 2 * k), -1.0, 1.0)))


def uniforms_per_unit(d_max: int) -> int:
    """Uniform variates one unit consumes: 2 d_max + 1 normals (direction, chi radius), component, threshold."""
    return 2 * d_max + 3


def _draw_units(uniform, d_max, d, target_arrays, radius):
    """Units of the mixture from a block of uniforms in (0, 1) of shape (count, ``uniforms_per_unit(d_max)``):
    direction e (count, d_max), radius rho, phase theta, sign, threshold tau, variation V. Arrays are padded to
    ``d_max`` coordinates; ``d`` (traced) masks the padding. Normals are ndtri of uniforms."""
    g_amp, g_width, g_center, c_amp, c_freq, c_phase, weights = target_arrays
    normal = jax.scipy.special.ndtri(uniform[:, : 2 * d_max + 1])
    uniform = uniform[:, 2 * d_max + 1:]
    n_gauss = g_amp.shape[0]
    cumulative = jnp.cumsum(weights) / jnp.sum(weights)
    component = jnp.sum(uniform[:, :1] >= cumulative[None, :-1], axis=1)
    mask = jnp.arange(d_max) < d
    direction = normal[:, :d_max] * mask
    direction = direction / jnp.linalg.norm(direction, axis=1, keepdims=True)
    chi = normal[:, d_max:] * jnp.append(mask, True)
    is_gauss = component < n_gauss
    g_index = jnp.minimum(component, n_gauss - 1)
    c_index = jnp.maximum(component - n_gauss, 0)
    gauss_omega = direction * (jnp.linalg.norm(chi, axis=1) / g_width[g_index])[:, None]
    omega = jnp.where(is_gauss[:, None], gauss_omega, c_freq[c_index])
    theta = jnp.where(is_gauss, -jnp.sum(omega * g_center[g_index], axis=1), c_phase[c_index])
    sign = jnp.sign(jnp.where(is_gauss, g_amp[g_index], c_amp[c_index]))
    rho = jnp.linalg.norm(omega, axis=1)
    e = omega / rho[:, None]
    lo, hi = abs_sine_integral(-rho * radius + theta), abs_sine_integral(rho * radius + theta)
    tau = (abs_sine_integral_inverse(lo + uniform[:, 1] * (hi - lo)) - theta) / rho
    variation = (hi - lo) / rho
    return e, rho, theta, sign, tau, variation


def _unit_values(t, rho, theta, sign, tau, variation, total_norm, steepness):
    """Cosine atom, step unit and sigmoid unit at projections t (points, units); steepness per unit."""
    cosine = sign * total_norm * (jnp.cos(rho * t + theta) - jnp.cos(theta)) / rho
    magnitude = sign * total_norm * variation * jnp.sign(-jnp.sin(rho * tau + theta))
    right = tau >= 0
    step = magnitude * jnp.where(right, (t > tau).astype(t.dtype), -(t < tau).astype(t.dtype))
    smooth = magnitude * jnp.where(right, jax.nn.sigmoid(steepness * (t - tau)), -jax.nn.sigmoid(steepness * (tau - t)))
    return cosine, step, smooth


def _evaluate(target_arrays, x):
    """The target at points x (M, d_max), from its padded arrays (JAX)."""
    g_amp, g_width, g_center, c_amp, c_freq, c_phase, _ = target_arrays
    sq = jnp.sum((x[:, None, :] - g_center[None]) ** 2, axis=-1)
    return jnp.exp(-sq / (2 * g_width**2)) @ g_amp + jnp.cos(x @ c_freq.T + c_phase) @ c_amp


def _ball_points(uniform, d, d_max, radius):
    """Points uniform in the ball of radius r in R^d (d traced), padded with zeros to d_max coordinates, from a
    block of uniforms of shape (count, d_max + 1)."""
    z = jax.scipy.special.ndtri(uniform[:, :d_max]) * (jnp.arange(d_max) < d)
    z = z / jnp.linalg.norm(z, axis=1, keepdims=True)
    return z * radius * uniform[:, d_max:] ** (1.0 / d)


@partial(jax.jit, static_argnames=("units", "draws", "points", "d_max", "chunk"))
def _network_errors(key, d, target_arrays, total_norm, radius, steepness_factor, *, units, draws, points, d_max,
                    chunk):
    """Squared L2(mu) errors, shape (3, draws, len(units)), of the cosine / step / sigmoid networks, and the support
    of mu (points, d_max): ``points`` points uniform in B_r, drawn once.

    Every size gets its own units: one draw samples sum(units) of them and slices. One program for every dimension
    (d is traced, arrays padded to d_max): compiling costs more than running here.
    """
    total = sum(units)
    width = uniforms_per_unit(d_max)
    # One call to the generator for the whole program: splitting an rbg key would compile threefry.
    block = jax.random.uniform(fast_key(key, d), (points * (d_max + 1) + draws * total * width,),
                               minval=np.finfo(np.float64).tiny)
    x = _ball_points(block[: points * (d_max + 1)].reshape(points, d_max + 1), d, d_max, radius)
    per_draw = block[points * (d_max + 1):].reshape(draws, total, width)
    residual = _evaluate(target_arrays, x) - _evaluate(target_arrays, jnp.zeros((1, d_max)))[0]
    segment = np.concatenate([np.full(p, i) for i, p in enumerate(units)])
    ends = np.cumsum(units)
    starts = ends - np.array(units)
    steepness = jnp.asarray(np.array([math.sqrt(p) for p in units])[segment]) * steepness_factor / radius

    def one(uniform):
        e, rho, theta, sign, tau, variation = _draw_units(uniform, d_max, d, target_arrays, radius)
        t = x @ e.T
        values = _unit_values(t, rho, theta, sign, tau, variation, total_norm, steepness)
        out = []
        for v in values:  # (points, units): the network of size p averages its own segment of units
            networks = jnp.stack([jnp.mean(v[:, a:b], axis=1) for a, b in zip(starts, ends)], axis=1)
            out.append(jnp.mean((residual[:, None] - networks) ** 2, axis=0))
        return jnp.stack(out)

    out = jax.lax.map(one, per_draw, batch_size=chunk)
    return jnp.moveaxis(out, 1, 0), x


def _as_arrays(target: Target, d_max: int):
    pad = d_max - target.dim
    weights = target.component_norms()
    return tuple(jnp.asarray(a, dtype=jnp.float64) for a in (
        target.gauss_amp, target.gauss_width, np.pad(target.gauss_center, ((0, 0), (0, pad))),
        target.cos_amp, np.pad(target.cos_freq, ((0, 0), (0, pad))), target.cos_phase, weights))


@partial(jax.jit, static_argnames=("count", "d_max"))
def _unit_samples(key, x, d, target_arrays, total_norm, radius, steepness, *, count, d_max):
    uniform = jax.random.uniform(fast_key(key, d), (count, uniforms_per_unit(d_max)), minval=np.finfo(np.float64).tiny)
    e, rho, theta, sign, tau, variation = _draw_units(uniform, d_max, d, target_arrays, radius)
    values = _unit_values(x @ e.T, rho, theta, sign, tau, variation, total_norm, steepness)
    return jnp.stack(values)


def unit_samples(target: Target, key, count: int, x: np.ndarray, radius: float = 1.0, steepness: float = 1e3):
    """``count`` i.i.d. units (cosine atom, step unit, sigmoid unit of the given steepness) at points x (M, d):
    shape (3, M, count). Their mean is f(x) - f(0) (cosine, step) for |x| <= r."""
    errors = _unit_samples(key, jnp.asarray(x), target.dim, _as_arrays(target, target.dim),
                           target.barron_norm_bound(), float(radius), float(steepness), count=int(count),
                           d_max=target.dim)
    return np.asarray(errors)


def network_mse(target: Target, key, units: tuple[int, ...], draws: int, points: int = 64, radius: float = 1.0,
                steepness_factor: float = 4.0, d_max: int | None = None, chunk: int = 25):
    """Squared L2(mu) errors (3 kinds: cosine, step, sigmoid; draws; sizes) and the support of mu (points, d)."""
    d_max = d_max or target.dim
    errors, x = _network_errors(key, target.dim, _as_arrays(target, d_max), target.barron_norm_bound(),
                                float(radius), float(steepness_factor), units=tuple(units), draws=int(draws),
                                points=int(points), d_max=int(d_max), chunk=int(min(chunk, draws)))
    return np.asarray(errors), np.asarray(x)[:, : target.dim]


# ---------------------------------------------------------------------------------------------------------------
# Exact expectation by quadrature (centred Gaussian).
# ---------------------------------------------------------------------------------------------------------------


def _direction_rule(d: int, nodes: int):
    """Nodes and probability weights of z = e_1 for e uniform on S^{d-1}: density ∝ (1 - z^2)^{(d-3)/2}."""
    if d == 1:
        return np.array([1.0]), np.array([1.0])
    z, wz = special.roots_jacobi(nodes, (d - 3) / 2, (d - 3) / 2)
    return z, wz / wz.sum()


def _radius_rule(d: int, width: float, nodes: int):
    """Nodes rho and probability weights of rho ~ chi_{d+1}/s, through y = s^2 rho^2/2 ~ Gamma((d+1)/2)."""
    y, wy = special.roots_genlaguerre(nodes, (d - 1) / 2)
    return np.sqrt(2 * y) / width, wy / wy.sum()


def _unit_square(norm_x: np.ndarray, d: int, width: float, radius: float, nodes: int) -> np.ndarray:
    """E[u(x)^2] for |x| = norm_x: rows (cosine atom, step unit), C = C_f of the centred Gaussian."""
    C = gaussian_barron_norm(d, width)
    z, wz = _direction_rule(d, nodes)
    rho, wr = _radius_rule(d, width, nodes)
    t = np.abs(norm_x[:, None, None] * z[None, :, None])
    R = rho[None, None, :]
    weights = wz[None, :, None] * wr[None, None, :]
    cosine = (np.cos(R * t) - 1) ** 2 / R**2
    step = 2 * abs_sine_integral(R * radius) * abs_sine_integral(R * t) / R**2
    return C**2 * np.stack([np.sum(cosine * weights, axis=(1, 2)), np.sum(step * weights, axis=(1, 2))])


def expected_unit_square(norm_x, d, width, radius, nodes=200):
    """E||u||^2_mu over the points' norms (cosine, step) and the quadrature error (change when nodes double)."""
    coarse = _unit_square(np.asarray(norm_x), d, width, radius, nodes).mean(axis=1)
    fine = _unit_square(np.asarray(norm_x), d, width, radius, 2 * nodes).mean(axis=1)
    return fine, np.abs(fine - coarse)


# ---------------------------------------------------------------------------------------------------------------
# Barron: config, result, checks.
# ---------------------------------------------------------------------------------------------------------------

KINDS = ("cosine", "step", "sigmoid")


@dataclass(frozen=True)
class BarronConfig:
    """Centred Gaussian exp(-|x|^2/(2 s^2)) in each dimension; networks of each size; draws per size."""

    dims: tuple[int, ...] = (1, 2, 5, 10)
    width: float = 0.5
    radius: float = 1.0
    units: tuple[int, ...] = (1, 3, 10, 30, 100, 300, 1000)
    draws: int = 200
    points: int = 32
    steepness_factor: float = 4.0
    nodes: int = 64
    z_max: float = 6.0
    chunk: int = 25

    def __post_init__(self):
        if not self.dims or min(self.dims) < 1:
            raise ValueError(f"dims must be positive integers, got {self.dims}")
        if self.width <= 0 or self.radius <= 0:
            raise ValueError(f"width and radius must be > 0, got width={self.width}, radius={self.radius}")
        if len(self.units) < 3 or min(self.units) < 1 or list(self.units) != sorted(set(self.units)):
            raise ValueError(f"units must be >= 3 increasing sizes >= 1 (for a slope), got {self.units}")
        if self.draws < 10:
            raise ValueError(f"draws must be >= 10 for a standard error, got {self.draws}")
        if self.points < 1 or self.nodes < 8 or self.steepness_factor <= 0 or self.z_max <= 0:
            raise ValueError(f"points >= 1, nodes >= 8, steepness_factor > 0, z_max > 0 required; got points="
                             f"{self.points}, nodes={self.nodes}, steepness_factor={self.steepness_factor}, "
                             f"z_max={self.z_max}")


@dataclass(frozen=True)
class BarronResult:
    """Arrays indexed [dim, kind (cosine, step, sigmoid), size]: mean and standard error of the squared L2(mu)
    error over draws, its bound, and (cosine and step) the exact expectation with its quadrature error."""

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
    norm_by_quadrature: np.ndarray
    spectrum_error: np.ndarray


def barron_experiment(config: BarronConfig, key) -> BarronResult:
    """Measure the constructed networks' L2(mu) errors against Barron's bounds and their exact expectation."""
    units = np.array(config.units)
    n_d, n_p = len(config.dims), len(units)
    shape = (n_d, len(KINDS), n_p)
    mean, stderr, low, bound, expected, quad, skew = (np.full(shape, np.nan) for _ in range(7))
    norms = np.zeros(n_d)
    d_max = max(config.dims)
    for i, d in enumerate(config.dims):
        target = centred_gaussian(d, config.width)
        C = target.barron_norm_bound()
        norms[i] = C
        errors, x = network_mse(target, key, config.units, config.draws, config.points, config.radius,
                                config.steepness_factor, d_max, config.chunk)
        mean[i], low[i] = errors.mean(axis=1), errors.min(axis=1)
        stderr[i] = errors.std(axis=1, ddof=1) / math.sqrt(config.draws)
        centred = errors - errors.mean(axis=1, keepdims=True)
        skew[i] = (centred**3).mean(axis=1) / (centred**2).mean(axis=1) ** 1.5 / math.sqrt(config.draws)
        kappa = config.steepness_factor * np.sqrt(units) / config.radius
        bound[i, 0] = np.asarray(_cosine_mse_bound(config.radius, C, units.astype(float)))
        bound[i, 1] = np.asarray(_step_mse_bound(config.radius, C, units.astype(float)))
        bound[i, 2] = np.asarray(_sigmoid_mse_bound(config.radius, C, units.astype(float), kappa))
        residual_sq = np.mean((target(x[:, :d]) - 1.0) ** 2)
        square, error = expected_unit_square(np.linalg.norm(x, axis=1), d, config.width, config.radius,
                                             config.nodes)
        expected[i, :2] = (square[:, None] - residual_sq) / units[None, :]
        quad[i, :2] = error[:, None] / units[None, :]
    by_quadrature = np.array([gaussian_barron_norm_by_quadrature(d, config.width) for d in config.dims])
    omegas = np.linspace(0.0, 12.0 / config.width, 25)
    spectrum_error = np.max(np.abs(gaussian_spectrum_by_quadrature(config.width, omegas)
                                   - np.asarray(_gaussian_spectrum(1.0, config.width, omegas))))
    return BarronResult(np.array(config.dims), units, norms, mean, stderr, low, bound, expected, quad, skew,
                        by_quadrature, np.asarray(spectrum_error))


def slope_interval(result: BarronResult, i: int, kind: int, z_max: float) -> tuple[float, float, float]:
    """Fitted slope of log sqrt(mean MSE) on log p, and the interval -1/2 ± z_max sd (delta method)."""
    lx = np.log(result.units.astype(float))
    rmse = np.sqrt(result.mean_mse[i, kind])
    fit = loglog_slope(result.units, rmse)
    weights = (lx - lx.mean()) / np.sum((lx - lx.mean()) ** 2)
    var_log = 0.25 * (result.stderr_mse[i, kind] / result.mean_mse[i, kind]) ** 2
    sd = float(np.sqrt(np.sum(weights**2 * var_log)))
    return fit.slope, -0.5 - z_max * sd, -0.5 + z_max * sd


def barron_checks(result: BarronResult, config: BarronConfig, seconds: float = 0.0) -> list[Check]:
    """Per dimension: mean MSE / bound <= 1 at every p (each kind); |z| of mean vs exact expectation (cosine, step);
    the slope of the RMSE in [-1/2 - 6 sd, -1/2 + 6 sd] (cosine, step)."""
    out = [numeric(S.BARRON, "max_w |1-D Gaussian spectrum by QUADPACK - closed form| (QUADPACK asked for 1e-10, an error "
                          "estimate, not a guarantee: allowed 10x)",
                   float(result.spectrum_error), "<=", 10 * QUADRATURE_TOLERANCE, seconds)]
    for i, d in enumerate(result.dims):
        relative = abs(result.norm_by_quadrature[i] - result.norm[i]) / result.norm[i]
        out.append(numeric(S.BARRON, f"d={d}: |C_f by quadrature - sqrt(2) Gamma((d+1)/2)/(s Gamma(d/2))| / C_f",
                           relative, "<=", 10 * QUADRATURE_TOLERANCE, seconds))
        for kind, name in enumerate(KINDS):
            ratio = float(np.max(result.mean_mse[i, kind] / result.bound[i, kind]))
            what = {"cosine": "(r C_f)^2/p", "step": "(2 r C_f)^2/p", "sigmoid": "(2C_f/kappa)^2 + (2 r C_f)^2/p"}
            out.append(numeric(S.BARRON, f"d={d} {name}: max_p mean MSE / {what[name]}", ratio, "<=", 1.0, seconds))
        for kind in (0, 1):
            spread = np.sqrt(result.stderr_mse[i, kind] ** 2 + result.quadrature_error[i, kind] ** 2)
            z = np.abs(result.mean_mse[i, kind] - result.expected[i, kind]) / spread
            out.append(numeric(S.BARRON, f"d={d} {KINDS[kind]}: max_p |z| of mean MSE vs exact "
                                         f"(E||u||^2 - ||f - f(0)||^2)/p", float(np.max(z)), "<=", config.z_max,
                               seconds))
            slope, lo, hi = slope_interval(result, i, kind, config.z_max)
            out.append(numeric(S.BARRON, f"d={d} {KINDS[kind]}: log-log slope of RMSE vs p", slope, "in", (lo, hi),
                               seconds))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Cybenko: the staircase.
# ---------------------------------------------------------------------------------------------------------------

LSTSQ_SLACK = 1e-9
"""Least squares minimise the residual over all output weights, so their RMS error is at most the staircase's (whose
weights are one choice); the computed residual of a backward-stable solver is within about m n u ~ 1e-10 of the
minimum at these sizes (m n <= 2e5 entries), hence the slack. In sup norm the refit can be worse: not claimed."""

SMOOTH_STEP_SCALE = 1e-2
KINK_AT = 1 / math.e
CYBENKO_TARGETS: dict[str, tuple] = {
    # name: (function on [0, 1] (NumPy or JAX), Lipschitz constant L, oscillation max f - min f)
    "sin": (lambda x, xp=np: xp.sin(2 * np.pi * x), 2 * np.pi, 2.0),
    "abs": (lambda x, xp=np: xp.abs(x - 0.5), 1.0, 0.5),
    "kink": (lambda x, xp=np: 2 * xp.maximum(x - KINK_AT, 0.0), 2.0, 2 * (1 - KINK_AT)),
    "smooth_step": (lambda x, xp=np: 1 / (1 + xp.exp(-(x - 0.5) / SMOOTH_STEP_SCALE)), 1 / (4 * SMOOTH_STEP_SCALE),
                    1.0),
}


@dataclass(frozen=True)
class CybenkoConfig:
    """Staircase networks on [0, 1]: sizes p (h = 1/p), steepness c/h, fixed steepness for the stall, grid K/cell."""

    targets: tuple[str, ...] = ("sin", "abs", "kink", "smooth_step")
    units: tuple[int, ...] = (6, 30, 100, 300)
    steepness_factor: float = 10.0
    fixed_steepness: float = 60.0
    per_cell: int = 16
    least_squares_max: int = 100

    def __post_init__(self):
        for name in self.targets:
            if name not in CYBENKO_TARGETS:
                raise ValueError(f"target {name!r} is not one of {', '.join(CYBENKO_TARGETS)}")
        if not self.units or min(self.units) < 1:
            raise ValueError(f"units must be positive integers, got {self.units}")
        if self.steepness_factor <= 0 or self.fixed_steepness <= 0:
            raise ValueError(f"steepness must be > 0, got {self.steepness_factor}, {self.fixed_steepness}")
        if self.per_cell < 1:
            raise ValueError(f"per_cell must be >= 1, got {self.per_cell}")


@dataclass(frozen=True)
class CybenkoResult:
    """Arrays [target, size, mode] (mode 0: kappa = c p, mode 1: kappa fixed): sup error on the grid, grid margin
    (L + Lip f_p) g/2, and the bound; ``l2`` the RMS error on the grid; ``least_squares_l2`` [target, size] the RMS
    error on the same grid with output weights refitted by least squares (same inner weights, kappa = c p; NaN
    above ``least_squares_max`` units)."""

    units: np.ndarray
    sup_error: np.ndarray
    grid_margin: np.ndarray
    bound: np.ndarray
    l2: np.ndarray
    least_squares_l2: np.ndarray


def staircase(values_at_nodes, x, steepness):
    """f(0) + sum_k (f(x_k) - f(x_{k-1})) sigma(kappa (x - xi_k)), nodes x_k = k/p, midpoints xi_k = (k - 1/2)/p."""
    p = values_at_nodes.shape[0] - 1
    midpoints = (jnp.arange(1, p + 1) - 0.5) / p
    jumps = jnp.diff(values_at_nodes)
    return values_at_nodes[0] + jax.nn.sigmoid(steepness * (x[:, None] - midpoints[None, :])) @ jumps


def _evaluate_targets(x):
    """Every registered target at x: shape (targets, len(x))."""
    return jnp.stack([spec[0](x, jnp) for spec in CYBENKO_TARGETS.values()])


@partial(jax.jit, static_argnames=("max_units", "per_cell"))
def _staircase_errors(target_index, units, steepness, *, max_units, per_cell):
    """(sup, rms) of f - f_p on the grid of spacing h/K for each (target, p, kappa) row: one compiled program.

    Sizes are traced and padded to ``max_units`` (nodes) and ``max_units * per_cell`` (grid), with masks, so that
    one body serves every row (compiling one program per size and target costs more than the arithmetic).
    """
    k = jnp.arange(max_units + 1)
    i = jnp.arange(max_units * per_cell + 1)

    def one(row):
        target, p, kappa = row
        node_values = _evaluate_targets(jnp.minimum(k / p, 1.0))[target]
        jumps = jnp.where(k[1:] <= p, jnp.diff(node_values), 0.0)
        midpoints = (k[1:] - 0.5) / p
        grid = jnp.minimum(i / (p * per_cell), 1.0)
        on_grid = i <= p * per_cell
        network = node_values[0] + jax.nn.sigmoid(kappa * (grid[:, None] - midpoints[None, :])) @ jumps
        err = jnp.where(on_grid, _evaluate_targets(grid)[target] - network, 0.0)
        return jnp.stack([jnp.max(jnp.abs(err)), jnp.sqrt(jnp.sum(err**2) / (p * per_cell + 1))])

    return jax.lax.map(one, (target_index, units, steepness))


def cybenko_experiment(config: CybenkoConfig, key=None) -> CybenkoResult:
    """Sup and RMS error of the staircase for each target and size, with the bound and the grid margin."""
    del key  # deterministic
    names = list(CYBENKO_TARGETS)
    rows = [(names.index(name), p, kappa) for name in config.targets for p in config.units
            for kappa in (config.steepness_factor * p, config.fixed_steepness)]
    target_index, units, steepness = (np.array(column) for column in zip(*rows))
    measured = np.asarray(_staircase_errors(jnp.asarray(target_index), jnp.asarray(units, dtype=jnp.float64),
                                            jnp.asarray(steepness, dtype=jnp.float64), max_units=max(config.units),
                                            per_cell=config.per_cell))
    measured = measured.reshape(len(config.targets), len(config.units), 2, 2)
    shape = measured.shape[:3]
    margin, bound = np.zeros(shape), np.zeros(shape)
    for a, name in enumerate(config.targets):
        _, lip, osc = CYBENKO_TARGETS[name]
        for b, p in enumerate(config.units):
            h = 1.0 / p
            for mode, kappa in enumerate((config.steepness_factor * p, config.fixed_steepness)):
                bound[a, b, mode] = float(_staircase_bound(h, kappa, lip, osc))
                slope = float(_staircase_slope(h, kappa, lip, osc))
                margin[a, b, mode] = (lip + slope) * (h / config.per_cell) / 2
    refitted = np.full(shape[:2], np.nan)
    for a, name in enumerate(config.targets):
        for b, p in enumerate(config.units):
            if p <= config.least_squares_max:
                refitted[a, b] = least_squares_rms(CYBENKO_TARGETS[name][0], p, config.steepness_factor * p,
                                                   config.per_cell)
    return CybenkoResult(np.array(config.units), measured[..., 0], margin, bound, measured[..., 1], refitted)


def least_squares_rms(fn, p: int, kappa: float, per_cell: int) -> float:
    """RMS error on the grid of spacing h/K of a_0 + sum_k a_k sigma(kappa (x - xi_k)) with (a_0, a_k) fitted by
    least squares on that grid (the staircase's inner weights, its output weights replaced)."""
    from scipy.special import expit

    grid = np.linspace(0.0, 1.0, p * per_cell + 1)
    midpoints = (np.arange(1, p + 1) - 0.5) / p
    design = np.column_stack([np.ones_like(grid), expit(kappa * (grid[:, None] - midpoints[None, :]))])
    weights, *_ = np.linalg.lstsq(design, fn(grid), rcond=None)
    return float(np.sqrt(np.mean((fn(grid) - design @ weights) ** 2)))


def cybenko_checks(result: CybenkoResult, config: CybenkoConfig, seconds: float = 0.0) -> list[Check]:
    """(grid sup + grid margin) / bound <= 1 per target and size, kappa = c p; and, per target, the same for the
    fixed kappa at the largest size (where its tails dominate)."""
    out = []
    for a, name in enumerate(config.targets):
        for b, p in enumerate(result.units):
            certified = (result.sup_error[a, b, 0] + result.grid_margin[a, b, 0]) / result.bound[a, b, 0]
            out.append(numeric(S.CYBENKO, f"{name}, p={p}, kappa={config.steepness_factor:g}p: (grid sup error + "
                                          "grid margin) / staircase bound", certified, "<=", 1.0, seconds))
        for b, p in enumerate(result.units):
            if np.isfinite(result.least_squares_l2[a, b]):
                out.append(numeric(S.CYBENKO, f"{name}, p={p}: RMS error with least-squares output weights / "
                                              "staircase's RMS error (on the fit grid)",
                                   result.least_squares_l2[a, b] / result.l2[a, b, 0], "<=", 1.0 + LSTSQ_SLACK,
                                   seconds))
        certified = (result.sup_error[a, -1, 1] + result.grid_margin[a, -1, 1]) / result.bound[a, -1, 1]
        out.append(numeric(S.CYBENKO, f"{name}, p={result.units[-1]}, kappa={config.fixed_steepness:g} fixed: "
                                      "(grid sup + margin) / bound", certified, "<=", 1.0, seconds))
    return out


@dataclass(frozen=True)
class CurvesConfig:
    """The slide's picture: one target on [0, 1] and its staircase fits of a few sizes (kappa = c p)."""

    target: str = "sin"
    units: tuple[int, ...] = (6, 30, 100)
    steepness_factor: float = 10.0
    points: int = 1001

    def __post_init__(self):
        if self.target not in CYBENKO_TARGETS:
            raise ValueError(f"target {self.target!r} is not one of {', '.join(CYBENKO_TARGETS)}")
        if not self.units or min(self.units) < 1 or self.points < 2:
            raise ValueError(f"units >= 1 and points >= 2 required, got units={self.units}, points={self.points}")


@dataclass(frozen=True)
class CurvesResult:
    """x (points,), f(x) (points,), the fits (sizes, points)."""

    x: np.ndarray
    target: np.ndarray
    fits: np.ndarray


def staircase_curves(config: CurvesConfig, key=None) -> CurvesResult:
    """The staircase networks of each size evaluated on a uniform grid (for the figure)."""
    del key  # deterministic
    fn = CYBENKO_TARGETS[config.target][0]
    x = np.linspace(0.0, 1.0, config.points)
    fits = np.stack([np.asarray(staircase(jnp.asarray(fn(np.linspace(0.0, 1.0, p + 1))), jnp.asarray(x),
                                          config.steepness_factor * p)) for p in config.units])
    return CurvesResult(x, fn(x), fits)


# ---------------------------------------------------------------------------------------------------------------
# Cybenko's converse: polynomial activations stall at E_k(f).
# ---------------------------------------------------------------------------------------------------------------

POLYNOMIAL_TARGETS: dict[str, tuple] = {
    # name: (f on [0, 1], f on Fractions (exact), Lipschitz constant, symmetric about 1/2, kinks)
    "abs": (lambda x: np.abs(x - 0.5), lambda x: abs(x - Fraction(1, 2)), 1.0, True, (0.5,)),
}


@dataclass(frozen=True)
class PolynomialConfig:
    """Networks with sigma(t) = t^k (output weights by least squares on a grid) against E_k(f) from Remez, and the
    sigmoid staircase (kappa = c p) of the same sizes."""

    target: str = "abs"
    power: int = 4
    units: tuple[int, ...] = (6, 30, 100)
    grid: int = 4001
    steepness_factor: float = 10.0
    per_cell: int = 16

    def __post_init__(self):
        if self.target not in POLYNOMIAL_TARGETS:
            raise ValueError(f"target {self.target!r} is not one of {', '.join(POLYNOMIAL_TARGETS)}")
        if self.power < 1:
            raise ValueError(f"power must be >= 1, got {self.power}")
        if not self.units or min(self.units) < 1 or self.grid < 3 or self.per_cell < 1:
            raise ValueError(f"units >= 1, grid >= 3 and per_cell >= 1 required, got units={self.units}, "
                             f"grid={self.grid}, per_cell={self.per_cell}")


@dataclass(frozen=True)
class PolynomialResult:
    """Certified lower <= E_k(f) <= upper (Remez); per size: grid sup error of the t^k network, and the sigmoid
    staircase's grid sup error with its grid margin."""

    units: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    polynomial_sup: np.ndarray
    sigmoid_sup: np.ndarray
    sigmoid_margin: np.ndarray


def polynomial_network_sup_error(f, power: int, units: int, grid: np.ndarray) -> float:
    """sup over the grid of |f - f_theta| for sum_s a_s (x + b_s)^k + a_0, biases b_s spread over [-1, 1] and
    output weights by least squares on the grid (f_theta is a polynomial of degree <= k whatever the weights)."""
    biases = np.linspace(-1.0, 1.0, units) if units > 1 else np.zeros(1)
    design = np.column_stack([np.ones_like(grid), (grid[:, None] + biases[None, :]) ** power])
    weights, *_ = np.linalg.lstsq(design, f(grid), rcond=None)
    return float(np.max(np.abs(f(grid) - design @ weights)))


def polynomial_experiment(config: PolynomialConfig, key=None) -> PolynomialResult:
    """E_k(f) with certified bounds; the t^k networks' and the sigmoid staircases' sup errors."""
    del key  # deterministic
    from numerics.remez import remez

    f, f_exact, lip, symmetric, kinks = POLYNOMIAL_TARGETS[config.target]
    best = remez(f, config.power, (0.0, 1.0), lipschitz=lip, f_exact=f_exact, symmetric=symmetric,
                 breakpoints=kinks)
    grid = np.linspace(0.0, 1.0, config.grid)
    polynomial = np.array([polynomial_network_sup_error(f, config.power, p, grid) for p in config.units])
    staircase_config = CybenkoConfig(targets=(config.target,), units=tuple(config.units),
                                     steepness_factor=config.steepness_factor, per_cell=config.per_cell)
    stairs = cybenko_experiment(staircase_config)
    return PolynomialResult(np.array(config.units), np.asarray(best.lower), np.asarray(best.upper), polynomial,
                            stairs.sup_error[0, :, 0], stairs.grid_margin[0, :, 0])


def polynomial_checks(result: PolynomialResult, config: PolynomialConfig, seconds: float = 0.0) -> list[Check]:
    """Per size: the t^k network's sup error >= the certified E_k (the stall, proved by de la Vallée Poussin); at
    the largest size: the sigmoid staircase's certified sup error < E_k (it beats every t^k network)."""
    k, name = config.power, config.target
    out = [numeric(S.CYBENKO, f"{name}: sigma = t^{k}, p={p}: grid sup error >= certified lower bound on E_{k}(f) "
                              f"(in [{float(result.lower):.6g}, {float(result.upper):.6g}])",
                   result.polynomial_sup[b], ">=", float(result.lower), seconds)
           for b, p in enumerate(result.units)]
    out.append(numeric(S.CYBENKO, f"{name}: sigmoid staircase p={result.units[-1]}: grid sup + margin < E_{k}(f) "
                                  "lower bound (beats every degree-k network)",
                       result.sigmoid_sup[-1] + result.sigmoid_margin[-1], "<=", float(result.lower), seconds))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Barron, trained (optax): where gradient descent lands against the bound.
# ---------------------------------------------------------------------------------------------------------------

ACTIVATIONS = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "relu": jax.nn.relu}


@dataclass(frozen=True)
class TrainingConfig:
    """Two-layer networks f(0)-free: a_0 + sum_s a_s sigma(<w_s, x> + b_s), trained by Adam (optax) on the squared
    error at ``train_points`` points uniform in B_r; tested on ``test_points`` fresh points (Monte Carlo L2)."""

    dim: int = 5
    width: float = 0.5
    radius: float = 1.0
    units: tuple[int, ...] = (10, 100, 1000)
    activations: tuple[str, ...] = ("sigmoid", "tanh", "relu")
    steps: int = 1500
    learning_rate: float = 1e-2
    train_points: int = 1024
    test_points: int = 4096

    def __post_init__(self):
        for name in self.activations:
            if name not in ACTIVATIONS:
                raise ValueError(f"activation {name!r} is not one of {', '.join(ACTIVATIONS)}")
        if self.dim < 1 or not self.units or min(self.units) < 1 or self.steps < 1:
            raise ValueError(f"dim, units and steps must be >= 1, got {self.dim}, {self.units}, {self.steps}")
        if self.learning_rate <= 0 or self.train_points < 1 or self.test_points < 2:
            raise ValueError(f"learning_rate > 0, train_points >= 1, test_points >= 2 required, got "
                             f"{self.learning_rate}, {self.train_points}, {self.test_points}")


@dataclass(frozen=True)
class TrainingResult:
    """Arrays [activation, size]: train MSE, test MSE with its Monte Carlo standard error, and Barron's bound
    (2 r C_f)^2/p; ``units`` the sizes."""

    units: np.ndarray
    train_mse: np.ndarray
    test_mse: np.ndarray
    test_stderr: np.ndarray
    bound: np.ndarray


def _network(params, x, activation):
    return params["a0"] + activation(x @ params["w"] + params["b"]) @ params["a"]


@partial(jax.jit, static_argnames=("activation",))
def _predict(params, x, *, activation):
    return _network(params, x, ACTIVATIONS[activation])


@partial(jax.jit, static_argnames=("d", "radius", "train", "test"))
def _training_points(key, d, radius, train, test):
    """Training and test points uniform in B_r, from one draw (one compiled generator)."""
    u = jax.random.uniform(fast_key(key, d), (train + test, d + 1), minval=np.finfo(np.float64).tiny)
    x = _ball_points(u, d, d, radius)
    return x[:train], x[train:]


@partial(jax.jit, static_argnames=("activation", "units", "steps"))
def _train(key, x, y, learning_rate, *, activation, units, steps):
    """Adam on the mean squared error; returns the parameters and the loss history (for the NaN guard)."""
    import optax

    d = x.shape[1]
    u = jax.random.uniform(fast_key(key, units), (d + 1, units), minval=np.finfo(np.float64).tiny)
    params = {"w": jax.scipy.special.ndtri(u[:d]) * 3.0 / math.sqrt(d), "b": 6.0 * u[d] - 3.0,
              "a": jnp.zeros(units), "a0": jnp.mean(y)}
    return descend(lambda p: jnp.mean((_network(p, x, ACTIVATIONS[activation]) - y) ** 2), params,
                   optax.adam(learning_rate), steps=steps)


def train_experiment(config: TrainingConfig, key) -> TrainingResult:
    """Train each activation at each size on the centred Gaussian; measure train and test MSE against the bound.

    Raises TrainingDiverged (a FloatingPointError) naming the step and the value if the loss becomes NaN or
    infinite."""
    target = centred_gaussian(config.dim, config.width)
    x_train, x_test = _training_points(key, config.dim, config.radius, config.train_points, config.test_points)
    x_train, x_test = np.asarray(x_train), np.asarray(x_test)
    y_train, y_test = target(x_train), target(x_test)
    shape = (len(config.activations), len(config.units))
    train, test, stderr = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for i, name in enumerate(config.activations):
        for j, p in enumerate(config.units):
            params, history = _train(key, x_train, y_train, config.learning_rate, activation=name, units=p,
                                     steps=config.steps)
            check_training(history, context=f"training {name} with p={p}")
            residual = (np.asarray(_predict(params, x_test, activation=name)) - y_test) ** 2
            train[i, j] = float(np.mean((np.asarray(_predict(params, x_train, activation=name)) - y_train) ** 2))
            test[i, j], stderr[i, j] = residual.mean(), residual.std(ddof=1) / math.sqrt(residual.size)
    C = target.barron_norm_bound()
    bound = np.asarray(_step_mse_bound(config.radius, C, np.array(config.units, dtype=float)))
    return TrainingResult(np.array(config.units), train, test, stderr, np.broadcast_to(bound, shape).copy())


def training_checks(result: TrainingResult, config: TrainingConfig, seconds: float = 0.0) -> list[Check]:
    """Where training lands: test MSE + 6 standard errors <= (2 r C_f)^2/p for each activation and size.

    Not a consequence of the theorem (which says a good network exists, not that Adam finds it): a report."""
    return [numeric(S.BARRON, f"trained {name}, d={config.dim}, p={p}: (test MSE + 6 se) / (2 r C_f)^2/p",
                    (result.test_mse[i, j] + 6 * result.test_stderr[i, j]) / result.bound[i, j], "<=", 1.0, seconds)
            for i, name in enumerate(config.activations) for j, p in enumerate(result.units)]


# ---------------------------------------------------------------------------------------------------------------
# Entry points.
# ---------------------------------------------------------------------------------------------------------------


def verify_barron(key) -> list[Check]:
    """The default Barron experiment and its checks (``mathai verify barron1993``)."""
    start = time.perf_counter()
    config = BarronConfig()
    result = barron_experiment(config, key)
    return barron_checks(result, config, time.perf_counter() - start)


def verify_cybenko(key) -> list[Check]:
    """The default staircase experiment and its checks (``mathai verify cybenko1989``)."""
    start = time.perf_counter()
    config = CybenkoConfig()
    result = cybenko_experiment(config, key)
    out = cybenko_checks(result, config, time.perf_counter() - start)
    start = time.perf_counter()
    polynomial = PolynomialConfig()
    return out + polynomial_checks(polynomial_experiment(polynomial, key), polynomial, time.perf_counter() - start)


VERIFY = {S.CYBENKO: verify_cybenko, S.BARRON: verify_barron}
