"""Equality of finite sums at symbolic size, by the two rules that finite sums obey.

SymPy does not decide ``Sum(f, (i, 0, m-1), (j, 0, n-1)) == Sum(g, (k, 0, n-1), (i, 0, m-1))`` when the summands
agree after renaming bound variables and exchanging the order of summation. Both moves are valid for finite sums:
renaming a bound variable (alpha-equivalence) and exchanging finite sums (Fubini for finite sums, limits that do not
depend on each other). :func:`equal_up_to_reindexing` tries every exchange of the limits and the renaming it induces,
and proves equality when the summands and ranges then coincide structurally. It never says ``True`` for sums that
differ; it may say ``False`` for equal sums written differently (then the proof fails, visibly).
"""

from __future__ import annotations

from itertools import permutations

import sympy as sp


def _independent(limits) -> bool:
    variables = {lim[0] for lim in limits}
    return all(not (sp.sympify(lim[1]).free_symbols | sp.sympify(lim[2]).free_symbols) & variables for lim in limits)


def equal_up_to_reindexing(a: sp.Sum, b: sp.Sum) -> bool:
    """Whether two multiple finite sums are equal by exchange of summation order and renaming of indices."""
    if not (isinstance(a, sp.Sum) and isinstance(b, sp.Sum)) or len(a.limits) != len(b.limits):
        return False
    if not (_independent(a.limits) and _independent(b.limits)):
        return False
    for order in permutations(b.limits):
        renaming = {lim_b[0]: lim_a[0] for lim_b, lim_a in zip(order, a.limits)}
        ranges_agree = all(
            (lim_b[1], lim_b[2]) == (lim_a[1], lim_a[2]) for lim_b, lim_a in zip(order, a.limits)
        )
        if ranges_agree and sp.expand(b.function.xreplace(renaming) - a.function) == 0:
            return True
    return False
