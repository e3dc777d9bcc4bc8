r"""Experiments: one gradient step in context, by Monte Carlo and by training a linear transformer.

**Monte Carlo of the one-step constants.** For each context length $T$ in ``lengths`` and each law (unitary:
complex, $W = \operatorname{diag}(e^{i\theta_j})$, $s_0$ with uniform phases; rotation blocks: real, $d$ even,
unit $2$-blocks of $s_0$ at uniform angles) ``samples`` sequences are drawn and, at the optimal step
$\eta^\star(d, T)$ of :mod:`theorems.in_context.autoregression`, three per-sequence statistics are recorded:

* the loss $\ell = \|\eta^\star G s_T - s_{T+1}\|^2$ (mean $\mathcal L(\eta^\star)$),
* the derivative $g = 2\,\mathrm{Re}\langle \eta^\star G s_T - s_{T+1}, G s_T\rangle$ (mean $\mathcal L'(\eta^\star)$,
  exactly $0$: this is what pins $\eta^\star$, the loss being flat there),
* the estimation error $e = \|\eta^\star G - W\|_F^2/\|W\|_F^2$ (mean $(d-1)/(T+d-1)$).

Each sample mean is checked to lie within ``z`` standard errors of its closed form (lambdified from SymPy). The
per-sequence values are heavy-tailed (excess kurtosis measured up to ~60 for the unitary loss and 200-1200 for the
rotation-block loss at seeds 0-2, stored in the result: a block with $\theta_b$ near $0$ or $\pi$ adds up
coherently), so the Gaussian false-alarm rate of $z = 5$, $5.7\times10^{-7}$ a check, is only approximate. The
result stores, per statistic, the skewness $\gamma$ and the Berry–Esseen term
$\beta = 0.56\,\mathbb E|X-\mu|^3/(\sigma^3\sqrt N)$. Rigorously, a check's false-alarm probability is at most
$5.7\times10^{-7} + 2\beta$ (measured $\beta \le 0.07$ at $N = 2^{15}$: a loose worst case, at most ~14%); the
one-term Edgeworth correction, $2\varphi(z)(z^2-1)|\gamma|/(6\sqrt N)$, is ~$1.5\times10^{-6}$ at the largest
measured skewness (~22), so the realistic rate is ~$2\times10^{-6}$ a check, ~$5\times10^{-5}$ for the 24 Monte
Carlo checks.

**Training.** A one-layer causal linear attention layer on augmented tokens $e_t = (s_t, s_{t-1}) \in
\mathbb C^{2d}$ (the paper's leading zero block carries nothing into the prediction and is dropped) predicts

$$\hat s_{T+1} = \sum_{t=1}^{T} (V e_t)\,(e_t^{*} M e_T), \qquad V \in \mathbb C^{d\times 2d},\;
M \in \mathbb C^{2d\times 2d},$$

all blocks free. It is trained with Adam (optax) on fresh unitary sequences at every step, with the complex
gradient conjugated before optax (``jax.grad`` of a real loss in complex parameters returns
$\partial_x L - i\,\partial_y L$, the conjugate of the ascent direction) and a small initialisation (directions that
the loss does not see keep their initial values). The whole loop is one ``lax.scan``; a NaN or a loss above
``diverge_factor`` times the first raises :class:`TrainingDiverged` naming the step and the value.

The in-context estimate is the Jacobian $J$ of $\hat s_{T+1}$ with respect to the query's copy of $s_T$, the
context held fixed. The trained weights are defined up to a diagonal unitary gauge ($J \mapsto D J D^*$), so only
gauge-free quantities are checked, on held-out sequences and *paired* with exact one-step GD at $\eta^\star$ on the
same sequences (which removes most of the heavy-tailed noise):

* the step read from the diagonal, $\hat\eta = \mathrm{Re}\,\mathrm{tr}(J W^*)/(T d)$ (exactly $\eta$ for
  $J = \eta D G D^*$, since $G_{jj} = T W_{jj}$), against $\eta^\star$, within $\sqrt{\rho (d-1)/T}$, the step error
  that a loss excess $\rho = 2\%$ allows (:data:`theorems.in_context.autoregression.loss_excess`);
* the trained loss over the minimum $d(d-1)/(T+d-1)$ (paired ratio), in $[1 - z\,\mathrm{se}, 1.02 + z\,\mathrm{se}]$;
* the relative estimation error $\|J - W\|_F^2/\|W\|_F^2$ (gauge-free because $W$ is diagonal and $|(DJD^*)_{jk}| =
  |J_{jk}|$) at the training length and at other lengths, against the closed form over the steps
  $\eta^\star(T_{\text{train}})(1 \pm \sqrt{\rho(d-1)/T_{\text{train}}})$ (:func:`estimation_range`): the
  theorem's step and the step error its loss allowance permits, not $\hat\eta$, which is read from the same
  Jacobians and would make the check circular;
* the next-token error of the least-squares-in-context oracle $\hat W = G (\sum_t s_{t-1}s_{t-1}^*)^{-1}$ is stored
  beside it (exact once $T \ge d$: the transformer's one step is far from the oracle).

**Measured** (seed 0, all blocks of V and M free, 300 Adam steps of 256 fresh sequences, 3-6 s with compilation on
this shared 2-core CPU): the layer learns the block structure of the one-step identity, $V \approx 0.151\,[D, 0]$,
$M \approx 0.229\,[[0, 0], [D^*, 0]]$ with $D$ a diagonal unitary gauge, entries off that structure below 0.003
(V) and 0.012 (M); $0.151 \times 0.229 = 0.0345 = \eta^\star = 1/29$ (the diagonal read-out gives
$\hat\eta/\eta^\star = 0.998$); the held-out loss is $1.006 \pm 0.005$ times that of exact one-step GD; the
least-squares oracle's error is $10^{-11}$ at $T = 20$ against $3.1$ for the layer.

The laws are sampled by :mod:`numerics.in_context.sequences`, the layer is :mod:`numerics.in_context.linear_layer`
and the oracle :mod:`numerics.in_context.baselines`. Everything runs in float64 (:func:`experiment` and
:func:`train` switch JAX's x64 mode on for their call).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from numerics.bridge import to_jax
from numerics.in_context.baselines import oracle_losses
from numerics.in_context.linear_layer import (batch_inputs, batch_loss, in_context_estimate, init_params,
                                              predict_next, squared_norm)
from numerics.in_context.sequences import SEQUENCES, unitary_from_angles, unitary_sequences
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.training import check_training, descend
from numerics.resources import COMPLEX128, array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive, require_z
from theorems.core import Check, numeric
from theorems.in_context import autoregression as statement

ID = statement.ID
LAWS = ("unitary", "rotation")


@dataclass(frozen=True)
class Config:
    """Sizes of the Monte Carlo and of the training run (defaults keep ``mathai verify sander2024`` under 20 s)."""

    d: int = 10
    lengths: tuple[int, ...] = (5, 10, 20, 40)
    samples: int = 2**15
    chunk: int = 2**12
    z: float = 5.0
    train_length: int = 20
    steps: int = 300
    batch: int = 256
    learning_rate: float = 1e-2
    init_scale: float = 1e-2
    test_samples: int = 2**13
    test_lengths: tuple[int, ...] = (10, 20, 40)
    loss_allowance: float = 0.02
    diverge_factor: float = 1e3

    def __post_init__(self):
        require_fields(self)
        if self.d < 2 or self.d % 2:
            raise ValueError(f"d must be an even integer >= 2 (rotation blocks pair coordinates), got {self.d!r}")
        if not self.lengths or min(self.lengths) < 1 or list(self.lengths) != sorted(set(self.lengths)):
            raise ValueError(f"lengths must be a non-empty increasing tuple of integers >= 1, got {self.lengths!r}")
        if self.chunk < 2 or self.samples < self.chunk or self.samples % self.chunk:
            raise ValueError(f"samples ({self.samples!r}) must be a positive multiple of chunk ({self.chunk!r}, "
                             f">= 2)")
        if self.train_length < 2:
            raise ValueError(f"train_length must be >= 2, got {self.train_length!r}")
        if not self.test_lengths or min(self.test_lengths) < 2:
            raise ValueError(f"test_lengths must be a non-empty tuple of integers >= 2, got {self.test_lengths!r}")
        if self.train_length not in self.test_lengths:
            raise ValueError(f"test_lengths {self.test_lengths!r} must contain train_length {self.train_length!r}")
        require_z(self)
        require_counts(self, "steps", "batch", "test_samples")
        require_positive(self, "learning_rate", "init_scale", "loss_allowance", "diverge_factor")
        require_memory(self, ("d", "lengths", "samples", "chunk", "steps", "batch", "test_samples", "test_lengths"))

    def peak_bytes(self) -> int:
        """Estimated peak, summed over the three programs. Monte Carlo, per law: a chunk's sequences
        (chunk, T_max + 2, d) and W (chunk, d, d), complex, the cumulative G_T (chunk, len(lengths), d, d), complex,
        and the statistics (samples, len(lengths), 3), float64, held twice (per law and stacked). Training: the
        uniforms and angles (12 d^2 + 2 steps batch d), float64, and a step's sequences (batch, train_length + 2,
        d), complex. Evaluation: sequences (test_samples, T_max + 2, d) and W (test_samples, d, d), complex, and per
        test length J (test_samples, d, d), complex, and four statistics per sequence."""
        d, n_len = self.d, len(self.lengths)
        monte_carlo = 2 * (array_bytes(self.chunk, max(self.lengths) + 2 + d + n_len * d, d, itemsize=COMPLEX128)
                           + 2 * array_bytes(self.samples, n_len, 3))
        training = (2 * array_bytes(12 * d * d + 2 * self.steps * self.batch * d)
                    + array_bytes(self.batch, self.train_length + 2, d, itemsize=COMPLEX128))
        n_test = len(self.test_lengths)
        evaluation = (array_bytes(self.test_samples, max(self.test_lengths) + 2 + d * (1 + n_test), d,
                                  itemsize=COMPLEX128) + array_bytes(self.test_samples, 4 * n_test))
        return monte_carlo + training + evaluation

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: one length for the Monte Carlo and for the readout, fewer sequences."""
        return cls(lengths=(20,), samples=2**13, chunk=2**12, test_samples=2**12, test_lengths=(20,))


