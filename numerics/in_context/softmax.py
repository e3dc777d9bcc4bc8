r"""Experiment: a causal softmax transformer trained on $s_{t+1} = W s_t$ with random orthogonal $W$.

Sander, Giryes, Suzuki, Blondel, Peyré, "How do Transformers perform In-Context Autoregressive Learning?", ICML 2024
(arXiv 2402.05787), train, beside the linear layers whose optimum :mod:`theorems.in_context.autoregression` derives,
ordinary softmax transformers on sequences of general orthogonal matrices. This module does the same at a size that
trains in seconds on a CPU and reports, against the position $t$ (the context $s_0, \dots, s_t$), how well the
trained model predicts $s_{t+1}$ and how well its prediction map estimates $W$.

**Data.** $W$ Haar-distributed on $O(d)$ (QR of a Gaussian matrix, the columns' signs fixed by $\operatorname{sign}
\operatorname{diag} R$, which makes $Q$ exactly Haar), $s_0$ uniform on the unit sphere $S^{d-1}$, $s_{t+1} = W s_t$
for $t = 0, \dots, T_{\max}$. Every $|s_t| = 1$, so the mean squared error $\mathbb E|\hat s_{t+1} - s_{t+1}|^2$ is
already relative to $\mathbb E|s_{t+1}|^2 = 1$. $s_0$ is random because a fixed start is something the weights can
learn instead of reading it from the context (for the linear layer of the same paper a fixed start let training go
3% below the in-context optimum). Fresh $(W, s_0)$ at every training step. $d = 5$; $T_{\max} = 20$. What this
shares with the authors' ``non_augmented.py`` (repository ``michaelsdr/ical``) is $d = 5$ (its default ``dim_in``)
and Haar-orthogonal $W$ (``scipy.stats.ortho_group``), nothing else: there $s_0 = \mathbf 1/\sqrt d$ is fixed, the
sequences run 50 steps, the training set is a fixed $2^{14}$ sequences, and the one layer is not a softmax
transformer but 64 heads whose weights are a softmax over the positional embeddings times the unnormalised token
scores $q^\top k/\sqrt D$.

**Model** (:mod:`numerics.in_context.softmax_transformer`; pure JAX, parameters a dict pytree). Tokens are the
states themselves (not augmented): $x_t = E s_t + p_t \in \mathbb R^D$, $E \in \mathbb R^{D\times d}$, $p_t$ a
learned positional embedding, $t = 0, \dots, T_{\max}$. Then ``layers`` pre-norm blocks $x \leftarrow x +
\mathrm{Attn}(\mathrm{RMS}(x))$, $x \leftarrow x + \mathrm{MLP}(\mathrm{RMS}(x))$ with causal softmax attention of
``heads`` heads ($U^{Q}_h, U^{K}_h, U^{V}_h \in \mathbb R^{D/H \times D}$, output $U^O \in \mathbb R^{D\times D}$)
and a GELU MLP of width ``mlp_width``; a final RMS norm and a linear readout $R \in \mathbb R^{d \times D}$ give
$\hat s_{t+1}$ at every position. The loss is $\frac1{T_{\max}}\sum_{t=1}^{T_{\max}} |\hat s_{t+1} - s_{t+1}|^2$,
averaged over the batch (position $0$ is left out: from $s_0$ alone nothing about $W$ is known). Adam (optax) with a
cosine schedule; the loop is one ``lax.scan``; a NaN or diverging loss raises
:class:`numerics.training.TrainingDiverged` naming the step and the value.

**Reported against $t = 1, \dots, T_{\max}$** on held-out sequences (float64 data; the model runs in float32):

* the prediction error $\mathbb E|\hat s_{t+1} - s_{t+1}|^2$ of the trained model; of the least-squares-in-context
  oracle $\hat W_t = G_t (\sum_{k<t} s_k s_k^\top)^+$, $G_t = \sum_{k=1}^t s_k s_{k-1}^\top$
  (:func:`numerics.in_context.baselines.oracle_losses`; exact once the Krylov vectors $s_0, \dots, s_{t-1}$
  span $\mathbb R^d$, i.e. $t \ge d$ almost surely; below that its error is $|(I - P_t) s_t|^2$); of one gradient
  step $\eta G_t s_t$ at its optimal step for this law, $\eta^\star(t) = \mathbb E\langle G_t s_t,
  s_{t+1}\rangle/\mathbb E|G_t s_t|^2$ (no closed form is derived here for Haar $O(d)$: estimated on independent
  sequences; $\eta^\star(1) = 1$ exactly, since $G_1 s_1 = (s_0^\top s_1) s_1$ and $s_1^\top s_2 = s_0^\top s_1$);
  of the trivial predictor $\hat s_{t+1} = s_t$ ($\mathbb E = 2 - 2\,\mathbb E\operatorname{tr}W/d = 2$); and,
  for scale, the zero predictor has error exactly $1$.
* the in-context estimate of $W$: the Jacobian $J_t = \partial \hat s_{t+1}/\partial s_t$ of the prediction at
  position $t$ with respect to the last token, the earlier tokens $s_0, \dots, s_{t-1}$ held fixed (causality makes
  the later ones irrelevant), and its error $\|J_t - W\|_F^2/\|W\|_F^2$. It is gauge-free (input and output are
  states, not hidden coordinates). The same readout is applied to the oracle and to one-step GD, exactly:
  $J^{\mathrm{LS}}_t = \hat W_t + (s_{t-1}^\top \mathrm{Gram}_t^+ s_t)\,I$ and $J^{\mathrm{GD}}_t = \eta (G_t +
  (s_{t-1}^\top s_t) I)$, since $s_t$ is also the target of the context's last pair, so even the exact oracle's
  $J_t$ is not $W$ (it is $W + c_t I$ with $c_t = O(d/t)$). *Limitation:* the perturbation of $s_t$ leaves the
  training distribution ($s_t \ne W s_{t-1}$ afterwards). A model that predicted perfectly through
  $s_{t+1} = W^2 s_{t-1}$ would have $J_t = 0$; so a small $J$-error says the model applies an estimate of $W$ to
  its last token, while a large one does not by itself mean bad prediction. The prediction error is the primary
  measure.

**Checks** (:func:`checks`): the least-squares oracle is exact from $t = d$ on up to rounding, per sequence,
$\sqrt{\text{error}} \le t\,d\,\mathrm{cond}(\mathrm{Gram}_t)\,u$ (a first-order bound for a backward-stable
solve on data consistent with $W$ up to rounding; pairs with $\mathrm{cond} \ge 10^{10}$, where ``oracle_losses``'
pseudo-inverse drops a direction, are left out and counted); and, with paired
differences on the same held-out sequences at $z = 5$ (Gaussian false-alarm rate $5.7\times 10^{-7}$ a check;
the per-sequence errors are light-tailed, every predictor's output being $O(1)$), the trained model's error at
$t = T_{\max}$ is below that of $\hat s = s_t$, of one GD step at $\eta^\star$ and of $\hat s = 0$, its error
and its Jacobian error decrease from $t = 1$ to $T_{\max}$. Nothing claims that it matches least squares: it does
not (below).

**Measured** (default config: 2 layers, 2 heads, width 20, MLP 40, 2000 Adam steps of 16 fresh sequences,
learning rate $5\times10^{-3}$, float32; 16 s for ``experiment`` with import and compilation on this shared 2-core
CPU at load ~4). Seed 0, 2048 held-out sequences, $t = 1, 5, 10, 20$: transformer $0.85, 0.26, 0.12, 0.095$;
one GD step $0.81, 0.42, 0.31, 0.25$; least squares $0.81, 10^{-23}, \dots$ (exact from $t = 5$); $\hat s = s_t$:
$2.0$. The transformer beats one GD step from $t = 2$ on and stays $\sim 0.1$ above least squares. Jacobian
error $\|J_t - W\|_F^2/\|W\|_F^2$ at $t = 1, 10, 20$: transformer $1.05, 0.53, 0.50$; one GD step $1.04, 0.49,
0.44$; least squares $1.04, 0.045, 0.006$: the transformer's response to its last token is no closer to $W$ than
one GD step's, although its predictions are much better (the limitation above). Over seeds 0-11 the error at
$t = 20$ ranged $0.06$-$0.15$ against $0.24$-$0.26$ for one GD step; the smallest check margin was 3.8 times the
5-standard-error threshold (seed 3, transformer vs one GD step).

**Wrong neighbours** (:data:`NEIGHBOURS`): the two stronger claims a reader of the linear-layer result might carry
over, that the trained transformer *is* least squares in context (the slide's "estimates B") or *is* one gradient
step; each predicts a paired difference of zero at $t = T_{\max}$, which the same held-out sequences reject.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from numerics.in_context.baselines import (ORACLE_RCOND, gram_conditions, least_squares_jacobian_errors,
                                           one_step_errors, one_step_jacobian_errors, optimal_steps, oracle_losses)
from numerics.in_context.sequences import orthogonal_sequences, sequences_from_gaussian
from numerics.in_context.softmax_transformer import (batch_loss, init_params, jacobian_errors, parameter_count,
                                                     position_errors)
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.training import check_training, descend
from numerics.resources import FLOAT32, array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive, require_z
from theorems.core import Check, numeric
from theorems.in_context.autoregression import ID


@dataclass(frozen=True)
class Config:
    """Sizes of the data, the model and the training run (defaults: ``verify`` in ~16 s on 2 CPU cores, compile
    included)."""

    d: int = 5
    max_length: int = 20
    width: int = 20
    heads: int = 2
    layers: int = 2
    mlp_width: int = 40
    steps: int = 2000
    batch: int = 16
    learning_rate: float = 5e-3
    init_scale: float = 1.0
    test_samples: int = 2048
    jacobian_samples: int = 128
    step_samples: int = 2**14
    z: float = 5.0
    diverge_factor: float = 1e3

    def __post_init__(self):
        require_fields(self)
        if self.d < 2:
            raise ValueError(f"d must be an integer >= 2, got {self.d!r}")
        if self.max_length < self.d + 1:
            raise ValueError(f"max_length must be >= d + 1 = {self.d + 1} (the oracle is exact from t = d on), "
                             f"got {self.max_length!r}")
        if self.heads < 1 or self.width < 1 or self.width % self.heads:
            raise ValueError(f"width ({self.width!r}) must be a positive multiple of heads ({self.heads!r})")
        if not 2 <= self.jacobian_samples <= self.test_samples:
            raise ValueError(f"jacobian_samples must be in [2, test_samples = {self.test_samples!r}], "
                             f"got {self.jacobian_samples!r}")
        require_counts(self, "layers", "mlp_width", "steps", "batch", "test_samples", "step_samples")
        require_positive(self, "learning_rate", "init_scale", "diverge_factor")
        require_z(self)
        require_memory(self, ("d", "max_length", "width", "heads", "layers", "mlp_width", "steps", "batch",
                              "test_samples", "jacobian_samples", "step_samples"))

    def peak_bytes(self) -> int:
        """Estimated peak, summed over the two programs. Training (float32): the normals (P + steps batch
        (d^2 + d)) and the sequences (steps, batch, T_max + 2, d), the parameters P held four times (weights,
        gradient, Adam's moments), a step's activations (batch, T_max + 1, width + mlp_width) and attention scores
        (batch, heads, T_max + 1, T_max + 1) per layer, kept for the backward pass. Evaluation (float64): sequences
        (test_samples + step_samples, T_max + 2, d) and W (..., d, d), the activations of the test sequences, and the
        Jacobians (jacobian_samples, T_max, d, d)."""
        d, T, D, L = self.d, self.max_length, self.width, self.layers
        P = (d * D + (T + 1) * D + D * d + 4 * L * D * D + 2 * L * D * self.mlp_width)
        per_sequence = L * ((T + 1) * (D + self.mlp_width) + self.heads * (T + 1) ** 2)
        training = array_bytes(4 * P + self.steps * self.batch * (d * d + d + (T + 2) * d)
                               + self.batch * per_sequence, itemsize=FLOAT32)
        n = self.test_samples + self.step_samples
        evaluation = array_bytes(n * ((T + 2) * d + d * d) + self.test_samples * per_sequence
                                 + self.jacobian_samples * T * d * d)
        return training + evaluation

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: d = 3, T_max = 6, width 8, MLP 16, 3000 steps; fewer held-out sequences. Every check
        held at seeds 0-5, the smallest margin 1.45 times its threshold (the Jacobian error's decrease)."""
        return cls(d=3, max_length=6, width=8, mlp_width=16, steps=3000, learning_rate=1e-2, test_samples=1024,
                   jacobian_samples=512, step_samples=2**12)


@dataclass(frozen=True)
class Result:
    """Per held-out sequence and position t = 1..T_max (arrays (test_samples, T_max)), and the training curve.

    ``*_error``: |ŝ_{t+1} - s_{t+1}|^2; ``*_jacobian_error``: |J_t - W|_F^2 / |W|_F^2 (first ``jacobian_samples``
    sequences); ``gram_condition``: cond_2 of Gram_t = sum_{k<t} s_k s_k^T (inf where singular); ``gd_step``:
    eta*(t), t = 1..T_max; ``train_loss``: per Adam step.
    """

    positions: np.ndarray
    model_error: np.ndarray
    oracle_error: np.ndarray
    gd_error: np.ndarray
    trivial_error: np.ndarray
    model_jacobian_error: np.ndarray
    oracle_jacobian_error: np.ndarray
    gd_jacobian_error: np.ndarray
    gram_condition: np.ndarray
    gd_step: np.ndarray
    train_loss: np.ndarray


@partial(jax.jit, static_argnames=("shapes",))
def _train(key: jax.Array, shapes: Config, learning_rate: float, init_scale: float):
    """Adam (cosine schedule) on fresh sequences each step; returns the final parameters and the loss per step.

    ``shapes``: the configuration with its floats normalised (:func:`train`), so that a new learning rate or
    initial scale does not recompile. One float32 normal draw gives the initial weights and every training
    sequence (steps x batch x (d^2 + d) numbers, drawn up front and scanned over: one QR call and one random call
    compile faster than one per step).
    """
    P, d, T = parameter_count(shapes), shapes.d, shapes.max_length
    z = jax.random.normal(key, (P + shapes.steps * shapes.batch * (d * d + d),), jnp.float32)
    params = init_params(z[:P], shapes)
    params = jax.tree.map(lambda w: w * init_scale.astype(w.dtype) if w.ndim == 2 else w, params)
    s, _ = sequences_from_gaussian(z[P:].reshape(shapes.steps * shapes.batch, d * d + d), d, T + 1)
    s = s.reshape(shapes.steps, shapes.batch, T + 2, d)
    optimiser = optax.adam(optax.cosine_decay_schedule(learning_rate, shapes.steps, alpha=1e-2))
    return descend(lambda p, batch: batch_loss(p, batch, shapes.heads), params, optimiser, batches=s)


def shapes_only(config: Config) -> Config:
    """``config`` with the fields that do not change any shape set to their defaults (one compiled program each)."""
    return dataclasses.replace(config, learning_rate=Config.learning_rate, init_scale=Config.init_scale,
                               z=Config.z, diverge_factor=Config.diverge_factor)


@uses_float64
def train(config: Config, key: jax.Array) -> tuple[dict, np.ndarray]:
    """Train; returns (params, losses per step). Raises TrainingDiverged on a NaN or a diverging loss."""
    params, losses = _train(key, shapes_only(config), jnp.float32(config.learning_rate),
                            jnp.float32(config.init_scale))
    losses = np.asarray(losses)
    check_training(losses, config.diverge_factor)
    return params, losses


@partial(jax.jit, static_argnames=("config",))
def _evaluate(params: dict, key: jax.Array, config: Config):
    """Held-out sequences (float64; the first ``test_samples`` for testing, the rest to fit eta*), the model's
    prediction errors on them and its Jacobian errors on the first ``jacobian_samples``. One compiled program."""
    T, n, m = config.max_length, config.test_samples, config.jacobian_samples
    s, W = orthogonal_sequences(key, n + config.step_samples, config.d, T + 1)
    test, W = s[:n], W[:n]
    return (test, W, s[n:], position_errors(params, test, config.heads),
            jacobian_errors(params, test[:m], W[:m], config.heads))


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Train the transformer; evaluate it and the baselines on held-out sequences at every position."""
    k_train, k_test = jax.random.split(fast_key(key))
    params, losses = train(config, k_train)
    s, W, s_step, model_error, model_jacobian_error = (np.asarray(a, np.float64)
                                                       for a in _evaluate(params, k_test, shapes_only(config)))
    steps = optimal_steps(s_step)
    n = config.jacobian_samples
    oracle = np.stack([oracle_losses(s, t) for t in range(1, config.max_length + 1)], axis=1)
    return Result(positions=np.arange(1, config.max_length + 1), model_error=model_error, oracle_error=oracle,
                  gd_error=one_step_errors(s, steps), trivial_error=np.sum((s[:, 1:-1] - s[:, 2:]) ** 2, axis=-1),
                  model_jacobian_error=model_jacobian_error,
                  oracle_jacobian_error=least_squares_jacobian_errors(s[:n], W[:n]),
                  gd_jacobian_error=one_step_jacobian_errors(s[:n], W[:n], steps), gram_condition=gram_conditions(s),
                  gd_step=steps, train_loss=losses)


def paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of a - b over sequences and its standard error (a, b on the same sequences)."""
    diff = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(diff.size))


