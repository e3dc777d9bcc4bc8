r"""Barron's spectrum and $C_f$ computed from the function's own samples, independent of the closed forms.

The checks of :mod:`numerics.universal_approximation.barron` compare
:func:`theorems.universal_approximation.barron.gaussian_spectrum` and
:func:`theorems.universal_approximation.barron.gaussian_barron_norm` with numbers that start from $f$ itself (its
values along a ray, as the :class:`~numerics.universal_approximation.targets.Target` computes them), so that a wrong
closed form fails.

*The transform.* For a radial $f(x)=F(|x|)$ on $\mathbb R^d$, Barron's $\tilde f(\omega)=(2\pi)^{-d}\int
f(x)e^{-i\langle\omega,x\rangle}dx$ depends on $\rho=|\omega|$ only and is a Hankel transform of the profile,

$$\tilde f(\rho)=(2\pi)^{-d/2}\rho^{1-d/2}\int_0^\infty F(t)\,J_{d/2-1}(\rho t)\,t^{d/2}\,dt$$

(Stein and Weiss, *Introduction to Fourier Analysis on Euclidean Spaces*, 1971, Ch. IV, Thm. 3.3, rescaled from
their $e^{-2\pi i\langle x,\xi\rangle}$ to $\omega=2\pi\xi$), and
$C_f=|S^{d-1}|\int_0^\infty\rho^d|\tilde f(\rho)|\,d\rho$.
Both integrals are Gauss–Legendre sums: $t\in[0,T]$ with $T=12.2\,s$ for a profile of width $s$ ($F(T)=e^{-74}$), and
$\rho\in[0,P]$ with $P=(\sqrt d+12)/s$.

*Error bound, the tolerance of the checks* (:func:`spectrum_error_bound`, :func:`barron_norm_from_samples`): the
rounding of each sum, $(\varepsilon_J+\varepsilon_w+\gamma_n)\sum_k|w_kF(t_k)t_k^{d/2}|\,\bar J(\rho t_k)$, with
$\bar J(z)=\min(1,(z/2)^\nu/\Gamma(\nu+1))\ge|J_\nu(z)|$ for $\nu\ge0$ (DLMF 10.14.1, 10.14.4) and
$\bar J(z)=\sqrt{2/(\pi z)}=|J_{-1/2}(z)/\cos z|$ for $d=1$; $\gamma_n=nu/(1-nu)$ (Higham, *Accuracy and Stability
of Numerical Algorithms*, 2002, §4.2); $\varepsilon_J=10^{-13}$ the accuracy of ``scipy.special.jv`` relative to
$\bar J$ (AMOS, about 14 digits; measured against mpmath at orders $-\frac12,0,\frac32,4$ on $[0.5,200]$: at most
$1.2\cdot10^{-14}$); $\varepsilon_w=10^{-13}$ that of the computed Gauss–Legendre nodes and weights (NumPy's
``leggauss``; on $\int_0^1\cos(au)\,du$, $a\le n/2$, $n\le512$: at most $8.4\cdot10^{-15}$, about $1.4\cdot10^{-14}$
of $\sum|w_kg(t_k)|$, where SciPy's ``roots_legendre`` reaches $2.7\cdot10^{-14}$ and shows as a floor of
$2\cdot10^{-14}$ in $\tilde f$). Plus the change when the nodes double (the discretisation error of the coarser
rule, an upper estimate for the finer one); plus, for $C_f$, the part of the integral on $[P,2P]$ computed the same
way (the tail) and the outer sum's own rounding.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import special

from numerics.bridge import to_jax
from numerics.precision import uses_float64
from theorems.universal_approximation import barron as statement

BESSEL_ACCURACY = 1e-13
"""``scipy.special.jv`` error relative to its envelope (AMOS: about 14 digits; measured <= 1.2e-14)."""
RULE_ACCURACY = 1e-13
"""Error of NumPy's Gauss-Legendre rule (``leggauss``: nodes and weights in float64) relative to sum |w_k g(t_k)|:
on int_0^1 cos(a u) du, a up to n/2, at most 8.4e-15 for n = 32..512 (SciPy's ``roots_legendre``: 2.7e-14)."""
PROFILE_REACH = 12.2
"""The profile is integrated on [0, 12.2 s]: exp(-12.2^2/2) = e^-74 < 1e-32 of F(0)."""
FREQUENCY_REACH = 12.0
"""The spectrum is integrated on [0, (sqrt(d) + 12)/s]; the tail [P, 2P] is computed and added to the error."""
_sphere_area = uses_float64(to_jax([statement.dim], statement.sphere_area()))
_gaussian_spectrum = to_jax([statement.dim, statement.width, statement.rho], statement.gaussian_spectrum())


@uses_float64
def gaussian_spectrum(d: int, width: float, rho) -> np.ndarray:
    """The closed form (s^2/2 pi)^{d/2} exp(-s^2 rho^2/2) at each rho, lambdified from
    :func:`theorems.universal_approximation.barron.gaussian_spectrum` (float64): what the checks test."""
    return np.asarray(_gaussian_spectrum(float(d), float(width), np.asarray(rho, dtype=float)))


def _gamma(n: int) -> float:
    u = np.finfo(np.float64).eps / 2
    return n * u / (1 - n * u)


def _bessel_envelope(order: float, z: np.ndarray) -> np.ndarray:
    """A bound on |J_order(z)|, z > 0: sqrt(2/(pi z)) for order -1/2 (|cos| <= 1), else min(1, (z/2)^order /
    Gamma(order + 1)) (DLMF 10.14.1 and 10.14.4)."""
    if order == -0.5:
        return np.sqrt(2 / (np.pi * z))
    return np.minimum(1.0, (z / 2) ** order / special.gamma(order + 1))


def ray_profile(target) -> Callable[[np.ndarray], np.ndarray]:
    """t -> f(t e_1): the target's values along the first axis (its radial profile if it is radial)."""
    def profile(t):
        points = np.zeros((len(t), target.dim))
        points[:, 0] = t
        return target(points)
    return profile


@functools.lru_cache(maxsize=16)
def _legendre_rule(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1], computed once per size (an eigenproblem each time otherwise)."""
    y, w = np.polynomial.legendre.leggauss(nodes)
    y.setflags(write=False)
    w.setflags(write=False)
    return y, w


def _legendre(lo, hi, nodes: int):
    y, w = _legendre_rule(nodes)
    return lo + (hi - lo) * (y + 1) / 2, w * (hi - lo) / 2


@dataclass(frozen=True)
class Spectrum:
    """f~ at the frequencies ``rho`` by the Hankel transform of the profile, with a bound on its rounding error."""

    rho: np.ndarray
    values: np.ndarray
    rounding: np.ndarray


def hankel_spectrum(profile, d: int, width: float, rho: np.ndarray, nodes: int) -> Spectrum:
    """(2 pi)^{-d/2} rho^{1-d/2} int_0^T F(t) J_{d/2-1}(rho t) t^{d/2} dt by Gauss-Legendre with ``nodes`` nodes,
    T = 12.2 ``width``; ``rho`` > 0 of any shape (n,); the rounding bound of each value (see the module)."""
    t, w = _legendre(0.0, PROFILE_REACH * width, nodes)
    order = d / 2 - 1
    weights = w * profile(t) * t ** (d / 2)
    z = rho[:, None] * t[None, :]
    bessel = special.jv(order, z)
    envelope = _bessel_envelope(order, z)
    scale = (2 * np.pi) ** (-d / 2) * rho ** (1 - d / 2)
    values = scale * (bessel @ weights)
    rounding = (BESSEL_ACCURACY + RULE_ACCURACY + _gamma(nodes)) * scale * (np.abs(weights) * envelope).sum(axis=1)
    return Spectrum(rho=rho, values=values, rounding=rounding)


def spectrum_error_bound(profile, d: int, width: float, rho: np.ndarray, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """f~ at ``rho`` with ``2 nodes`` nodes, and its error bound: rounding plus the change from ``nodes``."""
    fine, coarse = (hankel_spectrum(profile, d, width, rho, n) for n in (2 * nodes, nodes))
    return fine.values, fine.rounding + np.abs(fine.values - coarse.values)


@uses_float64
def barron_norm_from_samples(profile, d: int, width: float, nodes: int = 128) -> tuple[float, float]:
    """C_f = |S^{d-1}| int_0^oo rho^d |f~(rho)| d rho from the profile's samples, and an error bound (module).

    ``nodes`` Gauss-Legendre nodes in t and in rho, doubled for the error estimate."""
    area = float(_sphere_area(float(d)))
    reach = (math.sqrt(d) + FREQUENCY_REACH) / width

    def norm(n: int, lo: float, hi: float) -> tuple[float, float]:
        rho, w = _legendre(lo, hi, n)
        spectrum = hankel_spectrum(profile, d, width, rho, n)
        weights = w * rho**d
        value = area * np.sum(weights * np.abs(spectrum.values))
        return value, area * np.sum(weights * spectrum.rounding) + (RULE_ACCURACY + _gamma(n)) * value

    fine, fine_rounding = norm(2 * nodes, 0.0, reach)
    coarse, _ = norm(nodes, 0.0, reach)
    tail, tail_rounding = norm(2 * nodes, reach, 2 * reach)
    return fine, fine_rounding + abs(fine - coarse) + tail + tail_rounding
