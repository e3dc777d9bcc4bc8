"""Figure: how far sample principal subspaces turn from the population one, against the sample size, for three
eigengaps, beside the Davis-Kahan bound and the first-order prediction."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.low_rank import pca

CONFIG = pca.Config()


def pca_angle_vs_samples(load):
    """Median Frobenius sine of the angle between the sample and population top-2 subspaces (16 dimensions, 400
    samples a point, 10-90% band) against n, for each gap: the Davis-Kahan bound with the population gap (dashed,
    median over samples, clipped at 10) lies 2-10 times above it, the first-order prediction (dotted) on it once
    n times the squared gap is large."""
    result = load(pca.experiment, CONFIG, pca.Result)
    n = result.sample_sizes.astype(np.float64)
    bound = 2 * np.minimum(np.sqrt(CONFIG.rank) * result.E_op, result.E_F) / result.gaps[:, None, None]
    fig, ax = plt.subplots()
    for g, gap in enumerate(result.gaps):
        low, mid, high = np.quantile(result.sin_F[g], [0.1, 0.5, 0.9], axis=1)
        line, = ax.loglog(n, mid, "o-", markersize=3, label=rf"$\delta$ = {gap:g}")
        ax.fill_between(n, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        ax.loglog(n, np.minimum(np.median(bound[g], axis=1), 10), "--", color=line.get_color(), linewidth=1)
        constant = pca.first_order_constant(pca.statement.first_order_term(), result.eigenvalues[g], CONFIG.rank)
        ax.loglog(n, np.sqrt(constant / n), ":", color=line.get_color(), linewidth=1.2)
    ax.set_xlabel("sample size n")
    ax.set_ylabel(r"$\|\sin\Theta\|_F$")
    ax.set_title(r"dashed: $2\min(\sqrt{k}\|E\|, \|E\|_F)/\delta$; dotted: first order $\sqrt{c_\infty/n}$",
                 fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {pca.ID: (pca_angle_vs_samples,)}
