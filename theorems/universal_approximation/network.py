r"""The two-layer perceptron that Cybenko's and Barron's theorems are about.

A two-layer perceptron with $p$ neurons is a sum of ridge functions,

$$f_\theta(x) = \sum_{s=1}^p a_s\,\sigma(\langle x, w_s\rangle + b_s), \qquad \theta = (a_s, w_s, b_s)_{s\le p}.$$

Both experiments use steep sigmoids $\sigma(\kappa\,\cdot)$, $\sigma(t)=1/(1+e^{-t})$, of steepness $\kappa$ (in place
of steps). No ``THEOREM`` here: :mod:`theorems.universal_approximation.cybenko` and
:mod:`theorems.universal_approximation.barron` state the results.
"""

from __future__ import annotations

import sympy as sp

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", integer=True, positive=True)
s_index = sp.Symbol("s", integer=True, positive=True)
a, w, b = sp.IndexedBase("a"), sp.IndexedBase("w"), sp.IndexedBase("b")
sigma = sp.Function("sigma")
kappa = sp.Symbol("kappa", positive=True)
"""The steepness of a sigmoid unit $\\sigma(\\kappa\\,\\cdot)$."""

network = sp.Sum(a[s_index] * sigma(w[s_index] * x + b[s_index]), (s_index, 1, p))
"""$f_\\theta(x)=\\sum_{s=1}^p a_s\\sigma(w_s x+b_s)$ (one input coordinate shown; in $d$ dimensions $w_s x$ is
$\\langle w_s, x\\rangle$)."""
