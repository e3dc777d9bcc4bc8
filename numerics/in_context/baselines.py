r"""Predictors in context that a trained model is measured against: least squares (the oracle) and one gradient step.

Given the context $s_0, \dots, s_T$ of a sequence $s_{t+1} = W s_t$:

* **least squares in context** (the oracle): $\hat W = G_T \operatorname{Gram}_T^+$ with $G_T = \sum_{t=1}^{T}
  s_t s_{t-1}^*$ and $\operatorname{Gram}_T = \sum_{t<T} s_t s_t^*$, the minimum-norm least-squares fit of $W$ to
  the context's pairs, predicting $\hat W s_T$ (:func:`oracle_losses`). It is exact once the context spans the
  space ($T \ge d$ almost surely for the laws of :mod:`numerics.in_context.sequences`), up to rounding of order
  $\operatorname{cond}(\operatorname{Gram}_T)\,u$ (:func:`gram_conditions`); the pseudo-inverse drops directions
  below the relative cutoff :data:`ORACLE_RCOND`;
* **one gradient step** $\eta G_t s_t$ at its optimal step $\eta^\star(t) = \mathbb E\langle G_t s_t,
  s_{t+1}\rangle/\mathbb E|G_t s_t|^2$, estimated on sequences (:func:`optimal_steps`; the real law of the softmax
  experiment has no closed form here, unlike the laws of :mod:`theorems.in_context.autoregression`).

For both, the Jacobian of the prediction with respect to the last token $s_t$ (which is also the target of the
context's last pair) is known exactly: :func:`least_squares_jacobian_errors`, :func:`one_step_jacobian_errors`.
NumPy (LAPACK) throughout, outside the jitted programs, in float64.
"""

from __future__ import annotations

import numpy as np

ORACLE_RCOND = 1e-10
"""The relative cutoff of the pseudo-inverse in :func:`oracle_losses` and :func:`least_squares_jacobian_errors`."""


def oracle_losses(s: np.ndarray, length: int) -> np.ndarray:
    """|W_LS s_T - s_{T+1}|^2 per sequence, W_LS = G (sum_t s_{t-1} s_{t-1}^*)^+ the minimum-norm least-squares fit in
    context (exact once the context spans C^d, i.e. T >= d for these laws).

    NumPy (LAPACK) outside the jitted program: a batched complex solve inside it hung intermittently on this CPU.
    """
    G = np.einsum("nti,ntj->nij", s[:, 1 : length + 1], s[:, :length].conj())
    gram = np.einsum("nti,ntj->nij", s[:, :length], s[:, :length].conj())
    fit = G @ np.linalg.pinv(gram, rcond=ORACLE_RCOND, hermitian=True)
    return np.sum(np.abs(np.einsum("nij,nj->ni", fit, s[:, length]) - s[:, length + 1]) ** 2, axis=1)


def context_matrices(s: np.ndarray) -> np.ndarray:
    """G_t = sum_{k=1}^t s_k s_{k-1}^T for t = 1..T (s: (n, T + 1, d)); shape (n, T, d, d)."""
    return np.cumsum(np.einsum("nti,ntj->ntij", s[:, 1:], s[:, :-1]), axis=1)


def one_step_terms(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(<G_t s_t, s_{t+1}>, |G_t s_t|^2) for t = 1..T-1 (s: (n, T + 1, d)); each (n, T - 1)."""
    G = context_matrices(s[:, :-1])
    Gs = np.einsum("ntij,ntj->nti", G, s[:, 1:-1])
    return np.sum(Gs * s[:, 2:], axis=-1), np.sum(Gs**2, axis=-1)


def optimal_steps(s: np.ndarray) -> np.ndarray:
    """eta*(t) = E<G_t s_t, s_{t+1}> / E|G_t s_t|^2 (the minimiser of E|eta G_t s_t - s_{t+1}|^2), t = 1..T-1."""
    inner, norm = one_step_terms(s)
    return inner.mean(axis=0) / norm.mean(axis=0)


def one_step_errors(s: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """|eta G_t s_t - s_{t+1}|^2 = eta^2 |G_t s_t|^2 - 2 eta <G_t s_t, s_{t+1}> + 1 per sequence and t = 1..T-1."""
    G = context_matrices(s[:, :-1])
    Gs = np.einsum("ntij,ntj->nti", G, s[:, 1:-1])
    return np.sum((steps[None, :, None] * Gs - s[:, 2:]) ** 2, axis=-1)


def one_step_jacobian_errors(s: np.ndarray, W: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """|J - W|_F^2/|W|_F^2 for J = d(eta G_t s_t)/d s_t = eta (G_t + (s_{t-1}.s_t) I), t = 1..T-1."""
    d = s.shape[-1]
    G = context_matrices(s[:, :-1])  # t = 1..T-1
    c = np.sum(s[:, :-2] * s[:, 1:-1], axis=-1)  # s_{t-1}.s_t
    J = steps[None, :, None, None] * (G + c[..., None, None] * np.eye(d))
    return np.sum((J - W[:, None]) ** 2, axis=(-2, -1)) / d


def least_squares_jacobian_errors(s: np.ndarray, W: np.ndarray) -> np.ndarray:
    """|J - W|_F^2/|W|_F^2 for the least-squares predictor G_t Gram_t^+ s_t, Gram_t = sum_{k<t} s_k s_k^T:
    J = G_t Gram_t^+ + (s_{t-1}^T Gram_t^+ s_t) I (s_t enters G_t as the last target), t = 1..T-1."""
    d = s.shape[-1]
    G = context_matrices(s[:, :-1])
    gram = np.cumsum(np.einsum("nti,ntj->ntij", s[:, :-2], s[:, :-2]), axis=1)
    pinv = np.linalg.pinv(gram, rcond=ORACLE_RCOND, hermitian=True)
    c = np.einsum("nti,ntij,ntj->nt", s[:, :-2], pinv, s[:, 1:-1])
    J = G @ pinv + c[..., None, None] * np.eye(d)
    return np.sum((J - W[:, None]) ** 2, axis=(-2, -1)) / d


def gram_conditions(s: np.ndarray) -> np.ndarray:
    """cond_2(sum_{k<t} s_k s_k^T) for t = 1..T-1 (s: (n, T + 1, d)); inf where the Gram matrix is singular."""
    gram = np.cumsum(np.einsum("nti,ntj->ntij", s[:, :-2], s[:, :-2]), axis=1)
    values = np.linalg.eigvalsh(gram)
    with np.errstate(divide="ignore"):
        return np.where(values[..., 0] > 0, values[..., -1] / np.maximum(values[..., 0], 0), np.inf)
