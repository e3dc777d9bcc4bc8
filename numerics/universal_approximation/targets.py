r"""Barron's targets: sums of Gaussians and cosines on $\mathbb R^d$, with their Barron norms.

$f(x)=\sum_g\alpha_g e^{-|x-c_g|^2/(2s_g^2)}+\sum_k\beta_k\cos(\langle a_k,x\rangle+\varphi_k)$. Its spectrum is a
mixture, so :mod:`numerics.universal_approximation.sampler` draws a unit by picking a component with probability
$|\alpha_i|C_i/C$, $C=\sum_i|\alpha_i|C_i\ge C_f$ (subadditivity; equal for a single centred Gaussian), with $C_i$
the Gaussian's closed form :func:`theorems.universal_approximation.barron.gaussian_barron_norm` (lambdified) and
$|a|$ for a cosine. The arrays are padded (a fixed number of components keeps shapes fixed).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.precision import uses_float64
from theorems.universal_approximation import barron as statement

_gaussian_norm = to_jax([statement.dim, statement.width], statement.gaussian_barron_norm())


@uses_float64
def gaussian_barron_norm(d: int, width: float) -> float:
    """C_f of exp(-|x|^2/(2 s^2)) in R^d, from :func:`theorems.universal_approximation.barron.gaussian_barron_norm`."""
    return float(_gaussian_norm(float(d), float(width)))


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
    return Target(gauss_amp=np.ones(1), gauss_width=np.array([float(width)]), gauss_center=np.zeros((1, d)),
                  cos_amp=np.zeros(1), cos_freq=np.ones((1, d)), cos_phase=np.zeros(1))


@uses_float64
def as_arrays(target: Target, d_max: int) -> tuple[jax.Array, ...]:
    """The target as float64 JAX arrays padded to ``d_max`` coordinates, with its component norms last:
    (gauss_amp, gauss_width, gauss_center, cos_amp, cos_freq, cos_phase, weights)."""
    pad = d_max - target.dim
    weights = target.component_norms()
    return tuple(jnp.asarray(a, dtype=jnp.float64) for a in (
        target.gauss_amp, target.gauss_width, np.pad(target.gauss_center, ((0, 0), (0, pad))),
        target.cos_amp, np.pad(target.cos_freq, ((0, 0), (0, pad))), target.cos_phase, weights))
