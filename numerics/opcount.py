r"""What an operation is: a scalar-operation counter over jaxprs, and XLA's compiled cost analysis beside it.

The cost of a program is the number of scalar operations it performs on the elements of its arrays, counted from
its jaxpr (``jax.make_jaxpr``) with one weight per primitive, written down once in the tables below:

* **arithmetic**, one per output element: ``add, sub, neg, mul, div, max, min, abs, sign, select_n``, comparisons,
  logical and bitwise operations, rounding (``floor, ceil, round``), ``add_any`` (the adjoint's accumulation);
  ``clamp`` is two comparisons an element; ``integer_pow`` with exponent $n$ is the multiplications of
  square-and-multiply, $\lfloor\log_2|n|\rfloor + \operatorname{popcount}(|n|) - 1$ (plus one division when
  $n<0$), as XLA expands it;
* **multiplications**, the part of arithmetic that multiplies or divides (``mul, div, rem``, ``integer_pow``,
  ``reduce_prod``, ``cumprod`` and the products inside a contraction): the operations Baur and Strassen count;
* **transcendental**, one per output element, counted apart from arithmetic: ``exp, exp2, log, log1p, expm1,
  tanh, logistic, sin, cos, tan``, inverse and hyperbolic trigonometric functions, ``pow, sqrt, rsqrt, cbrt, erf,
  erfc, erf_inv, lgamma, digamma``...;
* **contractions**: ``dot_general`` with contracted size $k$ and $N$ output elements (batch dimensions included)
  costs $2Nk$ arithmetic operations of which $Nk$ are multiplications, so an $(m,k)\times(k,n)$ product costs
  $2mkn$; a convolution likewise, with $k$ the kernel's size per output feature;
* **reductions and scans** cost the size of their input: ``reduce_sum, reduce_max, reduce_min, argmax, argmin``,
  ``cumsum, cummax, cummin`` (arithmetic), ``reduce_prod, cumprod`` (multiplications), and ``cumlogsumexp``, whose
  step $\log(e^a + e^b) = \max(a,b) + \operatorname{log1p}(e^{-|a-b|})$ costs arithmetic and two transcendentals
  an element; ``scatter-add`` (and ``-mul, -min, -max``) costs the size of its updates;
* **data movement** costs nothing: ``reshape, broadcast_in_dim, transpose, slice, dynamic_slice,
  dynamic_update_slice, concatenate, pad, rev, squeeze, expand_dims, convert_element_type, gather, scatter, iota,
  copy``, sharding annotations...

Sub-programs are walked into: ``jit``/``pjit``, ``closed_call``, ``core_call``, ``custom_jvp_call`` and
``custom_vjp_call`` (their primal program, which is what runs), ``remat``/``checkpoint``; ``cond`` costs the
elementwise maximum over its branches; ``scan`` costs its body times its length; ``while`` has no trip count in
its jaxpr, so counting one raises unless ``while_trip_count`` is given (then cond + body, that many times, plus
one last cond). A primitive in none of these tables raises ``ValueError`` naming it: nothing is silently free.

By default each (sub-)jaxpr is first pruned of equations whose results are unused (``dce=True``), as XLA would:
``jax.make_jaxpr(jax.grad(f))`` keeps, for instance, the forward value of the loss that ``grad`` discards. Every
element operation is counted whatever its dtype (integer index arithmetic included). A reduction of $n$ numbers
is counted as $n$ operations, not $n-1$: the counts are upper bounds by at most the output size.

:func:`xla_cost` reports what XLA's compiled cost analysis says about the same function: ``flops``,
``transcendentals`` and ``bytes accessed``, plus the compiled memory (argument + output + temporary bytes).
Beware: XLA counts a loop body **once**, whatever its trip count (a ``scan`` of length 1000 costs what its body
costs), and it rewrites programs before counting (fusions, algebraic simplification; an outer product of width
1 may be counted as one flop an element); ``cost_analysis()`` is a dict in recent JAX and a list of dicts (one per
device program) in old ones, normalised here.

Reference for the convention (an operation is a scalar arithmetic operation or an elementary function, each with
an $O(1)$ derivative): A. Griewank and A. Walther, *Evaluating Derivatives*, 2nd ed., SIAM 2008, §4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import jax
from jax.extend import core as jcore

# ------------------------------------------------------------------------------------------------------------------
# The record
# ------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpCount:
    """Scalar operations of a program: arithmetic (of which ``multiplications``) and transcendental ones."""

    arithmetic: int = 0
    transcendental: int = 0
    multiplications: int = 0

    @property
    def total(self) -> int:
        """Arithmetic plus transcendental operations."""
        return self.arithmetic + self.transcendental

    def __add__(self, other: "OpCount") -> "OpCount":
        return OpCount(self.arithmetic + other.arithmetic, self.transcendental + other.transcendental,
                       self.multiplications + other.multiplications)

    def __mul__(self, times: int) -> "OpCount":
        return OpCount(self.arithmetic * times, self.transcendental * times, self.multiplications * times)

    __rmul__ = __mul__

    def max(self, other: "OpCount") -> "OpCount":
        """The elementwise maximum (the cost of a branch whichever is taken)."""
        return OpCount(max(self.arithmetic, other.arithmetic), max(self.transcendental, other.transcendental),
                       max(self.multiplications, other.multiplications))


ZERO = OpCount()

# ------------------------------------------------------------------------------------------------------------------
# The tables: one weight per primitive
# ------------------------------------------------------------------------------------------------------------------

ELEMENTWISE_ARITHMETIC = frozenset({
    "add", "add_any", "sub", "neg", "max", "min", "abs", "sign", "select_n", "eq", "ne", "lt", "le", "gt", "ge",
    "and", "or", "not", "xor", "floor", "ceil", "round", "is_finite", "nextafter", "shift_left",
    "shift_right_logical", "shift_right_arithmetic", "population_count", "clz", "conj", "complex",
})
"""One operation per output element."""

ELEMENTWISE_MULTIPLICATIVE = frozenset({"mul", "div", "rem", "square"})
"""One operation per output element, which is a multiplication (or division)."""

TRANSCENDENTAL = frozenset({
    "exp", "exp2", "log", "log1p", "expm1", "tanh", "logistic", "sin", "cos", "tan", "asin", "acos", "atan",
    "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "pow", "sqrt", "rsqrt", "cbrt", "erf", "erfc", "erf_inv",
    "lgamma", "digamma", "igamma", "igammac", "igamma_grad_a", "random_gamma_grad", "bessel_i0e", "bessel_i1e",
    "polygamma", "zeta", "regularized_incomplete_beta",
})
"""One transcendental operation per output element."""

REDUCTIONS = frozenset({"reduce_sum", "reduce_max", "reduce_min", "argmax", "argmin", "reduce_and", "reduce_or",
                        "reduce_xor", "cumsum", "cummax", "cummin"})
"""One arithmetic operation per input element."""

MULTIPLICATIVE_REDUCTIONS = frozenset({"reduce_prod", "cumprod"})
"""One multiplication per input element."""

SCATTER_COMBINING = frozenset({"scatter-add", "scatter_add", "scatter-mul", "scatter_mul", "scatter-min",
                               "scatter_min", "scatter-max", "scatter_max"})
"""One operation per update element (``scatter-mul``: a multiplication)."""

DATA_MOVEMENT = frozenset({
    "reshape", "broadcast_in_dim", "transpose", "slice", "dynamic_slice", "dynamic_update_slice", "concatenate",
    "pad", "rev", "squeeze", "expand_dims", "convert_element_type", "bitcast_convert_type", "reduce_precision",
    "gather", "scatter", "iota", "copy", "copy_p", "real", "imag", "split", "sharding_constraint", "mesh_cast",
    "device_put", "optimization_barrier", "stop_gradient", "full_like", "zeros_like", "pvary", "select_and_gather",
})
"""No operations: only elements moved, copied or re-typed."""

CALLS = {"jit": "jaxpr", "pjit": "jaxpr", "closed_call": "call_jaxpr", "core_call": "call_jaxpr",
         "custom_jvp_call": "call_jaxpr", "custom_vjp_call": "call_jaxpr", "custom_vjp_call_jaxpr": "fun_jaxpr",
         "remat": "jaxpr", "remat2": "jaxpr", "checkpoint": "jaxpr", "custom_lin": None}
"""Primitives that call a sub-program, and the parameter that holds it."""


def _size(var) -> int:
    shape = getattr(var.aval, "shape", ())
    return int(math.prod(shape))


def _integer_pow_multiplications(exponent: int) -> int:
    """Multiplications of square-and-multiply for x**n (one more, a division, for n < 0)."""
    n = abs(int(exponent))
    products = 0 if n <= 1 else n.bit_length() - 1 + bin(n).count("1") - 1
    return products + (1 if exponent < 0 else 0)


def _dot_general(eqn) -> OpCount:
    (contract_lhs, _), _ = eqn.params["dimension_numbers"]
    lhs_shape = eqn.invars[0].aval.shape
    k = int(math.prod(lhs_shape[d] for d in contract_lhs))
    products = _size(eqn.outvars[0]) * k
    return OpCount(arithmetic=2 * products, multiplications=products)


def _conv(eqn) -> OpCount:
    rhs_shape = eqn.invars[1].aval.shape
    out_features_dim = eqn.params["dimension_numbers"].rhs_spec[0]
    per_output = int(math.prod(rhs_shape)) // int(rhs_shape[out_features_dim])
    products = _size(eqn.outvars[0]) * per_output
    return OpCount(arithmetic=2 * products, multiplications=products)


def _jaxpr_of(value):
    """A Jaxpr from a ClosedJaxpr or a Jaxpr."""
    return value.jaxpr if hasattr(value, "jaxpr") and not isinstance(value, jcore.Jaxpr) else value


def _live_equations(jaxpr) -> list:
    """The equations whose results reach an output (or that have effects), in program order."""
    live = {v for v in jaxpr.outvars if isinstance(v, jcore.Var)}
    kept = []
    for eqn in reversed(jaxpr.eqns):
        if eqn.effects or any(v in live for v in eqn.outvars if not isinstance(v, jcore.DropVar)):
            kept.append(eqn)
            live.update(v for v in eqn.invars if isinstance(v, jcore.Var))
    return kept[::-1]


def _count_jaxpr(jaxpr, while_trip_count: int | None, dce: bool) -> OpCount:
    jaxpr = _jaxpr_of(jaxpr)
    total = ZERO
    for eqn in (_live_equations(jaxpr) if dce else jaxpr.eqns):
        total = total + _count_equation(eqn, while_trip_count, dce)
    return total


def _count_equation(eqn, while_trip_count: int | None, dce: bool) -> OpCount:
    name = eqn.primitive.name
    out = _size(eqn.outvars[0]) if eqn.outvars else 0
    if name in DATA_MOVEMENT:
        return ZERO
    if name in ELEMENTWISE_ARITHMETIC:
        return OpCount(arithmetic=out)
    if name in ELEMENTWISE_MULTIPLICATIVE:
        return OpCount(arithmetic=out, multiplications=out)
    if name == "clamp":
        return OpCount(arithmetic=2 * out)
    if name == "integer_pow":
        products = _integer_pow_multiplications(eqn.params["y"]) * out
        return OpCount(arithmetic=products, multiplications=products)
    if name in TRANSCENDENTAL:
        return OpCount(transcendental=out)
    if name in REDUCTIONS:
        return OpCount(arithmetic=_size(eqn.invars[0]))
    if name in MULTIPLICATIVE_REDUCTIONS:
        n = _size(eqn.invars[0])
        return OpCount(arithmetic=n, multiplications=n)
    if name == "cumlogsumexp":
        n = _size(eqn.invars[0])
        return OpCount(arithmetic=4 * n, transcendental=2 * n)  # max, sub, abs, add; exp, log1p
    if name in SCATTER_COMBINING:
        n = _size(eqn.invars[2])
        return OpCount(arithmetic=n, multiplications=n if "mul" in name else 0)
    if name == "dot_general":
        return _dot_general(eqn)
    if name == "conv_general_dilated":
        return _conv(eqn)
    if name in CALLS and CALLS[name] is not None:
        return _count_jaxpr(eqn.params[CALLS[name]], while_trip_count, dce)
    if name == "cond":
        branches = [_count_jaxpr(b, while_trip_count, dce) for b in eqn.params["branches"]]
        worst = ZERO
        for branch in branches:
            worst = worst.max(branch)
        return worst
    if name == "scan":
        return int(eqn.params["length"]) * _count_jaxpr(eqn.params["jaxpr"], while_trip_count, dce)
    if name == "while":
        if while_trip_count is None:
            raise ValueError("a while loop's trip count is not in its jaxpr: pass while_trip_count=N to count it "
                             "(or write the loop as lax.scan / fori_loop with static bounds)")
        cond = _count_jaxpr(eqn.params["cond_jaxpr"], while_trip_count, dce)
        body = _count_jaxpr(eqn.params["body_jaxpr"], while_trip_count, dce)
        return while_trip_count * (cond + body) + cond
    raise ValueError(f"no operation count known for primitive {name!r}; add it to a table in numerics/opcount.py "
                     "(elementwise, transcendental, reduction, data movement or a call)")


def count_jaxpr(jaxpr, *, while_trip_count: int | None = None, dce: bool = True) -> OpCount:
    """The scalar operations of a (closed) jaxpr, by the tables of this module."""
    if while_trip_count is not None and while_trip_count < 0:
        raise ValueError(f"while_trip_count must be >= 0, got {while_trip_count}")
    return _count_jaxpr(jaxpr, while_trip_count, dce)


def count_ops(fn: Callable, *args, while_trip_count: int | None = None, dce: bool = True, **kwargs) -> OpCount:
    """The scalar operations of ``fn(*args, **kwargs)``, counted over ``jax.make_jaxpr(fn)(*args, **kwargs)``.

    ``args`` may be arrays or ``jax.ShapeDtypeStruct``: nothing is computed, only traced. A primitive outside the
    tables raises ``ValueError`` naming it; a ``while`` loop needs ``while_trip_count``.
    """
    return count_jaxpr(jax.make_jaxpr(fn)(*args, **kwargs), while_trip_count=while_trip_count, dce=dce)


# ------------------------------------------------------------------------------------------------------------------
# XLA's view
# ------------------------------------------------------------------------------------------------------------------


def _normalise_cost(analysis: Any) -> dict:
    if analysis is None:
        return {}
    if isinstance(analysis, (list, tuple)):  # old JAX: one dict per program
        merged: dict = {}
        for part in analysis:
            for key, value in (part or {}).items():
                merged[key] = merged.get(key, 0.0) + float(value)
        return merged
    return dict(analysis)


def xla_cost(fn: Callable, *args) -> dict[str, float]:
    """What XLA reports for ``jax.jit(fn)`` compiled at ``args`` (arrays or ``jax.ShapeDtypeStruct``).

    Keys: ``flops``, ``transcendentals``, ``bytes accessed`` (from ``cost_analysis()``; absent keys are 0), and
    ``argument bytes``, ``output bytes``, ``temp bytes``, ``memory bytes`` (their sum) from ``memory_analysis()``.
    Compiling allocates nothing, so this is cheap at any size. XLA counts a loop body once whatever its trip
    count, and counts after its own rewrites.
    """
    compiled = jax.jit(fn).lower(*args).compile()
    cost = _normalise_cost(compiled.cost_analysis())
    out = {key: float(cost.get(key, 0.0)) for key in ("flops", "transcendentals", "bytes accessed")}
    memory = compiled.memory_analysis()
    parts = {"argument bytes": "argument_size_in_bytes", "output bytes": "output_size_in_bytes",
             "temp bytes": "temp_size_in_bytes"}
    for key, attribute in parts.items():
        out[key] = float(getattr(memory, attribute, 0) or 0) if memory is not None else math.nan
    out["memory bytes"] = out["argument bytes"] + out["output bytes"] + out["temp bytes"]
    return out
