"""Figures: Barron's L2 error against p with its bound; the slide's 1-D fits; sigmoid against polynomial activations."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.universal_approximation import barron, cybenko, polynomial_activation, staircase

BARRON_CONFIG = barron.Config(units=(1, 3, 10, 30, 100, 300, 1000, 3000, 10000), draws=200)  # 29 s on 2 cores
CURVES_CONFIG = staircase.CurvesConfig(target="sin", units=(6, 30, 100))
STEP_CURVES_CONFIG = staircase.CurvesConfig(target="smooth_step", units=(6, 30, 100))
POLYNOMIAL_CONFIG = polynomial_activation.Config(units=(2, 3, 4, 6, 10, 30, 100, 300), per_cell=16)


def barron_error_vs_units(load):
    """RMS L2(mu) error of the constructed networks against p, one panel per dimension, with Barron's bounds."""
    result = load(barron.experiment, BARRON_CONFIG, barron.Result)
    dims = result.dims
    fig, axes = plt.subplots(1, len(dims), figsize=(2.4 * len(dims), 2.8), sharey=False)
    p = result.units.astype(float)
    styles = {"cosine": ("o", "C0"), "step": ("s", "C1"), "sigmoid": ("^", "C2")}
    for i, ax in enumerate(np.atleast_1d(axes)):
        for kind, name in enumerate(barron.KINDS):
            marker, colour = styles[name]
            ax.loglog(p, np.sqrt(result.mean_mse[i, kind]), marker, color=colour, markersize=3, label=name)
        ax.loglog(p, np.sqrt(result.bound[i, 1]), "-", color="C1", linewidth=1, label=r"$2 r C_f/\sqrt{p}$")
        ax.loglog(p, np.sqrt(result.bound[i, 0]), "--", color="C0", linewidth=1, label=r"$r C_f/\sqrt{p}$")
        ax.loglog(p, np.sqrt(result.expected[i, 1]), ":", color="k", linewidth=1, label="exact E (step)")
        ax.set_title(rf"$d = {dims[i]}$, $C_f = {result.norm[i]:.2f}$")
        ax.set_xlabel("units p")
    np.atleast_1d(axes)[0].set_ylabel(r"RMS $\|f - f(0) - f_p\|_{L^2(\mu)}$")
    np.atleast_1d(axes)[-1].legend(fontsize=6)
    fig.suptitle("Barron's construction, Gaussian exp(−|x|²/(2·0.5²)) on the unit ball, μ = 32 points", fontsize=9)
    fig.tight_layout()
    return fig


def _curves(load, config, title):
    result = load(staircase.staircase_curves, config, staircase.CurvesResult)
    fig, axes = plt.subplots(1, len(config.units), figsize=(2.4 * len(config.units), 2.4), sharey=True)
    for ax, p, fit in zip(np.atleast_1d(axes), config.units, result.fits):
        ax.plot(result.x, result.target, color="0.6", linewidth=2, label="f")
        ax.plot(result.x, fit, color="C3", linewidth=1, label=r"$f_p$")
        ax.set_title(f"p = {p} neurons")
        ax.set_xlabel("x")
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def cybenko_staircase_fits(load):
    """The slide's picture: sin(2πx) and its staircase networks of 6, 30, 100 steep sigmoids (κ = 10 p)."""
    return _curves(load, CURVES_CONFIG, r"Two-layer perceptron $f_p = f(0) + \sum_k \Delta_k \sigma(\kappa(x - \xi_k))$, $\kappa = 10p$")


def cybenko_smooth_step_fits(load):
    """A step smoothed at scale 1e-2 and its staircase networks of 6, 30, 100 sigmoids."""
    return _curves(load, STEP_CURVES_CONFIG, "Step smoothed at scale 0.01: staircase networks")


def sigmoid_vs_polynomial_activation(load):
    """Sup error against p: sigmoid staircase falls like 1/p; σ(t) = t^4 networks stall at E_4(f) (certified)."""
    result = load(polynomial_activation.experiment, POLYNOMIAL_CONFIG, polynomial_activation.Result)
    fig, ax = plt.subplots()
    p = result.units
    ax.loglog(p, result.sigmoid_sup, "o-", markersize=3, label="sigmoid staircase (κ = 10p)")
    ax.loglog(p, result.polynomial_sup, "s-", markersize=3, label="σ(t) = t⁴, least-squares output weights")
    ax.axhspan(float(result.lower), float(result.upper), color="k", alpha=0.3)
    ax.axhline(float(result.lower), color="k", linewidth=1, label=rf"$E_4(f) \geq {float(result.lower):.4f}$ (certified)")
    ax.set_xlabel("units p")
    ax.set_ylabel(r"$\sup_{[0,1]} |f - f_p|$ (grid)")
    ax.set_title(r"$f = |x - 1/2|$: polynomial activations stall at $E_4(f)$")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {
    cybenko.ID: (cybenko_staircase_fits, cybenko_smooth_step_fits, sigmoid_vs_polynomial_activation),
    barron.ID: (barron_error_vs_units,),
}
