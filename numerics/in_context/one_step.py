r"""One gradient step in context, in closed form, on the numeric side of :mod:`theorems.in_context.autoregression`.

One step of gradient descent from $W' = 0$ on $\tfrac12\sum_t\|s_t - W's_{t-1}\|^2$ estimates $W$ by $\eta G$,
$G = \sum_{t=1}^{T} s_t s_{t-1}^*$ (:func:`context_matrix`), and predicts $\eta G s_T$. Under the unitary law
$\mathcal L(\eta) = \mathbb E\|\eta G s_T - s_{T+1}\|^2 = d[(\eta T-1)^2 + \eta^2(d-1)T]$, minimised at
$\eta^\star = 1/(T+d-1)$; the rotation-block law has its own forms.

* The JAX forms (``optimal_step``, ``minimal_loss``, ``relative_error``, ``estimation_error``) are lambdified from
  the statement and run inside the jitted programs (and the figures).
* :class:`StepLaw` holds one closed form of one step under one law — the loss $\mathcal L(\eta)$ and the relative
  estimation error $\mathcal E(\eta) = \mathbb E\|\eta G - W\|_F^2/\|W\|_F^2$, SymPy in $(d, T, \eta)$ — the
  theorem's (:data:`THEOREM`) or a wrong neighbour's (:mod:`theorems.in_context.wrong_statements`), and says, in
  float64 on the host, what it predicts of the measurements: the Monte Carlo means at a given step
  (:meth:`StepLaw.predictions`), its own optimal step, the step error that a loss allowance permits
  (:meth:`StepLaw.step_error`) and the range of $\mathcal E$ over those steps (:meth:`StepLaw.estimation_range`).
  Both forms are quadratics in $\eta$, which is all these methods assume.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from numerics.bridge import to_jax
from theorems.in_context import autoregression as statement

LAWS = ("unitary", "rotation")
STATISTICS = ("loss", "dloss/deta", "estimation error", "loss excess")
"""The Monte Carlo's per-sequence statistics at a step $\\eta$, in order: $\\ell = \\|\\eta G s_T - s_{T+1}\\|^2$, its
derivative in $\\eta$, $\\|\\eta G - W\\|_F^2/\\|W\\|_F^2$, and $\\ell(\\eta(1+\\delta)) - \\ell(\\eta)$."""

_d, _T, _eta = statement.d, statement.T, statement.eta
optimal_step = {"unitary": to_jax([_d, _T], statement.optimal_step),
                "rotation": to_jax([_d, _T], statement.rotation_optimal_step)}
minimal_loss = {"unitary": to_jax([_d, _T], statement.minimal_loss),
                "rotation": to_jax([_d, _T], statement.rotation_minimal_loss)}
relative_error = to_jax([_d, _T], statement.relative_error)
estimation_error = to_jax([_d, _T, _eta], statement.unitary_estimation_error)


def context_matrix(s: jax.Array, length: int) -> jax.Array:
    """G = sum_{t=1}^{T} s_t s_{t-1}^* for one sequence s (shape (>= T+1, d))."""
    return jnp.einsum("ti,tj->ij", s[1 : length + 1], jnp.conj(s[:length]))


@dataclass(frozen=True)
class StepLaw:
    """A closed form of one gradient step under one law: ``loss`` $\\mathcal L(\\eta)$ and ``estimation``
    $\\mathcal E(\\eta)$, SymPy expressions in (d, T, eta) of :mod:`theorems.in_context.autoregression`, each a
    quadratic in eta. The methods evaluate them in float64 on the host (the checks run outside JAX's x64 mode)."""

    loss: sp.Expr
    estimation: sp.Expr

    @cached_property
    def _coefficients(self):
        """(d, T) -> the coefficients (a, b, c) of a eta^2 + b eta + c, for the loss and for the estimation error."""
        return tuple(sp.lambdify([_d, _T], sp.Poly(expr, _eta).all_coeffs(), "numpy")
                     for expr in (self.loss, self.estimation))

    def _quadratics(self, d: int, length: int) -> tuple[np.ndarray, np.ndarray]:
        loss, estimation = (np.array(f(d, length), dtype=np.float64) for f in self._coefficients)
        if loss.size != 3 or estimation.size != 3:
            raise ValueError("a StepLaw's loss and estimation error must be quadratics in eta")
        return loss, estimation

    def optimal_step(self, d: int, length: int) -> float:
        """The minimiser -b/(2a) of ``loss`` in eta."""
        (a, b, _), _ = self._quadratics(d, length)
        return float(-b / (2 * a))

    def predictions(self, d: int, length: int, step: float, delta: float) -> np.ndarray:
        """Means of :data:`STATISTICS` at ``step``: L(eta), L'(eta), E(eta), L(eta(1 + delta)) - L(eta)."""
        loss, estimation = self._quadratics(d, length)
        a, b, _ = loss
        wider = step * (1 + delta)
        return np.array([np.polyval(loss, step), 2 * a * step + b, np.polyval(estimation, step),
                         a * (wider**2 - step**2) + b * (wider - step)])

    def step_error(self, d: int, length: int, allowance: float) -> float:
        """|eta/eta* - 1| at which the relative loss excess L(eta)/L(eta*) - 1 reaches ``allowance``: for a quadratic
        L the excess is a eta*^2 (eta/eta* - 1)^2 / L(eta*) (T (eta/eta* - 1)^2/(d-1) for the theorem's)."""
        loss, _ = self._quadratics(d, length)
        star = self.optimal_step(d, length)
        return float(np.sqrt(allowance * np.polyval(loss, star) / (loss[0] * star**2)))

    def estimation_range(self, d: int, length: int, star: float, tolerance: float) -> tuple[float, float]:
        """Least and greatest E(eta) at ``length`` over the steps eta in star (1 +- tolerance): E is a convex
        quadratic in eta, so the extremes lie at the two ends or at its vertex (1/(T + d - 1) for the theorem's
        unitary form). The steps are a claim's (its eta*(T_train) and the step error its loss allowance permits),
        never read from the Jacobians being tested."""
        _, estimation = self._quadratics(d, length)
        ends = [star * (1 - tolerance), star * (1 + tolerance)]
        vertex = float(-estimation[1] / (2 * estimation[0]))
        steps = ends + ([vertex] if ends[0] <= vertex <= ends[1] else [])
        values = [float(np.polyval(estimation, eta)) for eta in steps]
        return min(values), max(values)


def step_laws(forms) -> dict[str, StepLaw]:
    """``{law: StepLaw}`` from ``{law: (loss, estimation)}`` (SymPy)."""
    return {law: StepLaw(*forms[law]) for law in LAWS}


THEOREM = step_laws(statement.one_step_forms)
"""The theorem's closed forms, per law."""
