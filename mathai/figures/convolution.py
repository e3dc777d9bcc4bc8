"""Figure: the invariance error of sub-sampled convolution against the shift."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.architectures import convolution

CONFIG = convolution.Config(lengths=(7,), kernel_sizes=(1,), trials=8000, fft_lengths=(16,), fft_samples=16)
"""The default sub-sampling (stride 4 on 64 points, kernel length 5) with 8000 trials; the other parts at their
smallest."""


def convolution_subsampling_invariance(load):
    """Sub-sampling by s = 4: the invariance error against the shift t is exactly 0 at the multiples of s and of
    order one elsewhere. Left: the CNN layer f(x) = max over m of ReLU(w ⋆ x + b) at positions 4m, relative error of
    the shifted input over 8 signals uniform on [−1, 1) (float32, float64). Right: the pooled sub-sampled linear
    convolution g of integer signals, the measured ratio of mean squares (± 2 standard errors, 8000 signals) and its
    exact value from the kernel's polyphase sums."""
    result = load(convolution.experiment, CONFIG, convolution.Result)
    shifts = result.shifts
    multiple = shifts % CONFIG.stride == 0
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.4, 2.8))
    for d, (dtype, marker) in enumerate(zip(convolution.FLOAT_DTYPES, ("o", "s"))):
        error = result.subsampled_error[d]
        offset = (d - 0.5) * 0.2
        left.plot(shifts[~multiple] + offset, error[~multiple], marker, markersize=4, label=dtype)
    left.plot(shifts[multiple], result.subsampled_error[:, multiple].max(axis=0), "kx", markersize=6,
              label="exactly 0 (both)")
    left.set_ylim(-0.05, 1.4 * np.max(result.subsampled_error))
    left.set_xlabel("shift t")
    left.set_ylabel(r"$\max|f(S_t x) - f(x)|\,/\,\max|f(x)|$")
    left.set_title("CNN layer, stride 4")
    left.legend(fontsize=7, loc="upper center", ncol=3)
    estimate = result.gap_mean / result.pooled_mean
    se = convolution.moment_standard_error(result, CONFIG, result.moment_exact)
    right.errorbar(shifts, estimate, yerr=2 * se, fmt="o", markersize=4, capsize=2, label="measured")
    right.plot(shifts, result.moment_exact, "k_", markersize=12, label="exact")
    right.set_xlabel("shift t")
    right.set_ylabel(r"$\overline{(g(S_t x) - g(x))^2}\,/\,\overline{g(x)^2}$")
    right.set_title("pooled linear layer, integers")
    right.set_ylim(-0.05, 1.4 * np.max(estimate + 2 * se))
    right.legend(fontsize=7, loc="upper center", ncol=2)
    for ax in (left, right):
        ax.set_xticks(shifts)
    fig.tight_layout()
    return fig


FIGURES = {convolution.ID: (convolution_subsampling_invariance,)}
