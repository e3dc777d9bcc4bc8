"""The operations of the gradient programs of :mod:`numerics.reverse_mode.network`, counted and compiled.

:func:`count_programs` traces each program with ``jax.ShapeDtypeStruct`` arguments in float64 (nothing is
allocated, so $d = 10^6$ costs no memory) and counts its scalar operations with :mod:`numerics.opcount`;
:func:`xla_programs` asks XLA's compiled cost and memory analysis about the loss and ``jax.grad`` (compile only, no
execution). Both switch float64 on for their own call only (:func:`numerics.precision.uses_float64`).
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp

from numerics.opcount import OpCount, count_ops, xla_cost
from numerics.precision import uses_float64
from numerics.reverse_mode.network import (difference_quotient, forward_differences, forward_mode, loss,
                                           loss_of_params, num_params, shifted_loss, slide_gradient)


def _specs(widths, batch):
    f64 = jnp.float64
    return (jax.ShapeDtypeStruct((num_params(widths),), f64), jax.ShapeDtypeStruct((widths[0], batch), f64),
            jax.ShapeDtypeStruct((widths[-1], batch), f64))


def _param_specs(widths):
    return [(jax.ShapeDtypeStruct((n_out, n_in), jnp.float64), jax.ShapeDtypeStruct((n_out, 1), jnp.float64))
            for n_in, n_out in zip(widths[:-1], widths[1:])]


@uses_float64
def count_programs(widths, activation: str, batch: int, all_programs: bool = True) -> dict[str, OpCount]:
    """Operation counts of the loss, jax.grad, the slide's sweep, and (all_programs) FD and forward mode.

    With ``all_programs``, also the pieces forward differences are built from: ``fd_base`` (E on the flat theta),
    ``fd_shifted`` (one evaluation after one shift, for a scalar index) and ``fd_quotient`` (one difference
    quotient), so that the cost of ``fd`` can be derived from the program: fd_base + d (fd_shifted + fd_quotient).
    """
    theta, Z, Y = _specs(widths, batch)
    params = _param_specs(widths)
    static = dict(widths=tuple(widths), activation=activation)
    E = partial(loss_of_params, activation=activation)
    out = {
        "forward": count_ops(E, params, Z, Y),
        "grad": count_ops(jax.grad(E), params, Z, Y),
        "slide": count_ops(partial(slide_gradient, activation=activation), params, Z, Y),
    }
    if all_programs:
        d = theta.shape[0]
        basis = jax.ShapeDtypeStruct((d, d), jnp.float64)
        index, scalar = jax.ShapeDtypeStruct((), jnp.int64), jax.ShapeDtypeStruct((), jnp.float64)
        out["fd"] = count_ops(partial(forward_differences, **static), theta, Z, Y)
        out["fd_base"] = count_ops(partial(loss, **static), theta, Z, Y)
        out["fd_shifted"] = count_ops(partial(shifted_loss, **static), theta, index, Z, Y)
        out["fd_quotient"] = count_ops(difference_quotient, scalar, scalar)
        out["fwd"] = count_ops(lambda t, e, z, y: forward_mode(t, e, z, y, **static), theta, basis, Z, Y)
    return out


@uses_float64
def xla_programs(widths, activation: str, batch: int) -> tuple[dict, dict]:
    """XLA's cost and memory analysis of the loss and of jax.grad (compiled, never run)."""
    _, Z, Y = _specs(widths, batch)
    params = _param_specs(widths)
    E = partial(loss_of_params, activation=activation)
    return xla_cost(E, params, Z, Y), xla_cost(jax.grad(E), params, Z, Y)
