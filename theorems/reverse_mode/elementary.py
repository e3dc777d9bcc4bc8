r"""The elementary operations of a straight-line program, with their adjoint updates and tangents, and what each
costs: the per-operation tally behind the constants of :mod:`theorems.reverse_mode.gradient_cost`.

An operation $v = \varphi(a)$ or $v = \varphi(a, b)$ adds to the reverse sweep one adjoint contribution
$\bar v\,\partial v/\partial a$ per argument (each an update $\bar a \mathrel{+}= \ldots$, one addition), and to a
forward-mode sweep one tangent $\sum_i \partial v/\partial a_i\,\dot a_i$. Derivatives are written through the
stored value $v$ where the forward sweep already computed it ($\tanh' = 1 - v^2$, $\sigma' = v(1 - v)$).
"""

from __future__ import annotations

import sympy as sp

from theorems.reverse_mode.tally import Tally, count_graph, node_tally

a, b, v, vbar = sp.symbols("a b v vbar", real=True)

BINARY = {"add": a + b, "sub": a - b, "mul": a * b}
UNARY = {
    "exp": (sp.exp(a), {}),
    "log": (sp.log(a), {}),
    "tanh": (sp.tanh(a), {}),
    "sigmoid": (1 / (1 + sp.exp(-a)), {sp.exp(-a): (1 - v) / v}),
    "sin": (sp.sin(a), {}),
    "sqrt": (sp.sqrt(a), {}),
    "reciprocal": (1 / a, {}),
    "square": (a**2, {}),
}
"""Elementary operations; a division is a reciprocal then a product. The substitutions express a derivative through
the stored value v where the forward sweep already computed it."""

NAMES = (*BINARY, *UNARY)
"""Every elementary operation, binary first."""


def adjoint_updates(name: str) -> list[sp.Expr]:
    """The adjoint contributions vbar · ∂v/∂(argument) of one operation, with v its stored value."""
    if name in BINARY:
        expr = BINARY[name]
        return [vbar * sp.diff(expr, x) for x in (a, b)]
    expr, inverse = UNARY[name]
    derivative = sp.diff(expr, a).subs(expr, v)
    if inverse:
        derivative = sp.factor(sp.simplify(derivative.subs(inverse)))
    return [vbar * derivative]


def _forward(name: str) -> tuple[sp.Expr, Tally]:
    """The operation's expression and what it costs forward."""
    expr = BINARY[name] if name in BINARY else UNARY[name][0]
    # the logistic function is one elementary function, not the SymPy graph 1/(1 + exp(-a))
    return expr, Tally(transcendental=1, nonscalar=1) if name == "sigmoid" else node_tally(expr)


def operation_tally(name: str, accumulate: bool = True) -> tuple[Tally, Tally]:
    """(forward, forward + reverse) operations of one elementary operation.

    ``accumulate=True`` (the tally's form): each adjoint update ā += ... is one addition (the worst case, when ā
    already holds a contribution, or when adjoints start at 0). ``accumulate=False``: every argument receives its
    first contribution, which is written, not added (ā = ...), as a transposed program such as ``jax.grad``'s does
    for a value used once: the additions are left out."""
    _, forward = _forward(name)
    updates = adjoint_updates(name)
    reverse = count_graph([u for u in updates if u != vbar and u != -vbar])
    if accumulate:
        reverse = reverse + Tally(arithmetic=len(updates))
    return forward, forward + reverse


def tangent_tally(name: str) -> tuple[Tally, Tally]:
    """(forward, forward + tangent) operations of one elementary operation: the tangent is
    sum_i ∂v/∂a_i · ȧ_i (forward mode, one direction)."""
    expr, forward = _forward(name)
    dots = sp.symbols("adot bdot", real=True)
    if name in BINARY:
        tangent = sum(sp.diff(expr, x) * dx for x, dx in zip((a, b), dots))
    else:
        tangent = adjoint_updates(name)[0].subs(vbar, dots[0])  # the same partial, times ȧ instead of v̄
    return forward, forward + count_graph([tangent])
