r"""The product chain $P(x) = x_1 x_2 \cdots x_n$: the program on which reverse mode costs its full constant 5.

$P$ is the straight-line program $p_1 = x_1$, $p_k = p_{k-1} x_k$ for $k = 2..n$: $K = n - 1$ multiplications and
nothing else. Its reverse sweep, with $\bar p_n = 1$ and $k$ from $n$ down to $2$, is

$$\bar x_k \mathrel{+}= \bar p_k\, p_{k-1}, \qquad \bar p_{k-1} \mathrel{+}= \bar p_k\, x_k,$$

two products and two updates per multiplication (:func:`theorems.reverse_mode.elementary.operation_tally` of
``mul``: $1 + 4 = 5$). The forward sweep stores $p_2, \dots, p_{n-1}$; the last product $p_n$ is needed by no
adjoint, so a sweep that returns the gradient alone does not compute it (a compiler, and the counter of
:mod:`numerics.opcount`, prune it as dead code). Hence, counted exactly,

$$\mathrm{OPS}_{\text{tally}}(\nabla P) = 5(n-1) - 1 = 5K - 1, \qquad
  \frac{\mathrm{OPS}_{\text{tally}}(\nabla P)}{K} = 5 - \frac{1}{n-1} \;\to\; 5,$$

so no constant below 5 bounds every program in this counting: a multiplication-dominated program reaches it,
where the slide's matmul-dominated network stays at $3 - 1/L$ (:func:`theorems.reverse_mode.symbolic_network.
mlp_counts`). In $P$ every value is used exactly once, so every adjoint receives exactly one contribution. A
transposed program that *writes* a first contribution instead of adding it to a zero (``jax.grad`` does) saves
both updates of every multiplication:

$$\mathrm{OPS}_{\text{assign}}(\nabla P) = 3(n-1) - 1, \qquad \frac{\mathrm{OPS}_{\text{assign}}}{K} =
  3 - \frac{1}{n-1} \;\to\; 3.$$

The tally's 5 is a worst case over how adjoints are accumulated; which of the two a program pays is a property of
the program, and :mod:`numerics.reverse_mode.chain` counts both.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from theorems.reverse_mode import elementary

n = sp.Symbol("n", integer=True, positive=True)
"""Factors of the product chain (n >= 2)."""


@dataclass(frozen=True)
class ChainCounts:
    """Operations of the product chain of n factors, as SymPy expressions in n: the function (``forward``), its
    reverse sweep in the tally's form (``tally``, every update an addition) and in the assignment form
    (``assign``, first contributions written), both returning the gradient only."""

    forward: sp.Expr
    tally: sp.Expr
    assign: sp.Expr


def product_chain_counts(tally: int | None = None, assign: int | None = None) -> ChainCounts:
    """Exact operation counts of the product chain, from the per-operation tally of a multiplication.

    With f the forward operations of one multiplication and g its forward + reverse operations (f = 1; g = 5 in the
    tally's form, 3 in the assignment form, :func:`theorems.reverse_mode.elementary.operation_tally`): the function
    costs f (n − 1), its gradient g (n − 1) − f (the last product is dead). ``tally`` and ``assign`` replace the
    two values of g (what a wrong neighbour claims a multiplication with its adjoint costs).
    """
    forward, with_updates = elementary.operation_tally("mul")
    _, without_updates = elementary.operation_tally("mul", accumulate=False)
    f = forward.total
    g_tally = with_updates.total if tally is None else tally
    g_assign = without_updates.total if assign is None else assign
    return ChainCounts(forward=f * (n - 1), tally=g_tally * (n - 1) - f, assign=g_assign * (n - 1) - f)

