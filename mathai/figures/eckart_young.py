"""Figure: the error of the best rank-k approximation against k, with the tail sums it equals and the competitors
that never beat it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.low_rank import eckart_young

CONFIG = eckart_young.Config(ranks=tuple(range(1, 16)), batch=1, subspaces=16, steps=4000)
"""One 64 x 16 matrix, every rank 1..15; gradient descent runs 4000 steps (the largest ranks, with the smallest
gaps, are then still converging: their excess is visible above the tail)."""


def eckart_young_error_vs_rank(load):
    """Squared Frobenius and spectral errors of rank-k approximations of one 64 x 16 matrix against k: the truncated
    SVD (circles) lies on the tail sums (lines) and no competitor (random column spaces, perturbed optima, gradient
    descent after 4000 steps) lies below them."""
    result = load(eckart_young.experiment, CONFIG, eckart_young.Result)
    sigma, ranks = result.spectrum, result.ranks
    tails = {"F": np.array([np.sum(sigma[k:] ** 2) for k in ranks]), "2": sigma[ranks]}
    measured = {"F": result.error[0], "2": result.top[0]}
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.2))
    for ax, norm, label in zip(axes, ("F", "2"), (r"$\|A - B\|_F^2$", r"$\|A - B\|_2$")):
        values = measured[norm]
        random = values[:, 2 + len(CONFIG.perturbations):]
        ax.semilogy(np.repeat(ranks, random.shape[1]), random.ravel(), ".", color="0.6", markersize=3,
                    label="random column spaces")
        ax.semilogy(ranks, values[:, 2], "^", markersize=4, fillstyle="none", label="perturbed optimum, 0.1")
        ax.semilogy(ranks, values[:, 1], "x", markersize=5, label="gradient descent, 4000 steps")
        ax.semilogy(ranks, values[:, 0], "o", markersize=4, fillstyle="none", label="truncated SVD")
        tail = r"$\sum_{i>k}\sigma_i^2$" if norm == "F" else r"$\sigma_{k+1}$"
        ax.semilogy(ranks, tails[norm], "k-", linewidth=1, label=tail)
        ax.set_xlabel("rank k")
        ax.set_ylabel(label)
    axes[0].legend(fontsize=6)
    fig.suptitle(r"best rank-k error of a 64 x 16 matrix, $\sigma_i = 0.75^{i-1}$ (dyadic)", fontsize=9)
    fig.tight_layout()
    return fig


FIGURES = {eckart_young.ID: (eckart_young_error_vs_rank,)}
