r"""Deviation bounds for means of Gaussian quadratic forms (Laurent & Massart), and the slope statistic built on them.

**The bound** (B. Laurent and P. Massart, "Adaptive estimation of a quadratic functional by model selection", Ann.
Statist. 28(5), 1302–1338, 2000, Lemma 1). For $Y = \sum_j a_j(Z_j^2 - 1)$ with $Z_j$ independent standard normal
and $a_j \ge 0$:

$$P\bigl(Y \ge 2\|a\|_2\sqrt x + 2\|a\|_\infty x\bigr) \le e^{-x}, \qquad
  P\bigl(Y \le -2\|a\|_2\sqrt x\bigr) \le e^{-x}.$$

These are the exact tails of the law, not a normal approximation, so a check built on them has the stated
false-alarm rate at every sample size. A form with weights of both signs is split into its positive and negative
parts (:func:`signed_form_bound`); a linear combination $\sum_k c_k \bar Y_k$ of means over seeds of
$\|e_k\|^2$, with $e_k$ jointly Gaussian across the steps $k$ (covariance $C$ per independent direction), is such a
form with weights the eigenvalues of $C^{1/2}\operatorname{diag}(c)\,C^{1/2}$ divided by the number of seeds, each
repeated once per seed (:func:`form_bound`).

Used by :mod:`numerics.optimisation.robbins_monro`, which explains the slope statistic (:func:`slope_statistical`).
"""

from __future__ import annotations

import math

import numpy as np


# ---------------------------------------------------------------------------------------------------------------

def mean_interval(variances: np.ndarray, seeds: int, x: float) -> tuple[float, float]:
    """(lower, upper) deviation of the mean over ``seeds`` of sum_i v_i Z_i^2 from its expectation sum_i v_i, each
    exceeded with probability at most e^-x (Laurent-Massart with a_j = v_i/seeds, repeated seeds times)."""
    norm2 = math.sqrt(float(np.sum(variances**2)) / seeds)
    return -2 * norm2 * math.sqrt(x), 2 * norm2 * math.sqrt(x) + 2 * float(np.max(variances)) / seeds * x


def signed_form_bound(eigenvalues: np.ndarray, x: float) -> float:
    """|sum_j nu_j (Z_j^2 - 1)| is below this with probability at least 1 - 4 e^-x: Laurent-Massart on the positive
    and on the negative weights, each tail of each part."""
    positive, negative = eigenvalues[eigenvalues > 0], -eigenvalues[eigenvalues < 0]
    spread = 2 * math.sqrt(x) * (math.sqrt(float(np.sum(positive**2))) + math.sqrt(float(np.sum(negative**2))))
    return spread + 2 * x * max(float(positive.max(initial=0.0)), float(negative.max(initial=0.0)))


def fit_weights(steps_at: np.ndarray, offset: int) -> np.ndarray:
    """Least-squares slope weights w_k on log(mean_k) against log(l_k), l_k = offset + k."""
    x = np.log(offset + steps_at.astype(np.float64))
    return (x - x.mean()) / np.sum((x - x.mean()) ** 2)


def _covariances(moments, tau, lam, offset, window) -> list[np.ndarray]:
    """Per direction i, the covariance of its error across the window's steps: v_k prod_(j=k)^(m-1) (1 - tau_j lambda_i)."""
    rates = tau / (offset + np.arange(moments.shape[0] - 1))
    out = []
    for i, curvature in enumerate(lam):
        log_factor = np.concatenate([[0.0], np.cumsum(np.log(1 - rates * curvature))])
        k, m = np.meshgrid(window, window, indexing="ij")
        first, last = np.minimum(k, m), np.maximum(k, m)
        out.append(moments[first, i] * np.exp(log_factor[last] - log_factor[first]))
    return out


def form_bound(covariances, coefficients: np.ndarray, seeds: int, x: float) -> float:
    """Bound, exceeded with probability at most 4 e^-x, on |sum_k c_k (mean_k - E mean_k)|: the eigenvalues of
    C_i^(1/2) diag(c) C_i^(1/2) over seeds, per direction, repeated for every seed (:func:`signed_form_bound`)."""
    nus = []
    for covariance in covariances:
        root = np.linalg.cholesky(covariance + 1e-300 * np.eye(covariance.shape[0]))
        nus.append(np.linalg.eigvalsh(root.T @ np.diag(coefficients) @ root) / seeds)
    return signed_form_bound(np.repeat(np.concatenate(nus), seeds), x)


def slope_statistical(moments, tau, lam, offset, window, weights, seeds, x, halfwidths) -> float:
    """The statistical part of the slope tolerance. With delta_k = mean_k/E_k - 1 and sum_k w_k = 0 the slope's
    deviation from that of the exact expectation is sum_k w_k log(1 + delta_k) = sum_k w_k log(1 + D_k/(1 + delta_1)),
    D_k = delta_k - delta_1. Bounds, all holding together (union bound), the smallest used:

    * linear: sum_k w_k delta_k is a signed Gaussian quadratic form (:func:`form_bound`), plus a remainder, either
      sum |w_k| eta_k^2/(2(1 - eta_k)) (eta_k the means' relative half-widths) or, by the mean value theorem,
      eta/(1 - eta) sum |w_k| t_k with t_k a bound on |D_k| (another signed form);
    * anchored: sum |w_k| |log(1 - t_k/(1 - eta_1))|, small where the errors at different steps are correlated (the
      decay of the start dominates: tau mu < 1/2)."""
    exact = moments[window].sum(axis=1)
    covariances = _covariances(moments, tau, lam, offset, window)
    eta = halfwidths / exact
    if np.any(eta >= 1):
        return math.inf
    linear = form_bound(covariances, weights / exact, seeds, x)
    quadratic = float(np.sum(np.abs(weights) * eta**2 / (2 * (1 - eta))))
    differences = np.zeros(window.size)
    for k in range(1, window.size):
        coefficients = np.zeros(window.size)
        coefficients[k], coefficients[0] = 1 / exact[k], -1 / exact[0]
        differences[k] = form_bound(covariances, coefficients, seeds, x)
    top = float(np.max(eta))
    remainder = min(quadratic, top / (1 - top) * float(np.sum(np.abs(weights) * differences)))
    shrink = differences / (1 - eta[0])
    anchored = float(np.sum(np.abs(weights) * -np.log1p(-np.minimum(shrink, 1 - 1e-12)))) if shrink.max() < 1 \
        else math.inf
    return min(linear + remainder, anchored)
