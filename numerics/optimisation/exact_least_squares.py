r"""A least-squares problem whose Hessian, eigenvectors and eigenvalues are known exactly in binary floating point.

The step-size experiment (:mod:`numerics.optimisation.step_size`) compares measured contractions with the spectral
formula $\|(I - \tau H)s\|/\|s\|$ to rounding. That needs a data matrix $X$ whose Hessian $H = \tfrac2n X^\top X$
(the slide's $\frac1n\sum_i(y_i - x_i^\top\theta)^2$) has eigenpairs known *exactly*, not only to the accuracy of an
eigensolver, and that is stored without rounding in float32 and float64 alike (so that one problem runs in both).

**Construction.** $n$ and $d$ are powers of four ($d \le n$), so that $\sqrt{nd}$ and $\sqrt d$ are powers of two.
With $H_m$ the Sylvester–Hadamard matrix ($\pm1$ entries, $H_m^\top H_m = mI$), $D_1, D_2$ random sign diagonals and
$d$ distinct columns of $H_n$ chosen at random,

$$X = \frac{1}{\sqrt{nd}}\, D_1 H_n[:, \text{cols}]\, \operatorname{diag}(s)\, H_d^\top D_2, \qquad
  H = \tfrac2n X^\top X = V \operatorname{diag}(\lambda) V^\top, \quad V = D_2 H_d/\sqrt d,\ \lambda_k = 2 s_k^2/n .$$

The singular values are snapped to a dyadic grid, $s_k = m_k/2^{12}$ with integers $m_k$ (so $\lambda_k$ moves from
its target by at most a relative $2^{-12}/s_k$): every entry of $X$ is then an integer multiple of
$2^{-12}/\sqrt{nd}$ below $d\max_k s_k/\sqrt{nd}$ in magnitude, exact in float32 when it needs at most 24 bits
(:func:`data_bits`), every entry of $V$ is $\pm 1/\sqrt d$, and every $\lambda_k$ is exact in float64. The
eigenvalues are a random permutation of targets spread evenly over $[\mu, L]$.

**Exact ratios** (:func:`spectral_ratios`). For a stored start $s$ (float32 or float64 numbers, hence dyadic
rationals) and a stored step $\tau$, $\|(I-\tau H)s\|^2/\|s\|^2 = \sum_k (1-\tau\lambda_k)^2 c_k^2 / \sum_k c_k^2$ with
$c = V^\top s$, all in integers; the square root is taken with :func:`math.isqrt` to 120 bits. The deviation of a
measured ratio from it is returned in float64 (exact to a relative $2^{-52}$ of the deviation itself).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import jax
import numpy as np
import scipy.linalg

GRID_BITS = 12
"""Singular values are integer multiples of 2^-GRID_BITS."""
ROOT_BITS = 120
"""Bits of the integer square root of the exact ratios."""


def is_power_of_four(value) -> bool:
    """Whether ``value`` is 1, 4, 16, 64, ..."""
    return isinstance(value, int) and value >= 1 and value & (value - 1) == 0 and (value.bit_length() - 1) % 2 == 0


def singular_integers(n: int, d: int, mu: float, L: float) -> np.ndarray:
    """The integers m_k of s_k = m_k 2^-GRID_BITS for eigenvalues 2 s_k^2/n spread evenly over [mu, L] (d of them)."""
    targets = np.linspace(mu, L, d)
    return np.round(np.sqrt(n * targets / 2) * 2**GRID_BITS).astype(np.int64)


def data_bits(n: int, d: int, mu: float, L: float) -> int:
    """Significant bits an entry of X may need: those of d max m_k (its numerator over 2^GRID_BITS sqrt(nd))."""
    return int(d * int(singular_integers(n, d, mu, L).max())).bit_length()


@dataclass(frozen=True)
class LeastSquares:
    """``X`` (n x d, float64, exact in float32 too), its Hessian's ``eigenvalues`` (d,) and ``eigenvectors`` (d x d,
    columns; entries +-1/sqrt d), and the positions of the smallest (``low``) and largest (``high``) eigenvalue."""

    X: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    low: int
    high: int

    @property
    def mu(self) -> float:
        return float(self.eigenvalues[self.low])

    @property
    def L(self) -> float:
        return float(self.eigenvalues[self.high])


def generator(key: jax.Array) -> np.random.Generator:
    """A NumPy generator seeded by the words of a JAX key: the data's few hundred draws need no compiled program."""
    return np.random.default_rng([int(w) for w in np.asarray(jax.random.key_data(key)).ravel()])


