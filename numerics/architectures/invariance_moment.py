r"""The invariance moment under sub-sampling, estimated: $\hat\rho(t) = \overline{\Delta_t^2} / \overline{g^2}$ with
$\Delta_t = g(S_t x) - g(x)$, its standard error by the delta method, and the z-score against a predicted
$\rho(t)$ (:func:`theorems.architectures.convolution.invariance_ratio`: the exact value, or a wrong neighbour's).

The Result fields read: ``gap_mean``, ``gap_var`` (mean and variance of $\Delta_t^2$ per shift), ``pooled_mean``,
``pooled_var`` (of $g^2$), ``covariance`` (of $\Delta_t^2$ and $g^2$), over ``config.trials`` draws.
"""

from __future__ import annotations

import numpy as np


def moment_standard_error(result, config, predicted) -> np.ndarray:
    """The standard error of rho_hat(t) per shift under ``predicted`` rho(t): sqrt(Var(Delta^2 - rho g^2)/T) over
    the mean of g^2 (delta method)."""
    predicted = np.asarray(predicted, np.float64)
    variance = result.gap_var - 2 * predicted * result.covariance + predicted**2 * result.pooled_var
    return np.sqrt(np.maximum(variance, 0.0) / config.trials) / result.pooled_mean


def moment_z(result, config, predicted) -> np.ndarray:
    """|rho_hat(t) - predicted(t)| / se(t) per shift; 0 where they agree exactly (the gaps all 0), infinite where
    they differ with no spread."""
    gap = np.abs(result.gap_mean / result.pooled_mean - np.asarray(predicted, np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gap == 0, 0.0, gap / moment_standard_error(result, config, predicted))
