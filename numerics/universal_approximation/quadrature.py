r"""The exact expected squared error of Barron's constructed networks, by quadrature (cosine, step, sigmoid units).

For the centred Gaussian and i.i.d. units $u_s$ with mean $m=\mathbb Eu$, the network $f_p=f(0)+\frac1p\sum_su_s$
has $\mathbb E\|f-f_p\|^2_\mu=\|g-m\|^2_\mu+(\mathbb E\|u\|^2_\mu-\|m\|^2_\mu)/p$, $g=f-f(0)$ (bias squared plus
variance). For the cosine atom and the step unit $m=g$ exactly (Barron's construction), so the expectation is
$(\mathbb E\|u\|^2_\mu-\|g\|^2_\mu)/p$; $\mathbb E[u(x)^2]$ depends on $|x|$ only: for the step unit it is
$C^2\,\mathbb E_\rho[2G(\rho r)G(\rho|t|)/\rho^2]$, for the cosine atom $C^2\mathbb E[(\cos\rho t-1)^2/\rho^2]$, with
$t=|x|z$ and $z$ the first coordinate of a uniform direction (density $\propto(1-z^2)^{(d-3)/2}$).
:func:`expected_unit_square` integrates this by Gauss–Jacobi in $z$ times generalised Gauss–Laguerre in
$y=s^2\rho^2/2\sim\Gamma(\frac{d+1}2)$; its error is taken as the change from ``nodes`` to ``2 nodes`` nodes.

*Sigmoid units* (:func:`sigmoid_corrections`). With $\theta=0$, $\tau$ of density $|\sin\rho\tau|/V$ on $[-r,r]$ and
$s(t,\tau)=\sigma(\kappa(t-\tau))-\mathbb 1\{\tau<0\}$ the sigmoid unit is $CV\operatorname{sgn}(h'(\tau))s(t,\tau)$
and the step unit the same with $s_0=\mathbb 1\{t>\tau\}-\mathbb 1\{\tau<0\}$. Their difference $\delta=s-s_0=
-\operatorname{sgn}(t-\tau)\sigma(-\kappa|t-\tau|)$ lives within a few $1/\kappa$ of $\tau=t$, so, with $u=|\tau-t|$,

$$\mathbb E[u_\sigma(x)\mid\omega]-\mathbb E[u_0(x)\mid\omega]=C\Big(\int_0^{t+r}\!\sin\rho(t-u)\,\sigma(-\kappa u)\,du
-\int_0^{r-t}\!\sin\rho(t+u)\,\sigma(-\kappa u)\,du\Big)=:C\,B_1,$$
$$\mathbb E[u_\sigma^2\mid\omega]-\mathbb E[u_0^2\mid\omega]=C^2V\Big(\int_0^{t+r}|\sin\rho(t-u)|\,(\sigma^2-2\,
\mathbb 1\{u\le t\}\,\sigma)\,du+\int_0^{r-t}|\sin\rho(t+u)|\,\sigma^2\,du\Big)=:C^2V\,Q_2,$$

$\sigma=\sigma(-\kappa u)$, for $t\ge0$ (both are even in $t$). They are Gauss–Legendre sums in $u$ on the pieces
$[0,t]$, $[t,t+r]$, $[0,r-t]$ cut at $u=18.4/\kappa$ (the rest is below $\int_{18.4/\kappa}^\infty e^{-\kappa u}du=
10^{-8}/\kappa$, added to the error), then averaged over $(z,\rho)$ as above. Error: the change from the
(``nodes``/2, ``u_nodes``/2) rule to the (``nodes``, ``u_nodes``) one, whose value is used (an over-estimate while
the rules converge: against a (128, 96) reference, the (16, 10) rule's error averaged over mu is at most 0.77 of that
change, d = 1, 2, 5, 10 and p = 1..1000). The corrections are up to a quarter of the expected error at p = 1 and a
few per cent at p >= 100; their error estimate, added to the z-test's spread, is at most a fifth of the Monte Carlo
standard error in the default runs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import special

from numerics.universal_approximation.sampler import abs_sine_integral
from numerics.universal_approximation.targets import gaussian_barron_norm

WINDOW = 18.4
"""The sigmoid corrections are integrated over u <= 18.4/kappa: e^-18.4 = 1.0e-8."""


def _frozen(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    for a in arrays:
        a.setflags(write=False)
    return arrays


@functools.lru_cache(maxsize=64)
def _direction_rule(d: int, nodes: int):
    """Nodes and probability weights of z = e_1 for e uniform on S^{d-1}: density ∝ (1 - z^2)^{(d-3)/2}. (Rules
    are cached: each is an eigenproblem, and multithreaded LAPACK on two shared cores costs more than the sums.)"""
    if d == 1:
        return _frozen(np.array([1.0]), np.array([1.0]))
    z, wz = special.roots_jacobi(nodes, (d - 3) / 2, (d - 3) / 2)
    return _frozen(z, wz / wz.sum())


@functools.lru_cache(maxsize=64)
def _radius_rule(d: int, width: float, nodes: int):
    """Nodes rho and probability weights of rho ~ chi_{d+1}/s, through y = s^2 rho^2/2 ~ Gamma((d+1)/2)."""
    y, wy = special.roots_genlaguerre(nodes, (d - 1) / 2)
    return _frozen(np.sqrt(2 * y) / width, wy / wy.sum())


@functools.lru_cache(maxsize=16)
def _legendre_rule(nodes: int):
    return _frozen(*special.roots_legendre(nodes))


def _grid(norm_x: np.ndarray, d: int, width: float, nodes: int):
    """t = |x| |z| >= 0 (points, z, 1), rho (1, 1, rho) and the product weights (1, z, rho)."""
    z, wz = _direction_rule(d, nodes)
    rho, wr = _radius_rule(d, width, nodes)
    return (np.abs(norm_x[:, None, None] * z[None, :, None]), rho[None, None, :],
            wz[None, :, None] * wr[None, None, :])


def _unit_square(norm_x: np.ndarray, d: int, width: float, radius: float, nodes: int) -> np.ndarray:
    """E[u(x)^2] for |x| = norm_x: rows (cosine atom, step unit), C = C_f of the centred Gaussian."""
    C = gaussian_barron_norm(d, width)
    t, R, weights = _grid(norm_x, d, width, nodes)
    cosine = (np.cos(R * t) - 1) ** 2 / R**2
    step = 2 * abs_sine_integral(R * radius) * abs_sine_integral(R * t) / R**2
    return C**2 * np.stack([np.sum(cosine * weights, axis=(1, 2)), np.sum(step * weights, axis=(1, 2))])


def expected_unit_square(norm_x, d, width, radius, nodes=200):
    """E||u||^2_mu over the points' norms (cosine, step) and the quadrature error (change when nodes double)."""
    coarse = _unit_square(np.asarray(norm_x), d, width, radius, nodes).mean(axis=1)
    fine = _unit_square(np.asarray(norm_x), d, width, radius, 2 * nodes).mean(axis=1)
    return fine, np.abs(fine - coarse)


