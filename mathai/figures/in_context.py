"""Figures for sander2024 (in-context estimation by attention), one section per module of the theorem.

* augmented linear layer (:mod:`numerics.in_context.autoregression`): errors against the context length, the
  trained layer's weights, its training curve;
* softmax transformer (:mod:`numerics.in_context.softmax`) trained on random orthogonal W: its errors against t;
* non-augmented layer (:mod:`numerics.in_context.positional_heads`): the learned heads and positional matrix, and
  the loss floors.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.in_context import autoregression, positional_heads, softmax

# ---------------------------------------------------------------------------------------------------------------
# The augmented linear layer.
# ---------------------------------------------------------------------------------------------------------------

AUTOREGRESSION_CONFIG = autoregression.Config(lengths=(2, 5, 10, 20, 40, 80), test_lengths=(5, 10, 20, 40, 80))
"""Wider ranges of T than ``verify`` uses; everything else as the default experiment."""


def _curve(lengths: np.ndarray, d: int) -> np.ndarray:
    return np.array([float(autoregression.relative_error(d, T)) for T in lengths])


def sander2024_errors_vs_length(load):
    """Relative estimation and prediction errors of one-step GD at eta*(T) against T (both laws, Monte Carlo), the
    trained layer (trained at one T, so its step is fixed), the curve (d-1)/(T+d-1), and the least-squares oracle."""
    r = load(autoregression.experiment, AUTOREGRESSION_CONFIG, autoregression.Result)
    d = AUTOREGRESSION_CONFIG.d
    fig, ax = plt.subplots()
    grid = np.geomspace(r.lengths.min(), r.lengths.max(), 100)
    ax.loglog(grid, _curve(grid, d), "k-", linewidth=1, label="(d−1)/(T+d−1)")
    markers = {"unitary": "o", "rotation": "s"}
    for a, law in enumerate(autoregression.LAWS):
        est = r.mean[a, :, 2]
        ax.errorbar(r.lengths, est, yerr=5 * r.stderr[a, :, 2], fmt=markers[law], markersize=4, capsize=2,
                    label=f"{law}: E|η*G − W|²/|W|² (MC ±5 se)", fillstyle="none")
        norm = d if law == "unitary" else d / 2
        ax.plot(r.lengths, r.mean[a, :, 0] / norm, markers[law], markersize=2,
                label=f"{law}: prediction error / E|s|²")
    ax.errorbar(r.test_lengths, r.trained_estimation, yerr=5 * r.trained_estimation_se, fmt="^", color="C3",
                markersize=4, capsize=2,
                label=f"trained layer (T={AUTOREGRESSION_CONFIG.train_length}): |J − W|²/|W|²")
    learned = np.array([float(autoregression.estimation_error(d, T, r.step)) for T in grid])
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
    config = autoregression.Config()
    r = load(autoregression.experiment, config, autoregression.Result)
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
                 f"{float(autoregression.optimal_step['unitary'](config.d, config.train_length)):.4f}", fontsize=8)
    fig.tight_layout()
    return fig


def sander2024_training_curve(load):
    """Training loss per step (fresh batches) against the one-step minimum d(d-1)/(T+d-1)."""
    config = autoregression.Config()
    r = load(autoregression.experiment, config, autoregression.Result)
    fig, ax = plt.subplots()
    window = 20
    smooth = np.convolve(r.train_loss, np.ones(window) / window, mode="valid")
    ax.semilogy(r.train_loss, color="0.7", linewidth=0.5, label="batch loss")
    ax.semilogy(np.arange(window - 1, r.train_loss.size), smooth, "C0", label=f"moving mean ({window})")
    ax.axhline(float(autoregression.minimal_loss["unitary"](config.d, config.train_length)), color="k",
               linestyle="--", linewidth=1, label="d(d−1)/(T+d−1)")
    ax.set_xlabel("Adam step")
    ax.set_ylabel(r"$E|\hat s_{T+1} - s_{T+1}|^2$")
    ax.set_title(f"Training the augmented linear layer, d = {config.d}, T = {config.train_length}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------------------
# The softmax transformer.
# ---------------------------------------------------------------------------------------------------------------

SOFTMAX_CONFIG = softmax.Config(steps=6000, test_samples=4096, jacobian_samples=512)
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
    r = load(softmax.experiment, SOFTMAX_CONFIG, softmax.Result)
    c, t, z = SOFTMAX_CONFIG, r.positions, SOFTMAX_CONFIG.z
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    model = f"softmax transformer ({c.layers} layers, {c.heads} heads, width {c.width})"
    _mean_band(left, t, r.model_error, z, color="C3", marker="o", markersize=3, label=model)
    _mean_band(left, t, r.gd_error, z, color="C0", marker="s", markersize=3, label="one GD step at η*(t)")
    _mean_band(left, t, r.trivial_error, z, color="0.5", linestyle="--", label=r"$\hat s = s_t$")
    left.plot(t, np.maximum(r.oracle_error.mean(axis=0), 1e-30), "k^-", markersize=3,
              label="least squares in context")
    left.axhline(1.0, color="0.5", linestyle=":", linewidth=1, label=r"$\hat s = 0$")
    exact = r.oracle_error[:, c.d - 1 :].mean()
    left.text(c.d + 0.3, 8e-3, f"least squares,\nt ≥ {c.d}: {exact:.0e}", fontsize=6)  # above the legend
    left.axvline(c.d, color="0.8", linewidth=1)
    left.set_yscale("log")
    left.set_ylim(1e-4, 3)
    left.set_xlabel(r"position $t$ (context $s_0, \ldots, s_t$)")
    left.set_ylabel(r"$E|\hat s_{t+1} - s_{t+1}|^2$")
    left.set_title(f"Prediction, W Haar on O({c.d}), ±{z:g} se")
    left.legend(fontsize=6, loc="lower right")
    _mean_band(right, t, r.model_jacobian_error, z, color="C3", marker="o", markersize=3, label="transformer")
    _mean_band(right, t, r.gd_jacobian_error, z, color="C0", marker="s", markersize=3, label="one GD step")
    right.plot(t, r.oracle_jacobian_error.mean(axis=0), "k^-", markersize=3, label="least squares")
    right.set_yscale("log")
    right.set_xlabel("position t")
    right.set_ylabel(r"$\|J_t - W\|_F^2 / \|W\|_F^2$")
    right.set_title(rf"$J_t = \partial\hat s_{{t+1}}/\partial s_t$ against $W$ "
                    f"({r.model_jacobian_error.shape[0]} sequences)")
    right.legend(fontsize=6, loc="lower left")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------------------
# The non-augmented layer: positional heads.
# ---------------------------------------------------------------------------------------------------------------

FLOOR_CONFIG = positional_heads.Config(runs=tuple(("unitary", H) for H in range(1, 11))
                                       + tuple(("orthogonal", H) for H in range(5, 11)))
"""Every head count: unitary H = 1..d, orthogonal H = d/2..d (everything else as the default experiment)."""


def _panel(ax, fig, matrix, title, mask=None):
    shown = np.ma.masked_array(matrix, mask=mask) if mask is not None else matrix
    limit = np.max(np.abs(matrix)) or 1.0
    image = ax.imshow(shown, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)


def sander2024_positional_minima(load):
    """A, B (heads x d), C = B^T A and P of the minimised closed-form loss: unitary law with H = d heads (C = cI,
    P's current-token weights 1/c) and orthogonal law with H = 8 < d (C = c blockdiag(11^T), previous : current
    = -1/2). Like the paper's Figure 3; P is drawn as rows m = 1..T-1, columns j = 0..T-1, entries j > m blank."""
    config = positional_heads.Config()
    r = load(positional_heads.experiment, config, positional_heads.Result)
    picks = [i for i, (law, heads) in enumerate(zip(r.laws, r.heads))
             if (str(law), int(heads)) in {("unitary", config.d), ("orthogonal", 8)}]
    fig, axes = plt.subplots(len(picks), 4, figsize=(8.0, 2.3 * len(picks)), squeeze=False)
    T = config.T
    outside = ~np.asarray(positional_heads.row_layout(T)[0])
    for row, i in zip(axes, picks):
        heads = int(r.heads[i])
        _panel(row[0], fig, r.A[i][:heads], f"A ({heads} heads × d)")
        _panel(row[1], fig, r.B[i][:heads], "B")
        C = r.B[i].T @ r.A[i]
        c = positional_heads.learned_scale(str(r.laws[i]), C, heads)
        _panel(row[2], fig, C, f"C = BᵀA, c = {c:.3f}")
        current, previous, _ = positional_heads.positional_weights(r.P[i])
        _panel(row[3], fig, r.P[i], f"P: c·p(m,m) = {np.median(c * current):.4f}\n"
                                    f"p(m,m−1)/p(m,m) = {np.median(previous / current):.4f}", mask=outside)
        row[0].set_ylabel(f"{r.laws[i]}\nloss {r.final_loss[i]:.1e}", fontsize=8)
    fig.suptitle(f"Global minima of the non-augmented layer, d = {config.d}, T = {T} "
                 f"(best of {config.restarts} starts)", fontsize=9)
    fig.tight_layout()
    return fig


