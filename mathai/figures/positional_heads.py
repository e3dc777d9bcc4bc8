"""Figures for the non-augmented layer of sander2024: the learned heads and positional matrix, and the loss floors."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics import positional_heads as num

FLOOR_CONFIG = num.Config(runs=tuple(("unitary", H) for H in range(1, 11)) + tuple(("orthogonal", H)
                                                                                  for H in range(5, 11)))
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
    config = num.Config()
    r = load(num.experiment, config, num.Result)
    picks = [i for i, (law, heads) in enumerate(zip(r.laws, r.heads))
             if (str(law), int(heads)) in {("unitary", config.d), ("orthogonal", 8)}]
    fig, axes = plt.subplots(len(picks), 4, figsize=(8.0, 2.3 * len(picks)), squeeze=False)
    T = config.T
    outside = ~np.asarray(num.row_layout(T)[0])
    for row, i in zip(axes, picks):
        heads = int(r.heads[i])
        _panel(row[0], fig, r.A[i][:heads], f"A ({heads} heads × d)")
        _panel(row[1], fig, r.B[i][:heads], "B")
        C = r.B[i].T @ r.A[i]
        c = num.learned_scale(str(r.laws[i]), C, heads)
        _panel(row[2], fig, C, f"C = BᵀA, c = {c:.3f}")
        current, previous, _ = num.positional_weights(r.P[i])
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
    r = load(num.experiment, FLOOR_CONFIG, num.Result)
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
    ax.set_ylabel("minimised loss Σ_m E|ŝ_{m+1} − s_{m+1}|²")
    ax.set_title(f"Loss floors of the non-augmented layer, d = {config.d}, T = {config.T}\n"
                 f"(dots: each of {config.restarts} starts)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {"sander2024": (sander2024_positional_minima, sander2024_positional_floor)}