@dataclass(frozen=True)
class Result:
    """Monte Carlo arrays are indexed [law, length, statistic] with statistics (loss, derivative, estimation):
    ``mean``, ``stderr``, ``skewness``, ``kurtosis`` (excess), ``berry_esseen``; ``theory`` holds the closed forms.

    Training: ``train_loss`` per step; at each of ``test_lengths``:
    ``trained_loss``, ``gd_loss`` (exact one-step GD at eta*(T_train) on the same sequences), ``paired_se`` (standard
    error of their ratio), ``trained_estimation``, ``trained_estimation_se``, ``oracle_loss`` (least squares in
    context); ``step`` (eta-hat from the Jacobian's diagonal at the training length) and its ``step_se``;
    ``jacobian`` and ``target`` (J and W of one test sequence at the training length); the trained ``V`` and ``M``.
    """

    lengths: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    skewness: np.ndarray
    kurtosis: np.ndarray
    berry_esseen: np.ndarray
    theory: np.ndarray
    train_loss: np.ndarray
    test_lengths: np.ndarray
    trained_loss: np.ndarray
    gd_loss: np.ndarray
    paired_se: np.ndarray
    trained_estimation: np.ndarray
    trained_estimation_se: np.ndarray
    oracle_loss: np.ndarray
    step: float
    step_se: float
    jacobian: np.ndarray
    target: np.ndarray
    V: np.ndarray
    M: np.ndarray


