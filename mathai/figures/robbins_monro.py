"""Figure for robbins1951: the mean square error of SGD with steps tau/l, and constant steps' floors."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.optimisation import robbins_monro

CONFIG = robbins_monro.Config(steps=8192)
"""The default experiment over twice as many steps."""


def sgd_rates(load):
    """Mean of $\\|\\theta_\\ell - \\theta^\\star\\|^2$ over 1024 seeds against $\\ell$ for steps $\\tau/\\ell$ with
    $\\tau\\mu = 0.25$ and $1.5$ (solid), their exact expectations (thin black) and the slopes
    $-\\min(1, 2\\tau\\mu)$ (dotted); constant steps (dashed) stall at floors proportional to $\\tau$."""
    r = load(robbins_monro.experiment, CONFIG, robbins_monro.Result)
    fig, ax = plt.subplots()
    runs = len(CONFIG.tau_mu)
    for index, tau_mu in enumerate(CONFIG.tau_mu):
        offset = int(r.offsets[index])
        ells = offset + np.arange(r.curves.shape[1])
        (line,) = ax.loglog(ells, r.curves[index], linewidth=1, label=f"τ/ℓ, τμ = {tau_mu:g}")
        ax.loglog(ells, r.exact_curves[index], "k-", linewidth=0.5)
        exponent = -min(1.0, 2 * tau_mu)
        anchor = ells[r.window[index][0]]
        reference = r.exact_curves[index][r.window[index][0]] * (ells / anchor) ** exponent
        ax.loglog(ells[ells >= anchor], reference[ells >= anchor], ":", color=line.get_color(), linewidth=1.5,
                  label=f"slope {exponent:g} (fitted {float(r.slope[index]):.3f})")
    for index, tau_mu in enumerate(CONFIG.constant_tau_mu):
        ells = 1 + np.arange(r.curves.shape[1])
        ax.loglog(ells, r.curves[runs + index], "--", linewidth=1, label=f"constant τμ = {tau_mu:g}")
    ax.set_xlabel("step index ℓ")
    ax.set_ylabel("mean of $\\|\\theta_\\ell - \\theta^\\star\\|^2$")
    ax.set_title("SGD: rate ℓ^(−min(1, 2τμ)) with τ/ℓ; a floor ∝ τ with a constant step", fontsize=8)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


FIGURES = {robbins_monro.ID: (sgd_rates,)}
