"""The statements: each result of the mathematics of AI written once, in SymPy.

This package imports SymPy and never JAX, so loading a statement is instant. The numeric experiments that check
each statement live in :mod:`numerics`, the user-facing shell in :mod:`mathai`.
"""

from theorems.core import Check, Reference, Theorem
from theorems.registry import UnknownTheorem, all_theorems, get

__all__ = ["Check", "Reference", "Theorem", "UnknownTheorem", "all_theorems", "get"]