# ---------------------------------------------------------------------------------------------------------------
# Closed forms, lambdified from the SymPy statement.
# ---------------------------------------------------------------------------------------------------------------

_d, _T, _eta = statement.d, statement.T, statement.eta
optimal_step = {"unitary": to_jax([_d, _T], statement.optimal_step),
                "rotation": to_jax([_d, _T], statement.rotation_optimal_step)}
minimal_loss = {"unitary": to_jax([_d, _T], statement.minimal_loss),
                "rotation": to_jax([_d, _T], statement.rotation_minimal_loss)}
relative_error = to_jax([_d, _T], statement.relative_error)
estimation_error = to_jax([_d, _T, _eta], statement.unitary_estimation_error)
step_tolerance = to_jax([_d, _T, statement.step_ratio], statement.loss_excess)


def theory(d: int, length: int, law: str) -> np.ndarray:
    """Closed-form means of (loss, derivative, estimation error) at eta*(d, T) for ``law``."""
    return np.array([float(minimal_loss[law](d, length)), 0.0, float(relative_error(d, length))])


def allowed_step_error(d: int, length: int, allowance: float) -> float:
    """|eta/eta* - 1| at which the loss excess T (r-1)^2/(d-1) reaches ``allowance`` (solved from SymPy's form)."""
    unit = float(step_tolerance(d, length, 2.0))  # excess at r - 1 = 1
    return float(np.sqrt(allowance / unit))


