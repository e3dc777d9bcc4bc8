"""Benchmarks: Barron's constructed network against a trained one, and the staircase against polynomial activations.

* ``constructed_vs_trained``: at d = 5 on the Gaussian of :mod:`numerics.universal_approximation.barron`, the
  seconds to draw p step units of Barron's proof and measure their L2(mu) error, against the seconds of Adam
  (optax) training of a sigmoid network of the same size; and the two mean squared errors, side by side (ratios
  trained/constructed). Both run in float64, as the experiments do.
  The construction needs the target's spectrum, training needs only samples: the comparison is of cost and
  accuracy, not of what each assumes.
* ``staircase_vs_polynomial``: sup error of the sigmoid staircase and of the best-fitting sigma = t^4 network at
  the same p, as a ratio (the polynomial one is stuck at E_4(f)).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from mathai.bench import Row, timeit
from numerics.precision import uses_float64
from numerics.universal_approximation import barron, cybenko, polynomial_activation, sampler, targets, training

BARRON, CYBENKO = barron.ID, cybenko.ID


@uses_float64
def constructed_vs_trained(quick: bool) -> list[Row]:
    """Seconds and mean squared error: Barron's sampled step units vs Adam-trained sigmoid units, same p."""
    d, width, radius = 5, 0.5, 1.0
    sizes = (10, 100) if quick else (10, 100, 1000)
    steps = 500 if quick else 2000
    target = targets.centred_gaussian(d, width)
    arrays = targets.as_arrays(target, d)
    key = jax.random.key(0)
    x_train, x_test = (np.asarray(v) for v in training.training_points(key, d, radius, 512, 2048))
    y_train, y_test = target(x_train), target(x_test)
    rows = []
    for p in sizes:
        def construct(k):
            return sampler.network_errors(k, d, arrays, target.barron_norm_bound(), radius, 4.0, units=(p,),
                                          draws=20, points=512, d_max=d, chunk=20)[0]

        t_construct = timeit(construct, key, repeats=3)
        constructed_mse = float(np.mean(np.asarray(construct(key))[1]))

        def train(k):
            return training.train(k, jnp.asarray(x_train), jnp.asarray(y_train), 1e-2, activation="sigmoid",
                                  units=p, steps=steps)

        t_train = timeit(train, key, repeats=1)
        params, _ = train(key)
        predicted = np.asarray(training.predict(params, x_test, activation="sigmoid"))
        trained_mse = float(np.mean((predicted - y_test) ** 2))
        case = f"d={d}, p={p}"
        rows.append(Row(BARRON, "constructed_vs_trained", f"{case}: 20 constructed networks (step units)",
                        t_construct.median, "s"))
        rows.append(Row(BARRON, "constructed_vs_trained", f"{case}: Adam, {steps} steps, 512 points", t_train.median,
                        "s", ratio=t_train.median / t_construct.median, ratio_of="train / construct (20 networks)"))
        rows.append(Row(BARRON, "constructed_vs_trained", f"{case}: MSE constructed (mean of 20)", constructed_mse,
                        "mse"))
        rows.append(Row(BARRON, "constructed_vs_trained", f"{case}: test MSE trained", trained_mse, "mse",
                        ratio=trained_mse / constructed_mse, ratio_of="trained / constructed",
                        note="bound (2 r C_f)^2/p = %.3g" % float(barron.step_mse_bound(
                            radius, target.barron_norm_bound(), float(p)))))
    return rows


def staircase_vs_polynomial(quick: bool) -> list[Row]:
    """Sup error of the sigmoid staircase and of the sigma = t^4 network at each p, and their ratio."""
    config = polynomial_activation.Config(units=(6, 30, 100) if quick else (6, 30, 100, 300, 1000), per_cell=8)
    result = polynomial_activation.experiment(config, jax.random.key(0))
    rows = []
    for b, p in enumerate(result.units):
        rows.append(Row(CYBENKO, "staircase_vs_polynomial", f"|x - 1/2|, p={p}: sigmoid staircase sup error",
                        float(result.sigmoid_sup[b]), "sup"))
        rows.append(Row(CYBENKO, "staircase_vs_polynomial", f"|x - 1/2|, p={p}: t^4 network sup error",
                        float(result.polynomial_sup[b]), "sup", ratio=float(result.polynomial_sup[b]
                                                                           / result.sigmoid_sup[b]),
                        ratio_of="t^4 / sigmoid", note=f"E_4 >= {float(result.lower):.5f} (certified)"))
    return rows


BENCHMARKS = {BARRON: (constructed_vs_trained,), CYBENKO: (staircase_vs_polynomial,)}
