"""Figures for sander2024: errors against the context length, the trained layer's weights, its training curve."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics import in_context_autoregression as num

CONFIG = num.Config(lengths=(2, 5, 10, 20, 40, 80), test_lengths=(5, 10, 20, 40, 80))
"""Wider ranges of T than ``verify`` uses; everything else as the default experiment."""


def _curve(lengths: np.ndarray, d: int) -> np.ndarray:
    return np.array([float(num.relative_error(d, T)) for T in lengths])


def sander2024_errors_vs_length(load):
    """Relative estimation and prediction errors of one-step GD at eta*(T) against T (both laws, Monte Carlo), the
    trained layer (trained at one T, so its step is fixed), the curve (d-1)/(T+d-1), and the least-squares oracle."""
    r = load(num.experiment, CONFIG, num.Result)
    d = CONFIG.d
    fig, ax = plt.subplots()
    grid = np.geomspace(r.lengths.min(), r.lengths.max(), 100)
    ax.loglog(grid, _curve(grid, d), "k-", linewidth=1, label="(d−1)/(T+d−1)")
    markers = {"unitary": "o", "rotation": "s"}
    for a, law in enumerate(num.LAWS):
        est = r.mean[a, :, 2]
        ax.errorbar(r.lengths, est, yerr=5 * r.stderr[a, :, 2], fmt=markers[law], markersize=4, capsize=2,
                    label=f"{law}: E|η*G − W|²/|W|² (MC ±5 se)", fillstyle="none")
        norm = d if law == "unitary" else d / 2
        ax.plot(r.lengths, r.mean[a, :, 0] / norm, markers[law], markersize=2,
                label=f"{law}: prediction error / E|s|²")
    ax.errorbar(r.test_lengths, r.trained_estimation, yerr=5 * r.trained_estimation_se, fmt="^", color="C3",
                markersize=4, capsize=2, label=f"trained layer (T={CONFIG.train_length}): |J − W|²/|W|²")
    learned = np.array([float(num.estimation_error(d, T, r.step)) for T in grid])
    ax.loglog(grid, learned, ":", color="C3", linewidth=1, label="closed form at the learned step")
    oracle = r.oracle_loss / d
    ax.text(0.98, 0.97, "least squares in context (prediction):\n" + ", ".join(
        f"T={T}: {e:.0e}" for T, e in zip(r.test_lengths, oracle)), transform=ax.transAxes, ha="right", va="top",
        fontsize=6)
    ax.set_ylim(3e-2, 5)
    ax.set_xticks(r.lengths, [str(T) for T in r.lengths])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_xlabel("context length T")
    ax.set_ylabel("relative error")
    ax.set_title(f"In-context estimate of W, d = {d}")
    ax.legend(fontsize=6, loc="lower left")
    fig.tight_layout()
    return fig


def sander2024_learned_weights(load):
    """|V|, |M| of the trained layer, and |J| next to |W| for one test sequence (blocks: s_t, then s_{t-1})."""
    r = load(num.experiment, num.Config(), num.Result)
    fig, axes = plt.subplots(1, 4, figsize=(8.0, 2.6), gridspec_kw={"width_ratios": [2, 2, 1, 1]})
    panels = [(r.V, "|V| (d × 2d)"), (r.M, "|M| (2d × 2d)"), (r.jacobian, "|J| (in-context estimate)"),
              (r.target, "|W|")]
    for ax, (matrix, title) in zip(axes, panels):
        image = ax.imshow(np.abs(matrix), cmap="viridis")
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.suptitle(f"Trained layer: read-out step η̂ = {r.step:.4f}, η* = 1/(T+d−1) = "
                 f"{float(num.optimal_step['unitary'](num.Config().d, num.Config().train_length)):.4f}", fontsize=8)
    fig.tight_layout()
    return fig


def sander2024_training_curve(load):
    """Training loss per step (fresh batches) against the one-step minimum d(d-1)/(T+d-1)."""
    r = load(num.experiment, num.Config(), num.Result)
    config = num.Config()
    fig, ax = plt.subplots()
    window = 20
    smooth = np.convolve(r.train_loss, np.ones(window) / window, mode="valid")
    ax.semilogy(r.train_loss, color="0.7", linewidth=0.5, label="batch loss")
    ax.semilogy(np.arange(window - 1, r.train_loss.size), smooth, "C0", label=f"moving mean ({window})")
    ax.axhline(float(num.minimal_loss["unitary"](config.d, config.train_length)), color="k", linestyle="--",
               linewidth=1, label="d(d−1)/(T+d−1)")
    ax.set_xlabel("Adam step")
    ax.set_ylabel("E|ŝ_{T+1} − s_{T+1}|²")
    ax.set_title(f"Training the augmented linear layer, d = {config.d}, T = {config.train_length}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {num.statement.ID: (sander2024_errors_vs_length, sander2024_learned_weights, sander2024_training_curve)}