# ---------------------------------------------------------------------------------------------------------------
# Monte Carlo of the one-step constants.
# ---------------------------------------------------------------------------------------------------------------


def context_matrix(s: jax.Array, length: int) -> jax.Array:
    """G = sum_{t=1}^{T} s_t s_{t-1}^* for one sequence s (shape (>= T+1, d))."""
    return jnp.einsum("ti,tj->ij", s[1 : length + 1], jnp.conj(s[:length]))


def statistics_at_lengths(s: jax.Array, W: jax.Array, lengths: tuple[int, ...], steps: jax.Array) -> jax.Array:
    """(loss, dloss/deta, estimation error) at every length T of ``lengths`` (steps eta*(T)), shape (len, 3).

    G_T at the increasing ``lengths`` as cumulative sums of the pieces sum_{T_(k-1) < t <= T_k} s_t s_{t-1}^*.
    """
    bounds = (0, *lengths)
    pieces = jnp.stack([context_matrix(s[a:], b - a) for a, b in zip(bounds[:-1], bounds[1:])])
    G = jnp.cumsum(pieces, axis=0)

    def at(GT, T, step):
        Gs = GT @ s[T]
        error = step * Gs - s[T + 1]
        return jnp.stack([squared_norm(error), 2 * jnp.real(jnp.vdot(Gs, error)),
                          squared_norm(step * GT - W, axis=(0, 1)) / squared_norm(W, axis=(0, 1))])

    return jax.vmap(at)(G, jnp.array(lengths), steps)