def _pieces(t: np.ndarray, radius: float, kappa: float, u_nodes: int):
    """Gauss-Legendre nodes and weights (..., u_nodes) in u on [0, t], [t, t + r] and [0, r - t], each cut at
    WINDOW/kappa."""
    y, w = _legendre_rule(u_nodes)
    reach = WINDOW / kappa

    def rule(lo, hi):
        hi = np.maximum(hi, lo)
        return lo[..., None] + (hi - lo)[..., None] * (y + 1) / 2, (hi - lo)[..., None] * w / 2

    near = np.minimum(t, reach)
    return rule(np.zeros_like(t), near), rule(near, np.minimum(t + radius, reach)), rule(
        np.zeros_like(t), np.minimum(radius - t, reach))


def _corrections(t, rho, radius, kappa, u_nodes):
    """B_1 and Q_2 of the module docstring at t >= 0 and rho (broadcast against each other; the rules in u depend
    on t only)."""
    (ua, wa), (ub, wb), (uc, wc) = _pieces(t, radius, kappa, u_nodes)
    R, T = rho[..., None], t[..., None]
    sa, sb, sc = (special.expit(-kappa * u) for u in (ua, ub, uc))
    left_a, left_b, right = np.sin(R * (T - ua)), np.sin(R * (T - ub)), np.sin(R * (T + uc))
    first = np.sum(wa * left_a * sa + wb * left_b * sb, -1) - np.sum(wc * right * sc, -1)
    second = (np.sum(wa * np.abs(left_a) * (sa**2 - 2 * sa) + wb * np.abs(left_b) * sb**2, -1)
              + np.sum(wc * np.abs(right) * sc**2, -1))
    return first, second


def _sigmoid_rule(norm_x, d, width, radius, kappa, nodes, u_nodes):
    C = gaussian_barron_norm(d, width)
    t, R, weights = _grid(norm_x, d, width, nodes)
    first, second = _corrections(t, R, radius, kappa, u_nodes)
    variation = 2 * abs_sine_integral(R * radius) / R
    return (C * np.sum(weights * first, axis=(1, 2)),
            C**2 * np.sum(weights * variation * second, axis=(1, 2)))


@dataclass(frozen=True)
class SigmoidCorrection:
    """Per point of mu: ``bias`` = E u_sigma(x) - (f(x) - f(0)) and ``square`` = E u_sigma(x)^2 - E u_step(x)^2,
    with their quadrature errors (change from the half rule, plus the window's cut)."""

    bias: np.ndarray
    square: np.ndarray
    bias_error: np.ndarray
    square_error: np.ndarray


def sigmoid_corrections(norm_x, d: int, width: float, radius: float, kappa: float, nodes: int = 24,
                        u_nodes: int = 16) -> SigmoidCorrection:
    """The sigmoid unit's mean and second moment against the step unit's, at the points' norms (module docstring)."""
    norm_x = np.asarray(norm_x)
    bias, square = _sigmoid_rule(norm_x, d, width, radius, kappa, nodes, u_nodes)
    half_bias, half_square = _sigmoid_rule(norm_x, d, width, radius, kappa, max(nodes // 2, 1), max(u_nodes // 2, 1))
    C = gaussian_barron_norm(d, width)
    cut = np.exp(-WINDOW) / kappa * 2  # both sides of tau = t, |sin| <= 1, sigma(-v) <= e^-v
    return SigmoidCorrection(bias=bias, square=square, bias_error=np.abs(bias - half_bias) + C * cut,
                             square_error=np.abs(square - half_square) + C**2 * 2 * radius * 3 * cut)
