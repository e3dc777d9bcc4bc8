"""Figure for sander2024: a causal softmax transformer trained on random orthogonal W, its errors against t."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics import in_context_softmax as num

CONFIG = num.Config(steps=6000, test_samples=4096, jacobian_samples=512)
"""Three times the default training steps and more held-out sequences (cached; the rest as ``verify`` uses)."""


def _mean_band(ax, t, values, z, **style):
    """Mean over sequences with a +-z standard-error band."""
    mean = values.mean(axis=0)
    se = values.std(axis=0, ddof=1) / np.sqrt(values.shape[0])
    line, = ax.plot(t, mean, **style)
    ax.fill_between(t, mean - z * se, mean + z * se, color=line.get_color(), alpha=0.2, linewidth=0)


def sander2024_softmax_errors_vs_length(load):
    """Left: next-token error E|ŝ_{t+1} - s_{t+1}|^2 (|s| = 1) of the trained transformer, least squares in context,
    one gradient step at its optimal step, and ŝ = s_t, against t. Right: |J_t - W|_F^2/|W|_F^2 for the Jacobian
    J_t = dŝ_{t+1}/ds_t (earlier tokens fixed) of the same predictors."""
    r = load(num.experiment, CONFIG, num.Result)
    c, t, z = CONFIG, r.positions, CONFIG.z
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    model = f"softmax transformer ({c.layers} layers, {c.heads} heads, width {c.width})"
    _mean_band(left, t, r.model_error, z, color="C3", marker="o", markersize=3, label=model)
    _mean_band(left, t, r.gd_error, z, color="C0", marker="s", markersize=3, label="one GD step at η*(t)")
    _mean_band(left, t, r.trivial_error, z, color="0.5", linestyle="--", label="ŝ = s_t")
    left.plot(t, np.maximum(r.oracle_error.mean(axis=0), 1e-30), "k^-", markersize=3,
              label="least squares in context")
    left.axhline(1.0, color="0.5", linestyle=":", linewidth=1, label="ŝ = 0")
    exact = r.oracle_error[:, c.d - 1 :].mean()
    left.text(0.8, 1.5e-4, f"least squares,\nt ≥ {c.d}: {exact:.0e}", fontsize=6)
    left.axvline(c.d, color="0.8", linewidth=1)
    left.set_yscale("log")
    left.set_ylim(1e-4, 3)
    left.set_xlabel("position t (context s_0, …, s_t)")
    left.set_ylabel("E|ŝ_{t+1} − s_{t+1}|²")
    left.set_title(f"Prediction, W Haar on O({c.d}), ±{z:g} se")
    left.legend(fontsize=6, loc="lower right")
    _mean_band(right, t, r.model_jacobian_error, z, color="C3", marker="o", markersize=3, label="transformer")
    _mean_band(right, t, r.gd_jacobian_error, z, color="C0", marker="s", markersize=3, label="one GD step")
    right.plot(t, r.oracle_jacobian_error.mean(axis=0), "k^-", markersize=3, label="least squares")
    right.set_yscale("log")
    right.set_xlabel("position t")
    right.set_ylabel("|J_t − W|²_F / |W|²_F")
    right.set_title(f"J_t = ∂ŝ_(t+1)/∂s_t against W ({r.model_jacobian_error.shape[0]} sequences)")
    right.legend(fontsize=6, loc="lower left")
    fig.tight_layout()
    return fig


FIGURES = {num.ID: (sander2024_softmax_errors_vs_length,)}
