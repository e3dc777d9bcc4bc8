r"""Monte Carlo of one gradient step in context: per-sequence statistics of $\eta G$ at the theorem's $\eta^\star$.

For each context length $T$ and each law (:data:`numerics.in_context.one_step.LAWS`, sampled by
:mod:`numerics.in_context.sequences`), :func:`monte_carlo` draws sequences and records, at a step $\eta$ (the
experiment passes $\eta^\star(d, T)$ of :mod:`theorems.in_context.autoregression`), the four statistics of
:data:`numerics.in_context.one_step.STATISTICS`:

* the loss $\ell = \|\eta G s_T - s_{T+1}\|^2$ (mean $\mathcal L(\eta^\star)$);
* its derivative $g = 2\,\mathrm{Re}\langle \eta G s_T - s_{T+1}, G s_T\rangle$ (mean $\mathcal L'(\eta^\star) = 0$:
  what pins $\eta^\star$, the loss being flat there);
* the estimation error $\|\eta G - W\|_F^2/\|W\|_F^2$ (mean $(d-1)/(T+d-1)$);
* the loss excess at the step error $\delta$ that a loss allowance $\rho$ permits, $\ell(\eta(1+\delta)) - \ell(\eta) =
  \eta\delta\, g + (\eta\delta)^2\|G s_T\|^2$ (exact algebra, paired on the same sequence; mean
  $\rho\,\mathcal L(\eta^\star)$ when $\delta = \sqrt{\rho(d-1)/T}$): a two-sided check of the loss's curvature at
  its minimum, from which the trained layer's step tolerance is derived.

:func:`summarise` gives each statistic's mean, standard error, skewness, excess kurtosis and Berry–Esseen term.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.in_context.linear_layer import squared_norm
from numerics.in_context.one_step import LAWS, STATISTICS, context_matrix
from numerics.in_context.sequences import SEQUENCES


def statistics_at_lengths(s: jax.Array, W: jax.Array, lengths: tuple[int, ...], steps: jax.Array,
                          deltas: jax.Array) -> jax.Array:
    """:data:`STATISTICS` at every length T of ``lengths`` (steps eta*(T), step errors ``deltas``), shape
    (len(lengths), 4).

    G_T at the increasing ``lengths`` as cumulative sums of the pieces sum_{T_(k-1) < t <= T_k} s_t s_{t-1}^*.
    """
    bounds = (0, *lengths)
    pieces = jnp.stack([context_matrix(s[a:], b - a) for a, b in zip(bounds[:-1], bounds[1:])])
    G = jnp.cumsum(pieces, axis=0)

    def at(GT, T, step, delta):
        Gs = GT @ s[T]
        error = step * Gs - s[T + 1]
        derivative = 2 * jnp.real(jnp.vdot(Gs, error))
        shift = step * delta
        return jnp.stack([squared_norm(error), derivative,
                          squared_norm(step * GT - W, axis=(0, 1)) / squared_norm(W, axis=(0, 1)),
                          shift * derivative + shift**2 * squared_norm(Gs)])

    return jax.vmap(at)(G, jnp.array(lengths), steps, deltas)


@partial(jax.jit, static_argnames=("d", "lengths", "samples", "chunk"))
def monte_carlo(key, steps, deltas, d, lengths, samples, chunk):
    """Per-sequence statistics, shape (law, length, samples, 4), at the ``steps`` and step errors ``deltas``, each
    (law, length): one program, chunks through lax.map."""
    longest = max(lengths)
    out = []
    for a, (law, k_law) in enumerate(zip(LAWS, jax.random.split(key, len(LAWS)))):
        def one_chunk(k, law=law, steps=steps[a], delta=deltas[a]):
            s, W = SEQUENCES[law](k, chunk, d, longest)
            return jax.vmap(lambda x, w: statistics_at_lengths(x, w, lengths, steps, delta))(s, W)

        stats = jax.lax.map(one_chunk, jax.random.split(k_law, samples // chunk))  # (chunks, chunk, length, 4)
        out.append(jnp.moveaxis(stats.reshape(samples, len(lengths), len(STATISTICS)), 0, 1))
    return jnp.stack(out)


def summarise(values: np.ndarray):
    """Mean, standard error, skewness, excess kurtosis and the Berry–Esseen term 0.56 rho/(sigma^3 sqrt N), along
    axis -2."""
    n = values.shape[-2]
    mean = values.mean(axis=-2)
    centred = values - mean[..., None, :]
    var = (centred**2).mean(axis=-2)
    sd = np.sqrt(var)
    kurtosis = (centred**4).mean(axis=-2) / np.where(var > 0, var**2, np.inf) - 3
    skewness = (centred**3).mean(axis=-2) / np.where(sd > 0, sd**3, np.inf)
    rho = np.abs(centred**3).mean(axis=-2)
    berry_esseen = 0.56 * rho / np.where(sd > 0, sd**3, np.inf) / np.sqrt(n)
    return mean, sd / np.sqrt(n), skewness, kurtosis, berry_esseen
