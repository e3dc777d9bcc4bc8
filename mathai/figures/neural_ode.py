"""Figures: a ResNet's error against its number of blocks T; Neural ODE and large-step ResNet trajectories for x -> -x."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.architectures import neural_ode, neural_ode_flows

EULER_CONFIG = neural_ode.Config()
FLOWS_CONFIG = neural_ode_flows.Config()


def resnet_error_vs_depth(load):
    """The ResNet with T blocks converges to the Neural ODE at rate 1/T, below the bound (M/(2L))(e^L - 1)/T.

    Errors against the closed-form flow (dots) and against diffrax's Tsit5 solution at tight tolerance (crosses);
    the first-order prediction |E(1)|/T (solid) and the bound (dashed)."""
    result = load(neural_ode.experiment, EULER_CONFIG, neural_ode.Result)
    reference = load(neural_ode.diffrax_reference, EULER_CONFIG, neural_ode.ReferenceResult)
    T = result.depths.astype(float)
    bound = np.array([float(neural_ode._bound(result.curvature, result.lipschitz, t)) for t in T])
    fig, ax = plt.subplots()
    ax.loglog(T, np.linalg.norm(result.error, axis=1), "o", label="ResNet against the closed form")
    ax.loglog(T, reference.error, "x", label="ResNet against diffrax (Tsit5)")
    ax.loglog(T, np.linalg.norm(result.first_order) / T, "-", label=r"first order $\|E(1)\|/T$")
    ax.loglog(T, bound, "--", color="k", label=r"bound $\frac{M}{2L}(e^L-1)/T$")
    ax.set_xlabel("blocks T")
    ax.set_ylabel(r"$\|x_T - x(1)\|$")
    ax.set_title("Euler steps of a Neural ODE: error against depth")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def flows_for_negation(load):
    """Trajectories fitting x -> -x: the Neural ODE's cannot cross and stall near 0; the large-step ResNet's cross.

    Left: the Euler trajectories of the trained Neural ODE (fine steps), whose map is increasing and whose L2 error
    squared stays above the infimum 2/3. Right: the two-block ResNet, whose trajectories cross."""
    result = load(neural_ode_flows.experiment, FLOWS_CONFIG, neural_ode_flows.Result)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), sharey=True)
    pick = np.linspace(0, result.grid.size - 1, 12).astype(int)
    for ax, trajectories, title in ((axes[0], result.ode_trajectories, "Neural ODE (Euler, fine steps)"),
                                    (axes[1], result.resnet_trajectories, "ResNet, 2 large steps")):
        time = np.linspace(0, 1, trajectories.shape[0])
        for j in pick:
            ax.plot(time, trajectories[:, j], color=plt.cm.coolwarm(j / result.grid.size), linewidth=1)
        ax.set_xlabel("t")
        ax.set_title(title, fontsize=9)
    axes[0].set_ylabel("x(t)")
    fig.suptitle(f"fitting x to -x: error squared {float(result.ode_error):.3f} (ODE, infimum "
                 f"{float(result.infimum):.3f}) and {float(result.resnet_error):.1e} (ResNet)", fontsize=9)
    fig.tight_layout()
    return fig


FIGURES = {neural_ode.ID: (resnet_error_vs_depth, flows_for_negation)}
