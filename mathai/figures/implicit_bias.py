"""Figure for soudry2018: the angle to the max-margin direction and the norm's growth rate against the iteration."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.optimisation import implicit_bias

CONFIG = implicit_bias.Config(steps=2**21, checkpoints=60)
"""The default experiment run eight times longer, with more checkpoints."""


def implicit_bias_angle(load):
    """Gradient descent on separable logistic regression turns towards the max-margin separator $\\hat w$ like
    $1/\\log\\ell$: the angle between $\\theta_\\ell$ and $\\hat w$ (left axis) and
    $\\|\\theta_\\ell\\|/\\log\\ell$ (right
    axis) against $\\ell$, measured, with the predictions of $\\theta_\\ell \\approx \\hat w\\log\\ell + \\tilde w$
    (dashed, from $\\ell = 100$) and the limit $\\|\\hat w\\|$ (dotted)."""
    r = load(implicit_bias.experiment, CONFIG, implicit_bias.Result)
    ells = np.asarray(r.ells, dtype=float)
    keep = ells >= 10
    ells, thetas = ells[keep], np.asarray(r.thetas)[keep]
    predicted = np.outer(np.log(ells), r.w_hat) + r.w_tilde
    fig, ax = plt.subplots()
    ax.semilogx(ells, np.degrees(np.arcsin(implicit_bias.sines(thetas, r.w_hat))), "C0", label="angle to ŵ, measured")
    late = ells >= 100  # where log l dominates the residual: the prediction's range
    ax.semilogx(ells[late], np.degrees(np.arcsin(implicit_bias.sines(predicted[late], r.w_hat))), "C0--",
                label="angle of ŵ log ℓ + w̃ (ℓ ≥ 100)")
    ax.set_xlabel("iteration ℓ")
    ax.set_ylabel("angle to the max-margin direction (degrees)")
    right = ax.twinx()
    right.semilogx(ells, np.linalg.norm(thetas, axis=1) / np.log(ells), "C1", label="‖θ‖ / log ℓ")
    right.axhline(float(np.linalg.norm(r.w_hat)), color="C1", linestyle=":", label="‖ŵ‖")
    right.set_ylabel("‖θ‖ / log ℓ")
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="center right")
    ax.set_title(f"Implicit bias of gradient descent, η L = {CONFIG.step_L:g}")
    fig.tight_layout()
    return fig


FIGURES = {implicit_bias.ID: (implicit_bias_angle,)}
