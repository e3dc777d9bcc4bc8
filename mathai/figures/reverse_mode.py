"""Figures: what the gradient of an MLP loss costs against its number of parameters d, counted operation by
operation."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.reverse_mode import gradient_cost

CONFIG = gradient_cost.Config(xla=tuple(range(len(gradient_cost.DEFAULT_ARCHITECTURES))))
"""The default experiment, with XLA's analysis at every architecture."""


def reverse_mode_cost_vs_d(load):
    """Counted operations of the gradient against d: reverse mode, forward mode, forward differences, the loss K,
    with the theoretical lines K(d+1) (forward differences), d·K (forward mode) and 4K (cheap gradient)."""
    result = load(gradient_cost.experiment, CONFIG, gradient_cost.Result)
    tanh = CONFIG.activations.index("tanh")
    d, K = result.d, result.forward_total[tanh]
    order = np.argsort(d)
    d, K = d[order], K[order]
    fig, ax = plt.subplots()
    ax.loglog(d, result.fd_total[order], "s-", markersize=3, label="forward differences (counted)")
    ax.loglog(d, result.fwd_total[order], "^-", markersize=3, label="forward mode, d jvps (counted)")
    ax.loglog(d, result.grad_total[tanh][order], "o-", markersize=3, label="reverse mode, jax.grad (counted)")
    ax.loglog(d, result.slide_total[tanh][order], "x", markersize=4, label="slide's BackwardNN (counted)")
    ax.loglog(d, K, "k.-", linewidth=0.8, label="the loss: K")
    ax.loglog(d, K * (d + 1), "C0:", linewidth=1, label="K(d+1)")
    ax.loglog(d, K * d, "C1:", linewidth=1, label="d·K")
    ax.loglog(d, statement_constant("TALLY_CONSTANT") * K, "C2:", linewidth=1, label="5K (this count's constant)")
    ax.set_xlabel("parameters d")
    ax.set_ylabel("scalar operations")
    ax.set_title("Cost of the gradient of an MLP loss (tanh, batch %d)" % CONFIG.batch)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def reverse_mode_ratio_vs_d(load):
    """grad/forward against d: counted (all operations, per activation; multiplications + transcendentals for
    tanh) and XLA's flops, with the constants 3 (Baur–Strassen, non-scalar operations) and 5 (every operation
    counted, adjoint updates included: attained by a product chain)."""
    result = load(gradient_cost.experiment, CONFIG, gradient_cost.Result)
    order = np.argsort(result.d)
    d = result.d[order]
    fig, ax = plt.subplots()
    for k, activation in enumerate(CONFIG.activations):
        ratio = result.grad_total[k] / result.forward_total[k]
        ax.semilogx(d, ratio[order], "o-", markersize=3, label=f"counted, {activation}")
    tanh = CONFIG.activations.index("tanh")
    nonscalar = (result.grad_mult[tanh] + result.grad_trans[tanh]) / (result.forward_mult[tanh]
                                                                     + result.forward_trans[tanh])
    ax.semilogx(d, nonscalar[order], "v--", markersize=3, label="mult. + transc., tanh")
    xla = result.xla_grad_flops / result.xla_forward_flops
    ax.semilogx(d, xla[order], "k*", markersize=5, label="XLA flops, tanh")
    ax.axhline(statement_constant("BAUR_STRASSEN"), color="C7", linestyle=":", label="3 (Baur–Strassen)")
    ax.axhline(statement_constant("TALLY_CONSTANT"), color="k", linestyle="--", linewidth=1,
               label="5 (every operation counted)")
    ax.set_ylim(0, max(6.0, float(np.nanmax(xla[result.width >= 4])) + 0.5))
    ax.set_xlabel("parameters d")
    ax.set_ylabel("gradient / loss")
    ax.set_title("Reverse mode: gradient cost / loss cost (XLA at width 1: off the chart)")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    return fig


def statement_constant(name: str) -> float:
    return float(getattr(gradient_cost.statement, name))


FIGURES = {gradient_cost.ID: (reverse_mode_cost_vs_d, reverse_mode_ratio_vs_d)}
