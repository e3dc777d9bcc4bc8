r"""The sampler of Barron's proof: i.i.d. units whose mean is $f-f(0)$ on $B_r$, and the networks that average them.

A unit is drawn by picking a component of the target (:mod:`numerics.universal_approximation.targets`) with
probability $|\alpha_i|C_i/C$, then a frequency $\omega$ from that component's $|\omega||\tilde f_i(\omega)|/C_i$
(Gaussian: $|\omega|\sim\chi_{d+1}/s$, direction uniform, phase $\theta=-\langle\omega,c\rangle$; cosine:
$\omega=a$, $\theta=\varphi$). Three units from the same draw:

* cosine atom $\operatorname{sgn}\alpha_i\,C(\cos(\langle\omega,x\rangle+\theta)-\cos\theta)/|\omega|$;
* step unit (Barron's proof): with $\rho=|\omega|$, $e=\omega/\rho$, $t=\langle e,x\rangle$, a threshold $\tau\in[-r,r]$
  drawn with density $|\sin(\rho\tau+\theta)|/V$, $V$ the variation of the profile on $[-r,r]$ (exact inverse
  CDF through $G(u)=\int_0^u|\sin|$), the unit $\operatorname{sgn}\alpha_i\,C\,V\,\operatorname{sgn}(h'(\tau))
  (\mathbb 1\{t>\tau\}$ if $\tau\ge0$, $-\mathbb 1\{t<\tau\}$ if $\tau<0)$, $h'(\tau)=-\sin(\rho\tau+\theta)$;
* the same with $\sigma(\kappa\,\cdot)$ in place of the step.

The network of size $p$ is $f(0)+\frac1p\sum_{s\le p}u_s$ with fresh units for every $p$ (so sizes are independent);
its squared $L^2(\mu)$ error is computed exactly for $\mu$ the empirical measure of points uniform in $B_r$.
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.universal_approximation.targets import Target, as_arrays


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


def ball_points(uniform, d, d_max, radius):
    """Points uniform in the ball of radius r in R^d (d traced), padded with zeros to d_max coordinates, from a
    block of uniforms of shape (count, d_max + 1)."""
    z = jax.scipy.special.ndtri(uniform[:, :d_max]) * (jnp.arange(d_max) < d)
    z = z / jnp.linalg.norm(z, axis=1, keepdims=True)
    return z * radius * uniform[:, d_max:] ** (1.0 / d)


@partial(jax.jit, static_argnames=("units", "draws", "points", "d_max", "chunk"))
def network_errors(key, d, target_arrays, total_norm, radius, steepness_factor, *, units, draws, points, d_max,
                   chunk):
    """Squared L2(mu) errors e = f - f(0) - f_p, shape (3, draws, len(units)), of the cosine / step / sigmoid
    networks; their mu-means <e>_mu, same shape; and the support of mu (points, d_max): ``points`` points uniform in
    B_r, drawn once.

    Every size gets its own units: one draw samples sum(units) of them and slices. One program for every dimension
    (d is traced, arrays padded to d_max): compiling costs more than running here.
    """
    total = sum(units)
    width = uniforms_per_unit(d_max)
    # One call to the generator for the whole program: splitting an rbg key would compile threefry.
    block = jax.random.uniform(fast_key(key, d), (points * (d_max + 1) + draws * total * width,),
                               minval=np.finfo(np.float64).tiny)
    x = ball_points(block[: points * (d_max + 1)].reshape(points, d_max + 1), d, d_max, radius)
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
        squares, means = [], []
        for v in values:  # (points, units): the network of size p averages its own segment of units
            networks = jnp.stack([jnp.mean(v[:, a:b], axis=1) for a, b in zip(starts, ends)], axis=1)
            error = residual[:, None] - networks
            squares.append(jnp.mean(error**2, axis=0))
            means.append(jnp.mean(error, axis=0))
        return jnp.stack(squares), jnp.stack(means)

    squares, means = jax.lax.map(one, per_draw, batch_size=chunk)
    return jnp.moveaxis(squares, 1, 0), jnp.moveaxis(means, 1, 0), x


@partial(jax.jit, static_argnames=("count", "d_max"))
def _unit_samples(key, x, d, target_arrays, total_norm, radius, steepness, *, count, d_max):
    uniform = jax.random.uniform(fast_key(key, d), (count, uniforms_per_unit(d_max)), minval=np.finfo(np.float64).tiny)
    e, rho, theta, sign, tau, variation = _draw_units(uniform, d_max, d, target_arrays, radius)
    values = _unit_values(x @ e.T, rho, theta, sign, tau, variation, total_norm, steepness)
    return jnp.stack(values)


@uses_float64
def unit_samples(target: Target, key, count: int, x: np.ndarray, radius: float = 1.0, steepness: float = 1e3):
    """``count`` i.i.d. units (cosine atom, step unit, sigmoid unit of the given steepness) at points x (M, d):
    shape (3, M, count). Their mean is f(x) - f(0) (cosine, step) for |x| <= r."""
    errors = _unit_samples(key, jnp.asarray(x), target.dim, as_arrays(target, target.dim),
                           target.barron_norm_bound(), float(radius), float(steepness), count=int(count),
                           d_max=target.dim)
    return np.asarray(errors)


@uses_float64
def network_mse(target: Target, key, units: tuple[int, ...], draws: int, points: int = 64, radius: float = 1.0,
                steepness_factor: float = 4.0, d_max: int | None = None, chunk: int = 25):
    """Squared L2(mu) errors of e = f - f(0) - f_p (3 kinds: cosine, step, sigmoid; draws; sizes), the means <e>_mu
    (same shape) and the support of mu (points, d)."""
    d_max = d_max or target.dim
    errors, means, x = network_errors(key, target.dim, as_arrays(target, d_max), target.barron_norm_bound(),
                               float(radius), float(steepness_factor), units=tuple(units), draws=int(draws),
                               points=int(points), d_max=int(d_max), chunk=int(min(chunk, draws)))
    return np.asarray(errors), np.asarray(means), np.asarray(x)[:, : target.dim]
