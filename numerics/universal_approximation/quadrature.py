r"""Barron's quantities by quadrature, independent of SymPy: the Gaussian's spectrum and $C_f$, and the exact
expected squared error of the constructed networks.

*Closed forms, checked.* The 1-D transform $\frac1\pi\int_0^\infty e^{-x^2/(2s^2)}\cos(\omega x)\,dx$ by QUADPACK
(QAWF for $\omega>0$) against :func:`theorems.universal_approximation.barron.gaussian_spectrum`, and
$C_f=|S^{d-1}|\int_0^\infty\rho^d\tilde f(\rho)\,d\rho$ by adaptive quadrature of the (lambdified) spectrum against
:func:`theorems.universal_approximation.barron.gaussian_barron_norm`.

*The exact expectation.* For the centred Gaussian $\mathbb E\|f-f(0)-f_p\|^2_\mu=(\mathbb E\|u\|^2_\mu-\|f-f(0)\|^2_\mu)
/p$ exactly, and $\mathbb E[u(x)^2]$ depends on $|x|$ only: for the step unit it is $C^2\,\mathbb E_\rho[2G(\rho r)
G(\rho|t|)/\rho^2]$, for the cosine atom $C^2\mathbb E[(\cos\rho t-1)^2/\rho^2]$, with $t=|x|z$ and $z$ the first
coordinate of a uniform direction (density $\propto(1-z^2)^{(d-3)/2}$). :func:`expected_unit_square` integrates
this by Gauss–Jacobi in $z$ times generalised Gauss–Laguerre in $y=s^2\rho^2/2\sim\Gamma(\frac{d+1}2)$; its error
is taken as the change from ``nodes`` to ``2 nodes`` nodes.
"""

from __future__ import annotations

import math

import jax
import numpy as np
from scipy import special

from numerics.bridge import to_jax
from numerics.precision import uses_float64
from numerics.universal_approximation.sampler import abs_sine_integral
from numerics.universal_approximation.targets import gaussian_barron_norm
from theorems.universal_approximation import barron as statement

QUADRATURE_TOLERANCE = 1e-10
_sphere_area = to_jax([statement.dim], statement.sphere_area())
_gaussian_spectrum = jax.jit(to_jax([statement.dim, statement.width, statement.rho],
                                    statement.gaussian_spectrum()))  # called per quadrature node


@uses_float64
def gaussian_spectrum(d: int, width: float, omegas) -> np.ndarray:
    """The closed-form spectrum (s^2/2 pi)^{d/2} exp(-s^2 |w|^2/2) at each |w| in ``omegas``, lambdified from
    :func:`theorems.universal_approximation.barron.gaussian_spectrum` (float64)."""
    return np.asarray(_gaussian_spectrum(float(d), width, omegas))


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


@uses_float64
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