@partial(jax.jit, static_argnames=("d", "lengths", "samples", "chunk"))
def _monte_carlo(key, d, lengths, samples, chunk):
    """Per-sequence statistics, shape (law, length, samples, 3): one program, chunks through lax.map."""
    longest = max(lengths)
    out = []
    for law, k_law in zip(LAWS, jax.random.split(key, len(LAWS))):
        steps = optimal_step[law](d, jnp.array(lengths, jnp.float64))

        def one_chunk(k, law=law, steps=steps):
            s, W = SEQUENCES[law](k, chunk, d, longest)
            return jax.vmap(lambda x, w: statistics_at_lengths(x, w, lengths, steps))(s, W)  # (chunk, len, 3)

        stats = jax.lax.map(one_chunk, jax.random.split(k_law, samples // chunk))  # (chunks, chunk, length, 3)
        out.append(jnp.moveaxis(stats.reshape(samples, len(lengths), 3), 0, 1))
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


# ---------------------------------------------------------------------------------------------------------------
# Training the layer, and its gauge-free readout.
# ---------------------------------------------------------------------------------------------------------------


@partial(jax.jit, static_argnames=("d", "length", "steps", "batch"))
def _train(key, d, length, steps, batch, learning_rate, init_scale):
    """Adam on fresh unitary sequences; returns the final parameters and the loss at every step."""
    # one draw for the whole run: initial weights, then (theta, phase) of every training sequence
    uniforms = jax.random.uniform(key, (12 * d * d + steps * 2 * batch * d,), jnp.float64)
    params = init_params(uniforms[: 12 * d * d], d, init_scale)
    angles = 2 * jnp.pi * uniforms[12 * d * d :].reshape(steps, 2, batch, d)
    optimiser = optax.adam(optax.cosine_decay_schedule(learning_rate, steps, alpha=1e-2))

    def loss(params, theta_phase):
        s, _ = unitary_from_angles(theta_phase[0], theta_phase[1], length)
        return batch_loss(params, *batch_inputs(s, length))

    return descend(loss, params, optimiser, batches=angles)


@uses_float64
def train(config: Config, key) -> tuple[dict, np.ndarray]:
    """Train; returns (params, losses per step). Raises TrainingDiverged. Its time is a benchmark's business."""
    params, losses = _train(key, config.d, config.train_length, config.steps, config.batch, config.learning_rate,
                            config.init_scale)
    losses = np.asarray(losses)
    check_training(losses, config.diverge_factor)
    return params, losses


@partial(jax.jit, static_argnames=("d", "lengths", "samples", "train_length"))
def _evaluate(params, key, d, lengths, samples, train_length):
    """Per-sequence trained loss, one-step GD loss (eta*(T_train)), estimation error, oracle loss, diag step."""
    s, W = unitary_sequences(key, samples, d, max(lengths))
    step = optimal_step["unitary"](d, train_length)
    out = []
    for T in lengths:
        def per_sequence(x, w, T=T):
            J = in_context_estimate(params, x, T)
            trained = jnp.sum(jnp.abs(predict_next(params, x, T) - x[T + 1]) ** 2)
            gd = squared_norm(step * context_matrix(x, T) @ x[T] - x[T + 1])
            estimation = jnp.sum(jnp.abs(J - w) ** 2) / d
            diag_step = jnp.real(jnp.trace(J @ jnp.conj(w).T)) / (T * d)
            return jnp.stack([trained, gd, estimation, diag_step]), J

        stats, J = jax.vmap(per_sequence)(s, W)
        out.append((stats, J[0], W[0]))
    return out, s


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """The Monte Carlo of the one-step constants, then training and the gauge-free readout."""
    k_mc, k_train, k_test = jax.random.split(fast_key(key), 3)
    lengths = tuple(config.lengths)
    per_sample = np.asarray(_monte_carlo(k_mc, config.d, lengths, config.samples, config.chunk))
    mean, stderr, skewness, kurtosis, berry_esseen = summarise(per_sample)
    theories = np.array([[theory(config.d, T, law) for T in lengths] for law in LAWS])

    params, losses = train(config, k_train)
    test_lengths = tuple(config.test_lengths)
    evaluated, sequences = _evaluate(params, k_test, config.d, test_lengths, config.test_samples, config.train_length)
    sequences = np.asarray(sequences)
    n = config.test_samples
    trained_loss, gd_loss, paired_se, est, est_se, oracle = (np.zeros(len(test_lengths)) for _ in range(6))
    step = step_se = np.nan
    jacobian = target = None
    for i, (T, (stats, J0, W0)) in enumerate(zip(test_lengths, evaluated)):
        stats = np.asarray(stats)
        trained_loss[i], gd_loss[i] = stats[:, 0].mean(), stats[:, 1].mean()
        # delta method for the ratio of paired means
        ratio = trained_loss[i] / gd_loss[i]
        paired_se[i] = np.std(stats[:, 0] - ratio * stats[:, 1]) / gd_loss[i] / np.sqrt(n)
        est[i], est_se[i] = stats[:, 2].mean(), stats[:, 2].std() / np.sqrt(n)
        oracle[i] = oracle_losses(sequences, T).mean()
        if T == config.train_length:
            step, step_se = stats[:, 3].mean(), stats[:, 3].std() / np.sqrt(n)
            jacobian, target = np.asarray(J0), np.asarray(W0)
    return Result(lengths=np.array(lengths), mean=mean, stderr=stderr, skewness=skewness, kurtosis=kurtosis,
                  berry_esseen=berry_esseen,
                  theory=theories, train_loss=losses, test_lengths=np.array(test_lengths),
                  trained_loss=trained_loss, gd_loss=gd_loss, paired_se=paired_se, trained_estimation=est,
                  trained_estimation_se=est_se, oracle_loss=oracle, step=float(step), step_se=float(step_se),
                  jacobian=jacobian, target=target, V=np.asarray(params["V"]), M=np.asarray(params["M"]))


STATISTICS = ("loss", "dloss/deta", "estimation error")


def checks(result: Result, config: Config) -> list[Check]:
    """Monte Carlo means within z standard errors of the closed forms; the trained layer against one-step GD."""
    z, d, T0 = config.z, config.d, config.train_length
    out = []
    names = {"loss": "E|eta* G s_T - s_(T+1)|^2", "dloss/deta": "E dL/deta at eta*",
             "estimation error": "E|eta* G - W|_F^2/|W|_F^2"}
    for a, law in enumerate(LAWS):
        for b, T in enumerate(result.lengths):
            for c, stat in enumerate(STATISTICS):
                mu, se, th = result.mean[a, b, c], result.stderr[a, b, c], result.theory[a, b, c]
                out.append(numeric(ID, f"{law}, d={d}, T={T}: {names[stat]} = {th:.5g} (MC, +-{z:g} se)",
                                   mu, "in", (th - z * se, th + z * se)))
    i0 = int(np.flatnonzero(result.test_lengths == T0)[0])
    star = float(optimal_step["unitary"](d, T0))
    tolerance = allowed_step_error(d, T0, config.loss_allowance)
    out.append(numeric(ID, f"trained: step from diag(J) / eta*(T={T0}) within sqrt(rho(d-1)/T) = {tolerance:.3f} "
                           f"(rho = {config.loss_allowance:g}) + {z:g} se",
                       result.step / star, "in",
                       (1 - tolerance - z * result.step_se / star, 1 + tolerance + z * result.step_se / star)))
    ratio, se = result.trained_loss[i0] / result.gd_loss[i0], result.paired_se[i0]
    out.append(numeric(ID, f"trained: loss / one-step-GD loss at T={T0} (paired) in [1, 1+rho] +- {z:g} se",
                       ratio, "in", (1 - z * se, 1 + config.loss_allowance + z * se)))
    for i, T in enumerate(result.test_lengths):
        lo, hi = estimation_range(d, int(T), star, tolerance)
        se = result.trained_estimation_se[i]
        out.append(numeric(ID, f"trained: |J - W|_F^2/|W|_F^2 at T={T} vs (eta T-1)^2+eta^2(d-1)T over eta in "
                               f"eta*(T={T0}) (1 +- {tolerance:.3f}), within rho + {z:g} se",
                           result.trained_estimation[i], "in",
                           (lo * (1 - config.loss_allowance) - z * se, hi * (1 + config.loss_allowance) + z * se)))
    return out


def estimation_range(d: int, length: int, star: float, tolerance: float) -> tuple[float, float]:
    """Least and greatest closed-form estimation error E(eta) = (eta T - 1)^2 + eta^2 (d-1) T at length T over the
    steps eta in star (1 +- tolerance): E is a convex quadratic in eta, so the extremes lie at the two ends or at
    its vertex 1/(T + d - 1). The steps are the theorem's (eta*(T_train) and the loss allowance's step error),
    not read from the Jacobians being tested."""
    ends = [star * (1 - tolerance), star * (1 + tolerance)]
    vertex = 1 / (length + d - 1)
    inside = [vertex] if ends[0] <= vertex <= ends[1] else []
    values = [float(estimation_error(d, length, eta)) for eta in ends + inside]
    return min(values), max(values)