def oracle_rounding_ratio(result: Result, d: int) -> tuple[float, int]:
    """max sqrt(oracle error) / (t d cond(Gram_t) u) over sequences and t >= d whose Gram_t the pseudo-inverse keeps
    whole (cond < 1/ORACLE_RCOND), and how many (sequence, t) pairs it leaves out.

    First-order rounding bound for a backward-stable least-squares solve on data that is itself consistent with W
    only up to rounding (each s_t is t matrix-vector products): relative error <= c(t, d) cond u, c(t, d) <= t d."""
    u = np.finfo(np.float64).eps / 2
    t = result.positions[None, :]
    keep = (t >= d) & (result.gram_condition < 1 / ORACLE_RCOND)
    ratio = np.sqrt(result.oracle_error) / (t * d * result.gram_condition * u)
    return float(ratio[keep].max()), int(((t >= d) & ~keep).sum())


def checks(result: Result, config: Config) -> list[Check]:
    """Paired z-tests on held-out sequences (false-alarm rate 5.7e-7 a check at z = 5) and the oracle's rounding
    bound; see the module docstring."""
    z, d, T = config.z, config.d, config.max_length
    model, last = result.model_error, -1
    out = []
    ratio, left_out = oracle_rounding_ratio(result, d)
    out.append(numeric(ID, f"least squares in context is exact for t >= d = {d} up to rounding: max sqrt(error) / "
                           f"(t d cond(Gram_t) u) <= 1 ({left_out} pairs with cond >= 1/rcond left out)",
                       ratio, "<=", 1.0))
    for name, baseline in (("trivial predictor s_t", result.trivial_error[:, last]),
                           ("one gradient step at its optimal step", result.gd_error[:, last])):
        gain, se = paired(baseline, model[:, last])
        out.append(numeric(ID, f"softmax transformer: E|ŝ - s|^2 at t = {T} below the {name} "
                               f"(paired difference > {z:g} se)", gain, ">=", z * se))
    gain, se = 1 - float(model[:, last].mean()), float(model[:, last].std(ddof=1) / np.sqrt(model.shape[0]))
    out.append(numeric(ID, f"softmax transformer: E|ŝ - s|^2 at t = {T} below the zero predictor's 1 (> {z:g} se)",
                       gain, ">=", z * se))
    gain, se = paired(model[:, 0], model[:, last])
    out.append(numeric(ID, f"softmax transformer: E|ŝ - s|^2 decreases from t = 1 to t = {T} "
                           f"(paired difference > {z:g} se)", gain, ">=", z * se))
    gain, se = paired(result.model_jacobian_error[:, 0], result.model_jacobian_error[:, last])
    out.append(numeric(ID, f"softmax transformer: |dŝ_(t+1)/ds_t - W|_F^2/|W|_F^2 decreases from t = 1 to t = {T} "
                           f"(paired difference > {z:g} se)", gain, ">=", z * se))
    return out


