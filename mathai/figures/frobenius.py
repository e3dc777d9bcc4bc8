"""Figure: how far the two floating-point sides of <S,T>_F = tr(S T^*) are apart, as a fraction of their bound."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics import frobenius

SQUARE_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
CONFIG = frobenius.Config(shapes=tuple((n, n) for n in SQUARE_SIZES), batch=32)


def frobenius_error_vs_size(load):
    """Worst |sum form − trace form| / rounding bound against n for n x n matrices, one line per dtype."""
    result = load(frobenius.experiment, CONFIG, frobenius.Result)
    fig, ax = plt.subplots()
    sizes = result.m * result.n
    for b, dtype in enumerate(CONFIG.dtypes):
        ratio = np.where(result.ratio[:, b] > 0, result.ratio[:, b], np.nan)
        ax.loglog(sizes, ratio, "o-", label=dtype, markersize=3)
    ax.axhline(1.0, color="k", linestyle="--", linewidth=1, label="rounding bound")
    ax.set_xlabel("entries mn of S and T (n x n)")
    ax.set_ylabel("measured / bound")
    ax.set_title(r"$|\mathrm{fl}\,\Sigma S_{ij}\bar T_{ij} - \mathrm{fl}\,\mathrm{tr}(ST^*)|$ over its rounding bound"
                 " (1x1: exact, not drawn)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {frobenius.statement.ID: (frobenius_error_vs_size,)}
