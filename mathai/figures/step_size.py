"""Figures for gd_step_size: loss curves at small, large and best steps, and iterations against the step."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.optimisation import step_size

CONFIG = step_size.Config(tau_L=tuple(float(t) for t in np.round(np.linspace(0.05, 1.98, 40), 3)), curve_steps=150)
"""The default experiment with a 40-step sweep of tau L over (0, 2)."""

SHOWN = (("small step", 0.1), ("large step", 1.9))


def _index(result, tau_L: float) -> int:
    return int(np.argmin(np.abs(result.taus[:-1] * float(result.L) - tau_L)))


def gd_loss_curves(load):
    """The slide's three regimes on least squares with a known spectrum ($\\kappa = 10$): the risk gap
    $\\mathcal E(\\theta_\\ell) - \\mathcal E^\\star$ against $\\ell$ for a small step, a large step near $2/L$, the best
    constant step $\\tau^\\star = 2/(L+\\mu)$ with the theorem's rate $q(\\tau^\\star)^{2\\ell}$, and exact line search
    from the same error."""
    r = load(step_size.experiment, CONFIG, step_size.Result)
    fig, ax = plt.subplots()
    steps = np.arange(r.curves.shape[1])
    start = r.curves[0, 0]
    for name, tau_L in SHOWN:
        k = _index(r, tau_L)
        ax.semilogy(steps, r.curves[k] / start, label=f"{name}, $\\tau L$ = {r.taus[k] * float(r.L):.2f}")
    rate = float(step_size._q_star(r.mu, r.L))
    ax.semilogy(steps, r.curves[-1] / start, label=f"best step $\\tau^\\star L$ = {r.taus[-1] * float(r.L):.3f}")
    ax.semilogy(steps, rate ** (2.0 * steps), "k:", linewidth=1,
                label=f"$q(\\tau^\\star)^{{2\\ell}}$, $q$ = (κ−1)/(κ+1) = {rate:.3f}")
    ax.semilogy(np.arange(r.line_search.size), r.line_search / r.line_search[0], "--", label="exact line search")
    ax.set_ylim(1e-16, 2)
    ax.set_xlabel("iteration ℓ")
    ax.set_ylabel("risk gap / initial gap")
    ax.set_title(f"Gradient descent on least squares, $\\mu$ = {float(r.mu):.3g}, L = {float(r.L):.3g}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def gd_iterations_vs_step(load):
    """Iterations to reach $10^{-8}$ of the initial error against $\\tau L$: measured, and the theorem's bracket
    from $\\|e_\\ell\\| \\le q(\\tau)^\\ell\\|e_0\\|$ and the extreme components of the start; the bisected divergence
    thresholds (least squares and logistic) at $\\tau L = 2$, and the best step $2L/(L+\\mu)$."""
    r = load(step_size.experiment, CONFIG, step_size.Result)
    L = float(r.L)
    lower, upper = step_size.iteration_bounds(r, float(r.mu), L, CONFIG.tolerance)
    order = np.argsort(r.taus)
    tau_L = r.taus[order] * L
    fig, ax = plt.subplots()
    ax.fill_between(tau_L, np.ceil(lower[order]), np.ceil(upper[order]), color="C0", alpha=0.25,
                    label="theorem's bracket")
    ax.semilogy(tau_L, r.iterations[order], "o", markersize=3, color="C0", label="measured")
    ax.axvline(float(r.threshold_ls) * L, color="C3", linewidth=1,
               label=f"bisected threshold × L: {float(r.threshold_ls) * L:.4f} (least squares)")
    ax.axvline(float(r.threshold_logistic) * L / 8, color="C2", linestyle="--", linewidth=1,
               label=f"logistic, × L/8: {float(r.threshold_logistic) * L / 8:.4f}")
    ax.axvline(r.taus[-1] * L, color="k", linestyle=":", linewidth=1, label="best step 2L/(L+μ)")
    ax.set_xlabel("step τ × L")
    ax.set_ylabel("iterations to 1e-8")
    ax.set_title("Convergence for 0 < τ < 2/L, fastest at 2/(L+μ)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {step_size.ID: (gd_loss_curves, gd_iterations_vs_step)}
