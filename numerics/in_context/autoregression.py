r"""Experiments of ``sander2024``: one gradient step in context, by Monte Carlo and by training a linear transformer.

**The result** (:mod:`theorems.in_context.autoregression`). For $s_{t+1} = W s_t$ with $W$ drawn afresh per
sequence, one causal linear attention layer on augmented tokens computes exactly one gradient step in context,
$\hat s_{T+1} = \eta G s_T$, $G = \sum_{t=1}^{T} s_t s_{t-1}^*$. Under the unitary law ($W = \operatorname{diag}
(e^{i\theta_j})$, unit-modulus $s_0$)

$$\mathcal L(\eta) = \mathbb E\|\eta G s_T - s_{T+1}\|^2 = d\big[(\eta T-1)^2 + \eta^2(d-1)T\big], \qquad
\eta^\star = \frac{1}{T+d-1}, \qquad \mathcal L(\eta^\star) = \frac{d(d-1)}{T+d-1},$$

the relative estimation error is $\mathbb E\|\eta^\star G - W\|_F^2/\|W\|_F^2 = (d-1)/(T+d-1)$, and
$\mathcal L(r\eta^\star)/\mathcal L(\eta^\star) - 1 = T(r-1)^2/(d-1)$; the rotation-block law (real, $d$ even) has
$\eta^\star = 2/(T+d-1)$, half the loss, the same relative errors and the same excess.

**Monte Carlo of the one-step constants** (:mod:`numerics.in_context.one_step_monte_carlo`). For each length $T$ of
``lengths`` and each law, ``samples`` sequences give, at $\eta^\star(d, T)$, the means of the loss, of its derivative
in $\eta$ (exactly $0$: what pins $\eta^\star$, the loss being flat there), of the estimation error, and of the loss
excess at the step error $\delta_T = \sqrt{\rho(d-1)/T}$ that the loss allowance $\rho$ = ``loss_allowance`` permits
(mean $\rho\,\mathcal L(\eta^\star)$: a two-sided check of the curvature that the trained layer's tolerance comes
from). Each is checked within ``z`` standard errors of its closed form (:mod:`numerics.in_context.one_step`). The
per-sequence values are heavy-tailed (excess kurtosis measured up to ~60 for the unitary loss and 200-1200 for the
rotation-block loss at seeds 0-2, stored in the result: a block with $\theta_b$ near $0$ or $\pi$ adds up
coherently), so the Gaussian false-alarm rate of $z = 5$, $5.7\times10^{-7}$ a check, is only approximate. The
result stores, per statistic, the skewness $\gamma$ and the Berry–Esseen term
$\beta = 0.56\,\mathbb E|X-\mu|^3/(\sigma^3\sqrt N)$. Rigorously, a check's false-alarm probability is at most
$5.7\times10^{-7} + 2\beta$ (measured $\beta \le 0.07$ at $N = 2^{15}$: a loose worst case, at most ~14%); the
one-term Edgeworth correction, $2\varphi(z)(z^2-1)|\gamma|/(6\sqrt N)$, is ~$1.5\times10^{-6}$ at the largest
measured skewness (~22), so the realistic rate is ~$2\times10^{-6}$ a check, ~$7\times10^{-5}$ for the 32 Monte
Carlo checks. (The loss excess, a derivative-sized statistic, measured skewness $\le 7.4$, excess kurtosis $\le 117$
and $\beta \le 0.024$ at seeds 0-2, inside those ranges.)

**Training** (:mod:`numerics.in_context.layer_training`). A one-layer causal linear attention layer on augmented
tokens $e_t = (s_t, s_{t-1}) \in \mathbb C^{2d}$ (the paper's leading zero block carries nothing into the
prediction and is dropped) predicts

$$\hat s_{T+1} = \sum_{t=1}^{T} (V e_t)\,(e_t^{*} M e_T), \qquad V \in \mathbb C^{d\times 2d},\;
M \in \mathbb C^{2d\times 2d},$$

all blocks free (:mod:`numerics.in_context.linear_layer`). It is trained with Adam (optax) on fresh unitary
sequences at every step, with the complex gradient conjugated before optax (``jax.grad`` of a real loss in complex
parameters returns $\partial_x L - i\,\partial_y L$, the conjugate of the ascent direction) and a small
initialisation. The whole loop is one ``lax.scan``; a NaN or a loss above ``diverge_factor`` times the first raises
:class:`TrainingDiverged` naming the step and the value.

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
  $\eta^\star(T_{\text{train}})(1 \pm \sqrt{\rho(d-1)/T_{\text{train}}})$
  (:meth:`numerics.in_context.one_step.StepLaw.estimation_range`): the theorem's step and the step error its loss
  allowance permits, not $\hat\eta$, which is read from the same Jacobians and would make the check circular;
* the next-token error of the least-squares-in-context oracle $\hat W = G (\sum_t s_{t-1}s_{t-1}^*)^{-1}$ is stored
  beside it (exact once $T \ge d$: the transformer's one step is far from the oracle).

**Measured** (seed 0, all blocks of V and M free, 300 Adam steps of 256 fresh sequences, 3-6 s with compilation on
this shared 2-core CPU): the layer learns the block structure of the one-step identity, $V \approx 0.151\,[D, 0]$,
$M \approx 0.229\,[[0, 0], [D^*, 0]]$ with $D$ a diagonal unitary gauge, entries off that structure below 0.003
(V) and 0.012 (M); $0.151 \times 0.229 = 0.0345 = \eta^\star = 1/29$ (the diagonal read-out gives
$\hat\eta/\eta^\star = 0.998$); the held-out loss is $1.006 \pm 0.005$ times that of exact one-step GD; the
least-squares oracle's error is $10^{-11}$ at $T = 20$ against $3.1$ for the layer.

**Wrong neighbours** (:data:`NEIGHBOURS`; SymPy forms in :mod:`theorems.in_context.wrong_statements`), each judged
by the same checks with its own closed forms (:func:`judged`): $T+1$ pairs counted in $G$ ($\eta^\star = 1/(T+d)$,
$3.4\%$ off at $T = 20$, inside the trained step's tolerance of $9.5\%$: rejected by the Monte Carlo of
$\mathcal L'$ and of $\mathcal L$); the rotation-block law given the complex law's constants (rejected by the
rotation Monte Carlo); and, looser, a loss $100$ times flatter at its minimum, which widens the trained step's
interval tenfold (rejected by the two-sided Monte Carlo of the loss excess).

Everything runs in float64 (:func:`experiment` and :func:`train` switch JAX's x64 mode on for their call).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import numpy as np

from numerics.in_context.baselines import oracle_losses
from numerics.in_context.layer_training import evaluate, train, train_program
from numerics.in_context.one_step import (LAWS, STATISTICS, THEOREM, StepLaw, context_matrix, estimation_error,
                                          minimal_loss, optimal_step, relative_error, step_laws)
from numerics.in_context.one_step_monte_carlo import monte_carlo, summarise
from numerics.neighbours import Neighbour
from numerics.prng import fast_key
from numerics.precision import uses_float64
from numerics.resources import COMPLEX128, array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive, require_z
from theorems.core import Check, numeric
from theorems.in_context import autoregression as statement
from theorems.in_context import wrong_statements as wrong

__all__ = ["ID", "LAWS", "STATISTICS", "Config", "Result", "experiment", "checks", "judged", "NEIGHBOURS", "train",
           "context_matrix", "estimation_error", "minimal_loss", "optimal_step", "relative_error"]

ID = statement.ID


@dataclass(frozen=True)
class Config:
    """Sizes of the Monte Carlo and of the training run (defaults keep ``mathai verify sander2024`` under 20 s);
    ``loss_allowance`` $\\rho$: the trained layer's loss allowance, which sets its step tolerance and the step error
    $\\delta_T$ of the Monte Carlo loss excess."""

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
        and the statistics (samples, len(lengths), 4), float64, held twice (per law and stacked). Training: the
        uniforms and angles (12 d^2 + 2 steps batch d), float64, and a step's sequences (batch, train_length + 2,
        d), complex. Evaluation: sequences (test_samples, T_max + 2, d) and W (test_samples, d, d), complex, and per
        test length J (test_samples, d, d), complex, and four statistics per sequence."""
        d, n_len = self.d, len(self.lengths)
        monte_carlo = 2 * (array_bytes(self.chunk, max(self.lengths) + 2 + d + n_len * d, d, itemsize=COMPLEX128)
                           + 2 * array_bytes(self.samples, n_len, len(STATISTICS)))
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
    """Monte Carlo arrays are indexed [law, length, statistic] with :data:`STATISTICS` (loss, derivative,
    estimation, loss excess): ``mean``, ``stderr``, ``skewness``, ``kurtosis`` (excess), ``berry_esseen``; measured
    at the statement's eta*(d, T) and, for the loss excess, at the step error delta_T that ``loss_allowance`` permits.

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


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """The Monte Carlo of the one-step constants, then training and the gauge-free readout."""
    k_mc, k_train, k_test = jax.random.split(fast_key(key), 3)
    lengths = tuple(config.lengths)
    deltas = np.array([[THEOREM[law].step_error(config.d, T, config.loss_allowance) for T in lengths]
                       for law in LAWS])
    steps = np.array([np.asarray(optimal_step[law](config.d, np.array(lengths, np.float64))) for law in LAWS])
    per_sample = np.asarray(monte_carlo(k_mc, steps, deltas, config.d, lengths, config.samples, config.chunk))
    mean, stderr, skewness, kurtosis, berry_esseen = summarise(per_sample)

    params, losses = train(config, k_train)
    test_lengths = tuple(config.test_lengths)
    evaluated, sequences = evaluate(params, k_test, config.d, test_lengths, config.test_samples, config.train_length)
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
                  train_loss=losses, test_lengths=np.array(test_lengths),
                  trained_loss=trained_loss, gd_loss=gd_loss, paired_se=paired_se, trained_estimation=est,
                  trained_estimation_se=est_se, oracle_loss=oracle, step=float(step), step_se=float(step_se),
                  jacobian=jacobian, target=target, V=np.asarray(params["V"]), M=np.asarray(params["M"]))


def judged(result: Result, config: Config, claim: dict[str, StepLaw] = THEOREM) -> list[Check]:
    """The checks of a claim (``{law: StepLaw}``: the theorem's, or a wrong neighbour's) on ``result``: Monte Carlo
    means within z standard errors of what the claim predicts at the steps the experiment measures them at (the
    theorem's eta*(d, T) and step error delta_T, recomputed here from its loss, never read from the result); the
    trained layer against the claim's optimal step, its step tolerance and its estimation error."""
    z, d, T0, rho = config.z, config.d, config.train_length, config.loss_allowance
    out = []
    names = {"loss": "E|eta* G s_T - s_(T+1)|^2", "dloss/deta": "E dL/deta at eta*",
             "estimation error": "E|eta* G - W|_F^2/|W|_F^2",
             "loss excess": "E[l(eta*(1+delta)) - l(eta*)], delta = sqrt(rho(d-1)/T)"}
    for a, law in enumerate(LAWS):
        for b, T in enumerate(result.lengths):
            step, delta = THEOREM[law].optimal_step(d, int(T)), THEOREM[law].step_error(d, int(T), rho)
            predicted = claim[law].predictions(d, int(T), step, delta)
            for c, stat in enumerate(STATISTICS):
                mu, se, th = result.mean[a, b, c], result.stderr[a, b, c], predicted[c]
                out.append(numeric(ID, f"{law}, d={d}, T={T}: {names[stat]} = {th:.5g} (MC, +-{z:g} se)",
                                   mu, "in", (th - z * se, th + z * se)))
    i0 = int(np.flatnonzero(result.test_lengths == T0)[0])
    star = claim["unitary"].optimal_step(d, T0)
    tolerance = claim["unitary"].step_error(d, T0, rho)
    out.append(numeric(ID, f"trained: step from diag(J) / eta*(T={T0}) = {star:.5g} within sqrt(rho(d-1)/T) = "
                           f"{tolerance:.3f} (rho = {rho:g}) + {z:g} se",
                       result.step / star, "in",
                       (1 - tolerance - z * result.step_se / star, 1 + tolerance + z * result.step_se / star)))
    ratio, se = result.trained_loss[i0] / result.gd_loss[i0], result.paired_se[i0]
    out.append(numeric(ID, f"trained: loss / one-step-GD loss at T={T0} (paired) in [1, 1+rho] +- {z:g} se",
                       ratio, "in", (1 - z * se, 1 + rho + z * se)))
    for i, T in enumerate(result.test_lengths):
        lo, hi = claim["unitary"].estimation_range(d, int(T), star, tolerance)
        se = result.trained_estimation_se[i]
        out.append(numeric(ID, f"trained: |J - W|_F^2/|W|_F^2 at T={T} vs (eta T-1)^2+eta^2(d-1)T over eta in "
                               f"eta*(T={T0}) (1 +- {tolerance:.3f}), within rho + {z:g} se",
                           result.trained_estimation[i], "in", (lo * (1 - rho) - z * se, hi * (1 + rho) + z * se)))
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """The theorem's checks (:func:`judged` with its closed forms): Monte Carlo means within z standard errors of
    the closed forms; the trained layer against one-step GD."""
    return judged(result, config)


NEIGHBOURS = (
    Neighbour("context-off-by-one",
              "T+1 pairs in G: eta* = 1/(T+d), minimal loss d(d-1)/(T+d), relative error (d-1)/(T+d) (a step 3.4% "
              "off at d=10, T=20, inside the trained step's tolerance)",
              lambda result, config: judged(result, config, step_laws(wrong.context_off_by_one))),
    Neighbour("rotation-as-complex",
              "rotation blocks have the complex law's constants: eta* = 1/(T+d-1), minimal loss d(d-1)/(T+d-1)",
              lambda result, config: judged(result, config, step_laws(wrong.rotation_as_complex))),
    Neighbour("flatter-loss",
              "the loss is 100 times flatter at eta*: a loss allowance rho permits a step error "
              "10 sqrt(rho(d-1)/T), a ten times wider interval for the trained step",
              lambda result, config: judged(result, config, step_laws(wrong.flatter_loss)), looser=True),
)
"""Wrong neighbours of the augmented part (see the module docstring)."""
