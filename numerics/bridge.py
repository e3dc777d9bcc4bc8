"""From a SymPy statement to a JAX function: ``sympy.lambdify(..., modules="jax")``, with the gaps filled.

SymPy's JAX printer has no method for :class:`sympy.Trace` and prints ``erf``, ``gamma`` and ``loggamma`` as calls
into Python's ``math`` module, which fail on traced arrays inside ``jax.jit``. :func:`to_jax` passes a mapping of
those names to their ``jax.numpy`` / ``jax.scipy.special`` counterparts ahead of the ``"jax"`` module, and prints
``Trace`` as ``jnp.trace``. Every bound that a numeric check compares against goes through here, so that no formula
is typed twice.
"""

from __future__ import annotations

from typing import Callable, Sequence

import jax.numpy as jnp
import jax.scipy.special as jsp
import sympy as sp
from sympy.printing.numpy import JaxPrinter

JAX_FUNCTIONS: dict[str, Callable] = {
    "erf": jsp.erf,
    "erfc": jsp.erfc,
    "gamma": jsp.gamma,
    "loggamma": jsp.gammaln,
    "lgamma": jsp.gammaln,
    "polygamma": jsp.polygamma,
    "digamma": jsp.digamma,
    "trace": jnp.trace,
    "expm1": jnp.expm1,
    "log1p": jnp.log1p,
}


class _Printer(JaxPrinter):
    def _print_Trace(self, expr):  # noqa: N802 (SymPy's naming)
        return f"trace({self._print(expr.arg)})"


def to_jax(args: Sequence[sp.Basic] | sp.Basic, expr: sp.Basic) -> Callable:
    """``expr`` as a function of ``args`` that traces under ``jax.jit`` (SymPy's lambdify with the JAX module)."""
    return sp.lambdify(args, expr, modules=[JAX_FUNCTIONS, "jax"], printer=_Printer(
        {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True, "user_functions": {}}))
