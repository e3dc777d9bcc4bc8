r"""The checks of :mod:`numerics.reverse_mode.gradient_cost`, one family a function of what it claims.

Each family takes the claim's constant as an argument (the tally's 5, the product chain's per-multiplication cost, the
number of base evaluations of forward differences, the growth exponent of forward mode), so that a wrong neighbour
is the same family called with its own claim, on the same measurements. Exact predictions come from
:mod:`theorems.reverse_mode.chain` through ``sympy.lambdify``: op counts are exact integers, so the sharp checks are
equalities.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics.measure import loglog_slope
from numerics.reverse_mode import correctness
from theorems.core import Check, numeric
from theorems.reverse_mode import chain as chain_statement
from theorems.reverse_mode import gradient_cost as statement

ID = statement.ID


def _label(result, a: int) -> str:
    return f"d={int(result.d[a])} (L={int(result.depth[a])}, width {int(result.width[a])})"


# ------------------------------------------------------------------------------------------------------------------
# The checks, each family a function of what it claims (the wrong neighbours call them with their own claims)
# ------------------------------------------------------------------------------------------------------------------


def _chain_ratios(result, tally: int | None = None, assign: int | None = None) -> tuple[np.ndarray, ...]:
    """Predicted (tally-form, assignment-form) grad/forward ratios of the product chains, exact, from
    :func:`theorems.reverse_mode.chain.product_chain_counts` (``tally``, ``assign``: a neighbour's constants)."""
    counts = chain_statement.product_chain_counts(tally, assign)
    ratio = [sp.lambdify(chain_statement.n, expr / counts.forward, "math") for expr in (counts.tally, counts.assign)]
    return tuple(np.array([f(int(n)) for n in result.chain_factors]) for f in ratio)


def cost_constant_checks(result, config, constant: float) -> list[Check]:
    """Every counted gradient program costs at most ``constant`` times its function, and ``constant`` is the least
    such: the longest product chain's tally-form sweep reaches (c(n − 1) − 1)/(n − 1) = c − 1/(n − 1)."""
    out = []
    tanh = config.activations.index("tanh")
    ratio = result.grad_total / result.forward_total
    for a in range(len(config.architectures)):
        out.append(numeric(ID, f"counted jax.grad/forward ops, tanh, {_label(result, a)} (<= c = {constant:g})",
                           ratio[tanh, a], "<=", constant))
    for k, activation in enumerate(config.activations):
        out.append(numeric(ID, f"max over d of counted jax.grad/forward ops, {activation} (<= c = {constant:g})",
                           np.max(ratio[k]), "<=", constant))
    slide = result.slide_total[tanh] / result.forward_total[tanh]
    out.append(numeric(ID, f"max over d of the slide's BackwardNN (recomputing A_r X_r) / forward, tanh (<= c = "
                           f"{constant:g})", np.max(slide), "<=", constant))
    tally_sweep = result.chain_tally / result.chain_forward
    out.append(numeric(ID, f"max over n of the tally-form reverse sweep / forward, product chain x_1...x_n (<= c = "
                           f"{constant:g})", np.max(tally_sweep), "<=", constant))
    longest = int(np.argmax(result.chain_factors))
    reached = _chain_ratios(result, tally=constant)[0][longest]
    chain_grad = result.chain_grad / result.chain_forward
    every = np.max([np.max(ratio), np.max(slide), np.max(tally_sweep), np.max(chain_grad)])
    out.append(numeric(ID, f"c = {constant:g} is the least constant: max over every counted gradient program of "
                           f"grad/forward in [c - 1/(n-1), c], n = {int(result.chain_factors[longest])} (the product "
                           "chain reaches it)", every, "in", (reached, constant)))
    return out


def chain_checks(result, config, tally: int | None = None, assign: int | None = None) -> list[Check]:
    """The product chains' counted grad/forward ratios equal the exact predictions: 5 − 1/(n − 1) for the tally-form
    sweep (every update an addition), 3 − 1/(n − 1) for ``jax.grad`` (first contributions written)."""
    predicted_tally, predicted_assign = _chain_ratios(result, tally, assign)
    out = []
    for i, n in enumerate(result.chain_factors):
        K = result.chain_forward[i]
        out.append(numeric(ID, f"product chain of n={int(n)} factors (K={int(K)}): tally-form reverse sweep / "
                               "forward = predicted (every adjoint update an addition)",
                           result.chain_tally[i] / K, "==", predicted_tally[i]))
        out.append(numeric(ID, f"product chain of n={int(n)} factors (K={int(K)}): jax.grad / forward = predicted "
                               "(first contributions written, not added)", result.chain_grad[i] / K, "==",
                           predicted_assign[i]))
    return out


def nonscalar_checks(result, config) -> list[Check]:
    """Baur–Strassen's 3 on (multiplications + transcendentals); multiplications alone exceed it."""
    out = []
    nonscalar = (result.grad_mult + result.grad_trans) / (result.forward_mult + result.forward_trans)
    for k, activation in enumerate(config.activations):
        out.append(numeric(ID, f"max over d of (mult + transcendental) grad/forward, {activation} "
                               "(Baur-Strassen, transcendentals non-scalar)",
                           np.max(nonscalar[k]), "<=", statement.BAUR_STRASSEN))
    tanh = config.activations.index("tanh")
    multiplications = result.grad_mult[tanh] / result.forward_mult[tanh]
    out.append(numeric(ID, "max over d of multiplication-only grad/forward, tanh: above 3, so Baur-Strassen's 3 "
                           "needs transcendentals counted as non-scalar", np.max(multiplications), ">=",
                       statement.BAUR_STRASSEN))
    return out


def finite_difference_checks(result, config, base_evaluations: int = 1) -> list[Check]:
    """Forward differences cost exactly what their program is made of: ``base_evaluations`` evaluations of E at
    theta and, per coordinate, one evaluation after the shift and one quotient, each piece counted on its own (no
    constant fitted to the total); and they grow linearly in d."""
    derived = base_evaluations * result.fd_base + result.d * (result.fd_shifted + result.fd_quotient)
    overhead = result.fd_shifted - result.fd_base + result.fd_quotient  # per coordinate, beyond one evaluation of E
    shown = ", ".join(sorted({f"{o:g}" for o in overhead}))
    out = [numeric(ID, f"forward differences: max over d of |counted - derived from the program|, derived = "
                       f"{base_evaluations} evaluation(s) of E + d (E + {shown} for the shift and the quotient)",
                   np.max(np.abs(result.fd_total - derived)), "==", 0.0)]
    forward = result.forward_total[config.activations.index("tanh")]
    spread = np.log(1 + 1 / np.min(result.d) + np.max(overhead) / np.min(forward))  # cost/K = d (1 + 1/d + o/K)
    fit = loglog_slope(result.d, result.fd_total / forward)
    half = slope_tolerance(result.d, spread)
    out.append(numeric(ID, "log-log slope of forward differences cost / K against d (linear growth)", fit.slope,
                       "in", (1 - half, 1 + half)))
    return out


def forward_mode_checks(result, config, growth: float = 1.0) -> list[Check]:
    """Forward mode, d tangent sweeps, costs c·d^growth·K with c <= 5 (the tangent tally): log-log slope of
    cost/K against d within the tolerance of :func:`slope_tolerance` of ``growth``, and cost / (d^growth K) <= 5."""
    forward = result.forward_total[config.activations.index("tanh")]
    fit = loglog_slope(result.d, result.fwd_total / forward)
    half = slope_tolerance(result.d, FORWARD_MODE_SPREAD)
    return [numeric(ID, f"log-log slope of forward mode (d jvps) cost / K against d (growth d^{growth:g})", fit.slope,
                    "in", (growth - half, growth + half)),
            numeric(ID, f"max over d of forward mode / (d^{growth:g} K) (tally: <= 5)",
                    np.max(result.fwd_total / (result.d**growth * forward)), "<=", statement.TALLY_CONSTANT)]


def xla_checks(result, config) -> list[Check]:
    """XLA's own flop counts (after its rewrites, transcendentals apart), grad/forward, under the tally's 5 too."""
    return [numeric(ID, f"XLA flops grad/forward, tanh, {_label(result, a)} (XLA's count; <= 5)",
                    result.xla_grad_flops[a] / result.xla_forward_flops[a], "<=", statement.TALLY_CONSTANT)
            for a in config.xla if result.width[a] >= 4]  # XLA rewrites width-1 networks (1 flop an outer product)


def correctness_checks(result, config) -> list[Check]:
    """BackwardNN and central differences against jax.grad within their rounding bounds, and the two sharp
    partners (:mod:`numerics.reverse_mode.correctness`), when run."""
    if not config.check_correctness:
        return []
    ratio, se = correctness.precision_ratio(result.discrepancy32, result.discrepancy64)
    delta = result.truncation_delta
    return [numeric(ID, "|slide's BackwardNN - jax.grad| / first-order rounding bound", result.backward_error, "<=",
                    result.backward_bound),
            numeric(ID, "|central differences - jax.grad| / (truncation + rounding bound)", result.fd_error, "<=",
                    result.fd_bound),
            numeric(ID, f"central differences at h = {config.truncation_step:g}: |D(h) - jax.grad| / |h^2 d^3E/6| "
                        "(Lagrange remainder, two-sided)", result.truncation_ratio, "in", (1 - delta, 1 + delta)),
            numeric(ID, f"BackwardNN - jax.grad in units of u g_|.|, mean over {len(result.discrepancy32)} points, "
                        f"float32 / float64 (same first-order model; z = {correctness.PRECISION_Z:g})", ratio, "in",
                    correctness.precision_interval(se))]


FORWARD_MODE_SPREAD = float(np.log(10.0))
"""Forward mode costs c·d·K with c between 1/2 and 5 (the tally bounds a tangent sweep by 5K per direction; a
sweep costs at least half the forward pass here, measured c >= 1): log c varies by at most log 10."""


def slope_tolerance(d, spread: float) -> float:
    """How far a log-log slope of c_a · d against d can be from 1 when log c_a varies within ``spread``.

    The least-squares slope is 1 + sum (x − x̄)(y − ȳ) / sum (x − x̄)² with x = log d, y = log c_a; the
    numerator is at most spread · sum |x − x̄| / 2 (y − ȳ may be replaced by y minus the midrange of y, at most
    spread/2 in size, since sum (x − x̄) = 0).
    """
    x = np.log(np.asarray(d, dtype=np.float64))
    centred = x - x.mean()
    return float(spread * np.sum(np.abs(centred)) / 2 / np.sum(centred**2))