def matches(result: Result, config: Config, name: str, baseline: np.ndarray) -> Check:
    """What a neighbour claiming that the transformer *is* ``name`` predicts: its error at t = T_max equals the
    baseline's on the same sequences, the paired difference within +-z se (two-sided)."""
    z, T = config.z, config.max_length
    gap, se = paired(result.model_error[:, -1], baseline[:, -1])
    return numeric(ID, f"softmax transformer: E|ŝ - s|^2 at t = {T} equals the {name}'s (paired difference within "
                       f"+-{z:g} se)", gap, "in", (-z * se, z * se))


NEIGHBOURS = (
    Neighbour("transformer-is-least-squares",
              "the trained softmax transformer estimates W in context as least squares does (the slide's "
              "'estimates B'): its next-token error at t = T_max is the oracle's",
              lambda result, config: [*checks(result, config),
                                      matches(result, config, "least-squares oracle", result.oracle_error)]),
    Neighbour("transformer-is-one-gradient-step",
              "the trained softmax transformer computes one gradient step in context, as the linear layer does: its "
              "next-token error at t = T_max is that of one GD step at eta*",
              lambda result, config: [*checks(result, config),
                                      matches(result, config, "one gradient step", result.gd_error)]),
)
"""Stronger claims next to what is checked: the transformer beats one GD step but stays above least squares."""