def least_squares(rng: np.random.Generator, n: int, d: int, mu: float, L: float) -> LeastSquares:
    """The problem of the module docstring, its random signs, columns and eigenvalue order drawn from ``rng``."""
    row_signs = rng.choice([-1.0, 1.0], n)
    col_signs = rng.choice([-1.0, 1.0], d)
    columns = rng.permutation(n)[:d]
    order = rng.permutation(d)
    integers = singular_integers(n, d, mu, L)[order]
    s = integers / 2.0**GRID_BITS
    left = row_signs[:, None] * scipy.linalg.hadamard(n, dtype=np.float64)[:, columns]
    right = col_signs[:, None] * scipy.linalg.hadamard(d, dtype=np.float64)
    X = (left * s) @ right.T / math.sqrt(n * d)
    exact = (left.astype(np.int64) * integers) @ right.T.astype(np.int64)
    if not (np.array_equal(X * 2**GRID_BITS * math.sqrt(n * d), exact)
            and np.array_equal(X.astype(np.float32).astype(np.float64), X)):
        raise ValueError(f"the least-squares data is not exact in float32 (n={n}, d={d}, L={L}): it needs "
                         f"{data_bits(n, d, mu, L)} bits; lower L or d")
    eigenvalues = 2 * s**2 / n
    return LeastSquares(X=X, eigenvalues=eigenvalues, eigenvectors=right / math.sqrt(d),
                        low=int(np.argmin(eigenvalues)), high=int(np.argmax(eigenvalues)))


def _integers(values: np.ndarray) -> tuple[list[int], int]:
    """Dyadic ``values`` as integers over a common 2^shift: (numerators, shift)."""
    ratios = [Fraction(float(v)) for v in np.ravel(values)]
    shift = max(r.denominator.bit_length() - 1 for r in ratios)
    return [int(r * 2**shift) for r in ratios], shift


def spectral_ratios(problem: LeastSquares, starts: np.ndarray, taus: np.ndarray, measured: np.ndarray) -> np.ndarray:
    """measured - exact ||(I - tau H) s|| / ||s||, float64, for ``starts`` [..., S, d] and ``taus`` [..., T]: the
    result has shape [..., T, S] like ``measured`` (leading axes shared, e.g. a dataset axis handled by the caller).

    Exact: c = V^T s in integers (V = D H_d / sqrt d), 1 - tau lambda_k as integers over a common denominator, the
    ratio's square as a fraction of integers and its root by isqrt to ROOT_BITS bits (module docstring)."""
    signs = np.rint(problem.eigenvectors * math.sqrt(problem.eigenvalues.size)).astype(np.int64)
    lambdas = [Fraction(float(v)) for v in problem.eigenvalues]
    components = []
    for start in np.asarray(starts):
        ints, _ = _integers(start)
        components.append([sum(int(signs[j, k]) * ints[j] for j in range(len(ints))) for k in range(len(lambdas))])
    out = np.empty(measured.shape)
    for t, tau in enumerate(np.asarray(taus, dtype=np.float64)):
        factors = [1 - Fraction(float(tau)) * lam for lam in lambdas]
        common = math.lcm(*(f.denominator for f in factors))
        numerators = [int(f * common) for f in factors]
        for s, c in enumerate(components):
            top = sum((f * ck) ** 2 for f, ck in zip(numerators, c))
            bottom = sum(ck * ck for ck in c) * common**2
            root = math.isqrt((top << (2 * ROOT_BITS)) // bottom)
            out[t, s] = float(Fraction(float(measured[t, s])) - Fraction(root, 1 << ROOT_BITS))
    return out