def sander2024_positional_floor(load):
    """Minimised loss against the number of heads H (best of the restarts, and every restart), with the floors of
    the statement: (T-1)(d-H) for the unitary law, 0 for the orthogonal law from H = d/2."""
    r = load(positional_heads.experiment, FLOOR_CONFIG, positional_heads.Result)
    config = FLOOR_CONFIG
    fig, ax = plt.subplots()
    for law, marker, color in (("unitary", "o", "C0"), ("orthogonal", "s", "C1")):
        idx = [i for i, name in enumerate(r.laws) if str(name) == law]
        heads = r.heads[idx]
        for i, H in zip(idx, heads):
            ax.plot(np.full(r.restart_loss.shape[1], H), np.maximum(r.restart_loss[i], 1e-14), ".", color=color,
                    alpha=0.3, markersize=3)
        ax.plot(heads, np.maximum(r.final_loss[idx], 1e-14), marker, color=color, fillstyle="none",
                label=f"{law}: best of {config.restarts} starts")
        ax.plot(heads, np.maximum(r.floor[idx], 1e-14), "-", color=color, linewidth=1,
                label="(T−1)(d−H)" if law == "unitary" else "0 (shown at 1e−14)")
    ax.set_yscale("log")
    ax.set_xlabel("heads H")
    ax.set_ylabel(r"minimised loss $\sum_m E|\hat s_{m+1} - s_{m+1}|^2$")
    ax.set_title(f"Loss floors of the non-augmented layer, d = {config.d}, T = {config.T}\n"
                 f"(dots: each of {config.restarts} starts)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {autoregression.ID: (sander2024_errors_vs_length, sander2024_learned_weights, sander2024_training_curve,
                               sander2024_softmax_errors_vs_length, sander2024_positional_minima,
                               sander2024_positional_floor)}
