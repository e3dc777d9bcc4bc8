r"""Barron, trained (optax): where gradient descent lands against the bound $(2rC_f)^2/p$ (slow; a report).

Sigmoid/tanh/ReLU networks $a_0+\sum_s a_s\sigma(\langle w_s,x\rangle+b_s)$ trained by Adam (optax) on samples of the
centred Gaussian of :mod:`numerics.universal_approximation.barron`; their test MSE is reported against
$(2rC_f)^2/p$ (a report: the theorem says a good network exists, not that Adam finds one). The module has the
contract's names, but it is not a part of ``barron1993``: ``mathai verify`` does not run it (it trains for minutes);
the slow tests and the benchmark do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.training import check_training, descend
from numerics.universal_approximation.barron import step_mse_bound
from numerics.universal_approximation.sampler import ball_points
from numerics.universal_approximation.targets import centred_gaussian
from numerics.validation import require_counts, require_one_of, require_positive
from theorems.core import Check, numeric
from theorems.universal_approximation import barron as statement

ID = statement.ID
ACTIVATIONS = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "relu": jax.nn.relu}


@dataclass(frozen=True)
class Config:
    """Two-layer networks f(0)-free: a_0 + sum_s a_s sigma(<w_s, x> + b_s), trained by Adam (optax) on the squared
    error at ``train_points`` points uniform in B_r; tested on ``test_points`` fresh points (Monte Carlo L2)."""

    dim: int = 5
    width: float = 0.5
    radius: float = 1.0
    units: tuple[int, ...] = (10, 100, 1000)
    activations: tuple[str, ...] = ("sigmoid", "tanh", "relu")
    steps: int = 1500
    learning_rate: float = 1e-2
    train_points: int = 1024
    test_points: int = 4096

    def __post_init__(self):
        require_one_of(self, "activations", ACTIVATIONS)
        if not self.units or min(self.units) < 1:
            raise ValueError(f"units must be integers >= 1, got {self.units!r}")
        require_counts(self, "dim", "steps", "train_points")
        require_positive(self, "width", "radius", "learning_rate")
        if self.test_points < 2:
            raise ValueError(f"test_points must be an integer >= 2 (for a standard error), got {self.test_points!r}")

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: one tanh network of 20 units, 300 steps."""
        return cls(units=(20,), activations=("tanh",), steps=300, train_points=256, test_points=1024)


@dataclass(frozen=True)
class Result:
    """Arrays [activation, size]: train MSE, test MSE with its Monte Carlo standard error, and Barron's bound
    (2 r C_f)^2/p; ``units`` the sizes."""

    units: np.ndarray
    train_mse: np.ndarray
    test_mse: np.ndarray
    test_stderr: np.ndarray
    bound: np.ndarray


def _network(params, x, activation):
    return params["a0"] + activation(x @ params["w"] + params["b"]) @ params["a"]


@partial(jax.jit, static_argnames=("activation",))
def predict(params, x, *, activation):
    """The network with ``params`` (w (d, p), b (p,), a (p,), a0) at points x (M, d), activation by name."""
    return _network(params, x, ACTIVATIONS[activation])


@partial(jax.jit, static_argnames=("d", "radius", "train", "test"))
def training_points(key, d, radius, train, test):
    """Training and test points uniform in B_r, from one draw (one compiled generator)."""
    u = jax.random.uniform(fast_key(key, d), (train + test, d + 1), minval=np.finfo(np.float64).tiny)
    x = ball_points(u, d, d, radius)
    return x[:train], x[train:]


@partial(jax.jit, static_argnames=("activation", "units", "steps"))
def train(key, x, y, learning_rate, *, activation, units, steps):
    """Adam on the mean squared error; returns the parameters and the loss history (for the NaN guard)."""
    import optax

    d = x.shape[1]
    u = jax.random.uniform(fast_key(key, units), (d + 1, units), minval=np.finfo(np.float64).tiny)
    params = {"w": jax.scipy.special.ndtri(u[:d]) * 3.0 / math.sqrt(d), "b": 6.0 * u[d] - 3.0,
              "a": jnp.zeros(units), "a0": jnp.mean(y)}
    return descend(lambda p: jnp.mean((_network(p, x, ACTIVATIONS[activation]) - y) ** 2), params,
                   optax.adam(learning_rate), steps=steps)


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Train each activation at each size on the centred Gaussian; measure train and test MSE against the bound.

    Raises TrainingDiverged (a FloatingPointError) naming the step and the value if the loss becomes NaN or
    infinite."""
    target = centred_gaussian(config.dim, config.width)
    x_train, x_test = training_points(key, config.dim, config.radius, config.train_points, config.test_points)
    x_train, x_test = np.asarray(x_train), np.asarray(x_test)
    y_train, y_test = target(x_train), target(x_test)
    shape = (len(config.activations), len(config.units))
    train_mse, test_mse, stderr = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for i, name in enumerate(config.activations):
        for j, p in enumerate(config.units):
            params, history = train(key, x_train, y_train, config.learning_rate, activation=name, units=p,
                                    steps=config.steps)
            check_training(history, context=f"training {name} with p={p}")
            residual = (np.asarray(predict(params, x_test, activation=name)) - y_test) ** 2
            train_mse[i, j] = float(np.mean((np.asarray(predict(params, x_train, activation=name)) - y_train) ** 2))
            test_mse[i, j], stderr[i, j] = residual.mean(), residual.std(ddof=1) / math.sqrt(residual.size)
    C = target.barron_norm_bound()
    bound = np.asarray(step_mse_bound(config.radius, C, np.array(config.units, dtype=float)))
    return Result(units=np.array(config.units), train_mse=train_mse, test_mse=test_mse, test_stderr=stderr,
                  bound=np.broadcast_to(bound, shape).copy())


def checks(result: Result, config: Config) -> list[Check]:
    """Where training lands: test MSE + 6 standard errors <= (2 r C_f)^2/p for each activation and size.

    Not a consequence of the theorem (which says a good network exists, not that Adam finds it): a report."""
    return [numeric(ID, f"trained {name}, d={config.dim}, p={p}: (test MSE + 6 se) / (2 r C_f)^2/p",
                    (result.test_mse[i, j] + 6 * result.test_stderr[i, j]) / result.bound[i, j], "<=", 1.0)
            for i, name in enumerate(config.activations) for j, p in enumerate(result.units)]
