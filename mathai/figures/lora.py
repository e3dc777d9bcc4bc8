"""Figure: LoRA's rank sweep, the error of the fine-tuned update against the rank r, on the Eckart–Young tail."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.low_rank import lora

CONFIG = lora.Config(m=48, n=32, planted=(6.0, 5.0, 4.0, 3.0, 2.0, 1.0), ranks=tuple(range(1, 9)), steps=2000)
"""A 48 x 32 frozen layer, a rank-6 planted update, ranks 1..8, 2000 Adam steps a rank."""


def lora_rank_sweep(load):
    """Squared error of the fine-tuned LoRA update against the rank r (circles) on the tail sum of the planted
    update's squared singular values (line), with the trainable numbers r(m+n) against the full layer's mn: below
    the planted rank 6 the error sits on the Eckart–Young floor, from rank 6 on it drops to rounding."""
    result = load(lora.experiment, CONFIG, lora.Result)
    ranks = result.ranks
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 3.2))
    floor = np.where(result.floor > 0, result.floor, np.nan)
    left.semilogy(ranks, result.error / result.planted_norm, "o", fillstyle="none", label="fine-tuned, Adam")
    left.semilogy(ranks, floor / result.planted_norm, "k-", linewidth=1, label=r"$\sum_{i>r}\sigma_i^2$")
    left.axvline(len(CONFIG.planted), color="0.6", linestyle=":", label="planted rank")
    left.set_xlabel("rank r")
    left.set_ylabel(r"$\|sBA - \Delta\|_F^2 / \|\Delta\|_F^2$")
    left.legend(fontsize=7)
    right.plot(ranks, result.trainable, "o-", markersize=3, label="LoRA, r(m + n)")
    right.axhline(float(result.full), color="k", linestyle="--", linewidth=1, label="full layer, mn")
    right.set_xlabel("rank r")
    right.set_ylabel("trainable numbers")
    right.legend(fontsize=7)
    fig.suptitle(f"LoRA on a frozen {CONFIG.m} x {CONFIG.n} layer, planted singular values 6, 5, ..., 1", fontsize=9)
    fig.tight_layout()
    return fig


FIGURES = {lora.ID: (lora_rank_sweep,)}
