r"""The product chain $P(x) = x_1 x_2 \cdots x_n$ in JAX, its reverse sweep in the tally's form, and their counts.

A straight-line program of products is a *tape* of index pairs $(i, j)$: step $k$ appends $v_i v_j$ to the values,
which start as the inputs; the last value is the output. :func:`evaluate` runs a tape; :func:`tally_sweep` is its
reverse sweep exactly as the tally of :mod:`theorems.reverse_mode.elementary` counts one (adjoints start at zero, and
every contribution $\bar v\,\partial v/\partial a$ is *added*, $\bar a \leftarrow \bar a + \bar v\, b$), while
``jax.grad`` of :func:`evaluate` is JAX's transposed program (a first contribution is written, not added).
:func:`count_chain` counts the function and both gradients of the product chain with :mod:`numerics.opcount`; the
inputs are separate scalars (slicing one vector would make JAX pad every slice's cotangent to length $n$ and add
them, $O(n^2)$ additions that belong to the slicing). The exact predictions are
:func:`theorems.reverse_mode.chain.product_chain_counts`: $5(n-1) - 1$ and $3(n-1) - 1$.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from numerics.opcount import OpCount, count_ops
from numerics.precision import uses_float64

Tape = tuple[tuple[int, int], ...]


def product_chain(factors: int) -> Tape:
    """The tape of x_1 x_2 ... x_n (n = ``factors`` >= 2): p_2 = x_1 x_2, then p_k = p_{k-1} x_k."""
    if factors < 2:
        raise ValueError(f"a product chain needs >= 2 factors, got {factors}")
    return ((0, 1),) + tuple((factors + k - 2, k) for k in range(2, factors))


def evaluate(tape: Tape, inputs) -> jax.Array:
    """The tape's output: values start as ``inputs`` (a sequence of scalars), step (i, j) appends v_i v_j."""
    values = list(inputs)
    for i, j in tape:
        values.append(values[i] * values[j])
    return values[-1]


def tally_sweep(tape: Tape, inputs) -> list[jax.Array]:
    """The gradient of :func:`evaluate` by the tally's reverse sweep: a forward sweep storing every value, then,
    step by step backwards, ā_i ← ā_i + v̄ v_j and ā_j ← ā_j + v̄ v_i, every adjoint starting at 0 (v̄ of the
    output starts at 1). Returns the adjoints of the inputs."""
    values = list(inputs)
    for i, j in tape:
        values.append(values[i] * values[j])
    adjoints = [0.0] * len(values)
    adjoints[-1] = 1.0
    for k in range(len(tape) - 1, -1, -1):
        i, j = tape[k]
        bar = adjoints[len(inputs) + k]
        adjoints[i] = adjoints[i] + bar * values[j]
        adjoints[j] = adjoints[j] + bar * values[i]
    return adjoints[:len(inputs)]


@uses_float64
def count_chain(factors: int) -> dict[str, OpCount]:
    """Operation counts of the product chain of ``factors`` scalars: ``forward`` (the function), ``grad``
    (``jax.grad``) and ``tally`` (:func:`tally_sweep`), traced with ``jax.ShapeDtypeStruct`` (nothing computed)."""
    tape = product_chain(factors)
    inputs = tuple(jax.ShapeDtypeStruct((), jnp.float64) for _ in range(factors))
    return {"forward": count_ops(lambda xs: evaluate(tape, xs), inputs),
            "grad": count_ops(jax.grad(lambda xs: evaluate(tape, xs)), inputs),
            "tally": count_ops(lambda xs: tally_sweep(tape, xs), inputs)}
