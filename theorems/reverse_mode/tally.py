"""Counting the operations of SymPy expression graphs, with the same weights as :mod:`numerics.opcount`.

A :class:`Tally` records arithmetic operations (of which multiplications), transcendental ones, and non-scalar ones
(products and quotients of two non-constant operands, plus elementary functions: Baur–Strassen's measure extended).
:func:`count_graph` counts the program that computes a list of expressions after common-subexpression elimination.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Tally:
    """Operations of a SymPy expression graph: arithmetic (of which multiplications), transcendental, and
    non-scalar (products/quotients of two non-constant operands, plus elementary functions: Baur–Strassen's
    measure extended)."""

    arithmetic: int = 0
    transcendental: int = 0
    multiplications: int = 0
    nonscalar: int = 0

    @property
    def total(self) -> int:
        return self.arithmetic + self.transcendental

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(arithmetic=self.arithmetic + other.arithmetic,
                     transcendental=self.transcendental + other.transcendental,
                     multiplications=self.multiplications + other.multiplications,
                     nonscalar=self.nonscalar + other.nonscalar)


def _pow_products(n: int) -> int:
    """Multiplications of square-and-multiply for a positive integer power n."""
    return 0 if n <= 1 else n.bit_length() - 1 + bin(n).count("1") - 1


def node_tally(expr: sp.Basic) -> Tally:
    """Operations of one node given its arguments (a sign -1 folds into the enclosing addition: free)."""
    if expr.is_Atom:
        return Tally()
    if expr.is_Add:
        n = len(expr.args) - 1
        return Tally(arithmetic=n)
    if expr.is_Mul:
        factors = [f for f in expr.args if f != sp.S.NegativeOne]
        others = sum(1 for f in factors if not f.is_Number)
        n = len(factors) - 1  # a factor b**-1 makes one of these a division (see _walk)
        return Tally(arithmetic=n, multiplications=n, nonscalar=max(others - 1, 0))
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent.is_Integer:
            e = int(exponent)
            products = _pow_products(abs(e)) + (1 if e < 0 else 0)
            return Tally(arithmetic=products, multiplications=products, nonscalar=products)
        return Tally(transcendental=1, nonscalar=1)  # sqrt, rsqrt, a general power
    if isinstance(expr, sp.Function) or isinstance(expr, (sp.Subs, sp.Derivative)):
        return Tally(transcendental=1, nonscalar=1)
    raise ValueError(f"no operation count for SymPy node {type(expr).__name__}")


def _is_reciprocal(expr: sp.Basic) -> bool:
    return expr.is_Pow and expr.exp == -1


def _walk(expr: sp.Basic, seen: set) -> Tally:
    if expr in seen or expr.is_Atom:
        return Tally()
    seen.add(expr)
    total = node_tally(expr)
    if isinstance(expr, (sp.Subs, sp.Derivative)):
        return total + _walk(expr.point[0] if isinstance(expr, sp.Subs) else sp.S.Zero, seen)
    for arg in expr.args:
        if expr.is_Mul and _is_reciprocal(arg):
            arg = arg.base  # x * b**-1 is one division, counted by the product
        total = total + _walk(arg, seen)
    return total


def count_graph(exprs) -> Tally:
    """Operations of the program that computes ``exprs`` after common-subexpression elimination (``sympy.cse``).

    Each definition of the cse'd program is counted once, node by node: an n-ary sum is n−1 additions, an n-ary
    product n−1 multiplications (a division when a factor is b**-1), an integer power square-and-multiply, any
    function one transcendental. A factor −1 is free (it turns an addition into a subtraction).
    """
    replacements, reduced = sp.cse(list(exprs), optimizations="basic")
    total, seen = Tally(), set()
    for _, definition in replacements:
        total = total + _walk(definition, seen)
        seen = set()
    for expr in reduced:
        total = total + _walk(expr, seen)
    return total
