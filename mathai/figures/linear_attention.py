"""Figures: operation counts of softmax-style (quadratic) against linear attention; random-feature error against
the number of features; singular-value spectra of softmax attention matrices."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from numerics.linear_attention import katharopoulos, linformer, performer, scaling
from theorems.linear_attention import katharopoulos as statement

CONFIG = katharopoulos.Config()
PERFORMER = performer.Config()
LINFORMER = linformer.Config()
LABELS = {"quadratic": "quadratic (phi(Q) phi(K)^T) V", "linear": "linear phi(Q)(phi(K)^T V)",
          "causal_scan": "causal, RNN scan", "causal_chunked": "causal, chunked (64)"}


def linear_attention_ops_vs_n(load):
    """Counted operations of each form against n (m = d = 64), log-log, with the SymPy crossover n*."""
    result = load(katharopoulos.experiment, CONFIG, katharopoulos.Result)
    fig, ax = plt.subplots()
    for f_idx, name in enumerate(scaling.SCALED_FORMS):
        style = "s--" if name == "linear" else "o-"  # the linear and RNN counts nearly coincide
        ax.loglog(result.sizes, result.ops[f_idx], style, markersize=3, label=LABELS[name])
    star = float(statement.crossover().subs({statement.m: CONFIG.width, statement.d: CONFIG.width}))
    ax.axvline(star, color="k", linestyle="--", linewidth=1, label=f"crossover n* = {star:.1f} (SymPy)")
    ax.set_xlabel("sequence length n")
    ax.set_ylabel("scalar operations (jaxpr count)")
    ax.set_title(f"Attention cost, m = d = {CONFIG.width}: O(n^2) against O(n)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def performer_error_vs_features(load):
    """Relative MSE of the positive random-feature estimator against m (markers), closed form (lines); right:
    whole Performer attention against exact softmax attention."""
    result = load(performer.experiment, PERFORMER, performer.Result)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 3.2))
    for p_idx, r in enumerate(result.norms_sq):
        line, = left.loglog(result.features, result.mse_closed[p_idx], "-", linewidth=1)
        left.errorbar(result.features, result.mse[p_idx], yerr=PERFORMER.z * result.mse_se[p_idx], fmt="o",
                      color=line.get_color(), markersize=3, label=f"|x+y|^2 = {r:g}")
        left.loglog(result.features, result.mse_orthogonal[p_idx], "x", color=line.get_color(), markersize=4)
    left.set_xlabel("features m")
    left.set_ylabel("relative MSE")
    left.set_title("o i.i.d., x orthogonal, line (e^{|x+y|^2}-1)/m", fontsize=8)
    left.legend(fontsize=7)
    right.loglog(result.attention_features, result.attention_error, "o-", markersize=3, label="measured")
    ref = result.attention_error[0] * np.sqrt(result.attention_features[0] / result.attention_features)
    right.loglog(result.attention_features, ref, "k--", linewidth=1, label="m^(-1/2)")
    right.set_xlabel("features m")
    right.set_ylabel(r"$\|$Performer $-$ softmax$\|_F$ / $\|$softmax$\|_F$")
    right.set_title(f"whole attention, n = {PERFORMER.attention_n}, d = {PERFORMER.dim}", fontsize=8)
    right.legend(fontsize=7)
    fig.tight_layout()
    return fig


def attention_singular_values(load):
    """Normalised singular values of softmax(QK^T/(T sqrt d)) for random Q, K, by temperature T; right: the
    90%-energy rank against n."""
    result = load(linformer.experiment, LINFORMER, linformer.Result)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 3.2))
    last = len(result.spectrum_lengths) - 1
    n_ = int(result.spectrum_lengths[last])
    for t_idx, temp in enumerate(result.temperatures):
        sv = result.singular_values[last, t_idx, :n_]
        left.semilogy(np.arange(1, n_ + 1), sv / sv[0], label=f"T = {temp:g}")
    left.set_xlabel("index")
    left.set_ylabel(r"$s_i / s_1$")
    left.set_title(f"spectrum of P, n = {n_}, d = {LINFORMER.dim}", fontsize=8)
    left.legend(fontsize=7)
    for t_idx, temp in enumerate(result.temperatures):
        right.loglog(result.spectrum_lengths, np.maximum(result.rank90[:, t_idx], 1), "o-", markersize=3,
                     label=f"T = {temp:g}")
    right.loglog(result.spectrum_lengths, result.spectrum_lengths, "k--", linewidth=1, label="n")
    right.set_xlabel("n")
    right.set_ylabel(r"rank for 90% of $\|P\|_F^2$")
    right.set_title("random Q, K: no low rank at T <= 1", fontsize=8)
    right.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {
    katharopoulos.ID: (linear_attention_ops_vs_n,),
    performer.ID: (performer_error_vs_features,),
    linformer.ID: (attention_singular_values,),
}
