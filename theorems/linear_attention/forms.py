r"""What the three linear-attention results share: the sizes, and the expectation over a standard normal variable.

Sizes: the sequence length $n$, the feature dimension $m$ of $\phi$ (the number of random features for Performer)
and the value (or head) dimension $d$, positive integers. The expectation $\mathbb{E}\,f(w)$ for $w \sim
\mathcal N(0, 1)$ is the integral of $f$ against the density $e^{-w^2/2}/\sqrt{2\pi}$
(:func:`gaussian_mean`): Performer's moment generating function and Linformer's Gaussian moments are both proved
with it.
"""

from __future__ import annotations

import sympy as sp

n, m, d = sp.symbols("n m d", integer=True, positive=True)
"""Sequence length n, feature dimension m of phi, value dimension d (d_v in the docstring)."""

w = sp.Symbol("w", real=True)
"""A standard normal variable."""
STANDARD_NORMAL = sp.exp(-w**2 / 2) / sp.sqrt(2 * sp.pi)


def gaussian_mean(expr: sp.Expr) -> sp.Expr:
    r"""$\mathbb{E}\,f(w)$ for $w \sim \mathcal N(0, 1)$, ``expr`` an expression in :data:`w`, by integration."""
    return sp.integrate(expr * STANDARD_NORMAL, (w, -sp.oo, sp.oo))
