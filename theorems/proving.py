r"""Deciding a symbolic identity: refute it fast at random points, then simplify it under a time limit.

:func:`decide_equal` (for ``lhs == rhs``) and :func:`decide_true` (for a SymPy relational, or an ``And``/``Or`` of
them) work in two steps.

1. **Points.** Every free symbol gets a value drawn from the set its assumptions allow: a positive integer (a size)
   from $\{1,\dots,5\}$, a non-negative integer from $\{0,\dots,5\}$, an integer from $\{-5,\dots,5\}$, a positive
   (non-negative, negative) number a rational $p/q$ with $p \le 40$, $q \le 7$ of that sign, anything else a real
   rational in $[-4, 4]$ (sound for a symbol with no assumption too: an identity over $\mathbb C$ holds on
   $\mathbb R$). An undefined function $\rho$ becomes a random cubic with rational coefficients (an identity for every
   $\rho$ holds for that one), indexed entries $X_i$ get values like symbols, and finite sums are expanded once the
   sizes are numbers (:data:`POINTS` points where a size or a sum is involved, else one). Each side is then
   evaluated: exactly when it is rational, otherwise in :data:`DIGITS`-digit Floats (mpmath arithmetic, one rounding
   an operation; ``evalf`` for what stays symbolic, such as pi), and a difference counts as non-zero
   when $|\ell - r| > $ :data:`RELATIVE_TOLERANCE` $\cdot \max(1, |\ell|, |r|)$ — 20 orders of magnitude above the
   rounding error of 50-digit evaluation, and far below any difference a wrong formula of small rationals makes. A
   matrix is compared entry by entry. A point where a side is undefined (a pole, an unevaluated integral) decides
   nothing. A non-zero difference is a refutation, and the point is its witness: no simplification is attempted.
2. **Simplification**, only when no point refuted: ``simplify(expand(lhs - rhs))`` must be exactly zero (a relational
   must simplify to ``True``), within ``seconds``. In the main thread the limit is ``signal.setitimer`` with a
   ``SIGALRM`` handler raising a ``BaseException`` (so that SymPy's ``except Exception`` clauses cannot swallow it);
   the handler and any timer armed before are restored afterwards. Off the main thread, where signals cannot be
   used, the simplification runs in a child process (``multiprocessing``, spawn: a fresh interpreter, so its start,
   about a second, counts against the limit) which is terminated at the limit; an expression that cannot be sent to
   a child is undecided. A proof that does not conclude in time is a failing verdict: "undecided after N s".
"""

from __future__ import annotations

import functools
import multiprocessing
import random
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

DIGITS = 50
"""Significant digits of the numeric evaluation at a point."""

RELATIVE_TOLERANCE = sp.Float("1e-30", DIGITS)
"""A difference below this times max(1, |lhs|, |rhs|) at DIGITS digits decides nothing at that point."""

POINTS = 3
"""Random points tried before simplifying where an integer symbol (a size) or a sum is involved; elsewhere one:
a non-zero rational function of total degree D vanishes at a point drawn from S values a coordinate with
probability at most D/S (Schwartz-Zippel), and here S is a few hundred."""

SHOWN = 8
"""Values of a witness point shown in a claim; the rest are named by count (the draw is reproducible)."""

SECONDS = 20.0
"""Default time limit of one simplification."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of a decision: ``proved`` and a ``note`` for the claim ("" when proved)."""

    proved: bool
    note: str = ""


class _OutOfTime(BaseException):
    """Raised by the alarm handler; a BaseException so that no ``except Exception`` in SymPy catches it."""


# Points ----------------------------------------------------------------------------------------------------------

def _value(symbol: sp.Basic, rng: random.Random) -> sp.Expr:
    """A random value allowed by ``symbol``'s assumptions (see the module docstring)."""
    if symbol.is_integer:
        if symbol.is_positive:
            low = 1
        elif symbol.is_nonnegative:
            low = 0
        else:
            low = -5
        high = -1 if symbol.is_negative else 5
        value = rng.randint(low, high)
        if symbol.is_nonzero and value == 0:
            value = 1
        return sp.Integer(value)
    magnitude = sp.Rational(rng.randint(1, 40), rng.randint(1, 7))
    if symbol.is_positive or symbol.is_nonnegative:
        return magnitude
    if symbol.is_negative or symbol.is_nonpositive:
        return -magnitude
    return sp.Rational(rng.randint(-28, 28), 7) if not symbol.is_nonzero else magnitude


def _cubic(function, arity: int) -> tuple[sp.Lambda, list[sp.Dummy]]:
    """A polynomial of degree <= 3 in each of ``arity`` arguments with symbolic (real) coefficients."""
    args = sp.symbols(f"t0:{arity}", real=True)
    coefficients = [sp.Dummy(f"{function}_c{j}", real=True) for j in range(1 + 3 * arity)]
    terms = [c * t**k for c, (t, k) in zip(coefficients[1:], [(t, k) for t in args for k in range(1, 4)])]
    return sp.Lambda(args, coefficients[0] + sum(terms)), coefficients


def _replace_functions(exprs: list[sp.Basic], cubics: dict) -> list[sp.Basic]:
    """``exprs`` with f(args), its derivatives d^k f(args) and their values at points (Subs) replaced through
    ``cubics``: one bottom-up walk, memoised over the subtrees the expressions share (no Subs is rebuilt)."""
    memo: dict[sp.Basic, sp.Basic] = {}

    def walk(node: sp.Basic) -> sp.Basic:
        if node in memo:
            return memo[node]
        point, inner = ({}, node)
        if isinstance(node, sp.Subs):
            point, inner = dict(zip(node.variables, (walk(p) for p in node.point))), node.expr
        if isinstance(inner, sp.Derivative) and isinstance(inner.expr, AppliedUndef) and inner.expr.func in cubics:
            value = sp.diff(cubics[inner.expr.func](*inner.expr.args), *inner.variable_count).xreplace(point)
        elif isinstance(node, AppliedUndef) and node.func in cubics:
            value = cubics[node.func](*(walk(a) for a in node.args))
        elif not node.args or isinstance(node, sp.Subs):
            value = node
        else:
            args = [walk(a) for a in node.args]
            value = node if all(a is b for a, b in zip(args, node.args)) else node.func(*args)
        memo[node] = value
        return value

    return [walk(e) for e in exprs]


def _nodes(exprs: list[sp.Basic]) -> set[sp.Basic]:
    """Every distinct subexpression of ``exprs``: one visit per node of the DAG (entries share subtrees)."""
    seen: set[sp.Basic] = set()
    stack = list(exprs)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.args)
    return seen


def _without_functions(exprs: list[sp.Basic], nodes: set) -> tuple[list[sp.Basic], dict]:
    """``exprs`` with every undefined function replaced by a cubic with symbolic coefficients (derivatives done);
    returns them and {function: cubic}."""
    applied = [a for a in nodes if isinstance(a, AppliedUndef)]
    functions = sorted({a.func for a in applied}, key=str)
    cubics = {f: _cubic(f, next(len(a.args) for a in applied if a.func == f))[0] for f in functions}
    return (_replace_functions(exprs, cubics) if cubics else exprs), cubics


def _unknowns(nodes: set) -> set[sp.Basic]:
    """The free symbols (not bound by a sum, integral, Subs or Lambda, not the labels of indexed bases or
    indices) and the indexed entries with numeric indices, among ``nodes``."""
    bound = set()
    for node in nodes:
        if isinstance(node, (sp.Sum, sp.Product, sp.Integral, sp.Subs, sp.Lambda)):
            bound.update(node.variables)
        elif isinstance(node, (sp.IndexedBase, sp.Idx)):
            bound.add(node.label)
    symbols = {s for s in nodes if isinstance(s, sp.Symbol) and s not in bound}
    entries = {a for a in nodes if isinstance(a, sp.Indexed) and all(i.is_number for i in a.indices)}
    return symbols | entries


_STRUCTURED = (sp.Sum, sp.Product, sp.Indexed, sp.Integral, sp.Limit)


def _is_rational(nodes: set) -> bool:
    """No function, constant or non-integer power among ``nodes``: exact evaluation at rational points is cheap."""
    return not any(isinstance(a, (sp.Function, sp.NumberSymbol)) or (isinstance(a, sp.Pow) and not a.exp.is_Integer)
                   for a in nodes)


class _Evaluator:
    """Values of ``exprs`` at random points (see the module docstring); one instance per decision."""

    def __init__(self, exprs: list[sp.Basic]):
        self.exprs, self.cubics = _without_functions(exprs, _nodes(exprs))
        nodes = _nodes(self.exprs)
        self.structured = any(isinstance(a, _STRUCTURED) for a in nodes)
        self.exact = not self.structured and _is_rational(nodes)
        self.symbols = sorted(_unknowns(nodes), key=sp.default_sort_key)
        self.points = POINTS if any(s.is_integer for s in self.symbols) or self.structured else 1

    def at(self, rng: random.Random) -> tuple[list, dict]:
        """(the values, the point): exact Rationals, mpmath numbers, or SymPy numbers (None-able via _number)."""
        point = {s: _value(s, rng) for s in self.symbols}
        if self.structured:
            values, more = self._structured(point, rng)
            point.update(more)
        elif self.exact:
            values = [e.xreplace(point) for e in self.exprs]
        else:
            values = self._numeric(point)
        return values, point

    def _structured(self, point: dict, rng: random.Random) -> tuple[list, dict]:
        exprs, more = [e.xreplace(point) for e in self.exprs], {}
        for _ in range(2):  # numeric sizes expose the entries of the expanded sums
            exprs = [e.doit() if e.has(sp.Sum, sp.Product) else e for e in exprs]
            entries = {s: _value(s, rng) for s in sorted(_unknowns(_nodes(exprs)), key=sp.default_sort_key)}
            if not entries:
                break
            more.update(entries)
            exprs = [e.xreplace(entries) for e in exprs]
        return exprs, more

    def _numeric(self, point: dict) -> list:
        """Each expression at ``point`` in DIGITS-digit Floats (mpmath arithmetic, one rounding per operation)."""
        floats = {s: sp.Float(v, DIGITS) for s, v in point.items()}
        return [e.xreplace(floats) for e in self.exprs]

    def show(self, point: dict) -> str:
        """The point as "x=3, rho(t)=..." (the cubics with their drawn coefficients)."""
        parts = [f"{s}={v}" for s, v in point.items() if not isinstance(s, sp.Dummy)]
        parts += [f"{f}{tuple(c.variables) if len(c.variables) > 1 else '(' + str(c.variables[0]) + ')'}="
                  f"{c.expr.xreplace(point)}".replace(" ", "") for f, c in self.cubics.items()]
        if len(parts) > SHOWN:
            parts = parts[:SHOWN] + [f"... ({len(parts)} values, draw from seed 0)"]
        return ", ".join(parts) if parts else "(no free symbols)"


def _number(expr: sp.Basic | None) -> sp.Expr | None:
    """``expr`` as an exact rational, or at DIGITS digits; None when it is not a finite number."""
    if not isinstance(expr, sp.Basic) or expr.free_symbols or expr.has(sp.Integral, sp.Limit, AppliedUndef, sp.Indexed):
        return None
    if expr.is_Rational:
        return expr
    try:
        value = sp.N(expr, DIGITS)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not value.is_number or value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return None
    return value


def _difference(lhs: sp.Basic, rhs: sp.Basic) -> sp.Expr | None:
    """lhs - rhs at a point when it is decidedly non-zero, else None (zero, or undefined there)."""
    left, right = _number(lhs), _number(rhs)
    if left is None or right is None:
        return None
    if left.is_Rational and right.is_Rational:
        return left - right if left != right else None
    gap = left - right
    scale = max(sp.Integer(1), abs(left), abs(right))
    return gap if abs(gap) > RELATIVE_TOLERANCE * scale else None


def _entries(expr):
    if isinstance(expr, sp.MatrixBase):
        return list(expr), expr.shape
    return [expr], None


def _short(value: sp.Expr) -> str:
    return str(value) if value.is_Rational else sp.sstr(sp.N(value, 6))


def refute_equal(lhs, rhs, points: int = POINTS, seed: int = 0) -> str | None:
    """A witness "at x=.., y=..: difference v" where ``lhs - rhs`` is non-zero at a random point; None if none."""
    rng = random.Random(seed)
    lhs_entries, shape = _entries(lhs)
    rhs_entries, other = _entries(rhs)
    if shape != other:
        return f"shapes {shape} and {other} differ"
    evaluator = _Evaluator([*lhs_entries, *rhs_entries])
    half = len(lhs_entries)
    for _ in range(min(points, evaluator.points)):
        values, point = evaluator.at(rng)
        for index, (left, right) in enumerate(zip(values[:half], values[half:])):
            gap = _difference(left, right)
            if gap is not None:
                where = f", entry {divmod(index, shape[1])}" if shape else ""
                return f"at {evaluator.show(point)}{where}: difference {_short(gap)}"
    return None


def _falsified(statement: sp.Basic, sides: dict) -> str | None:
    """Why ``statement`` is false where each relational's sides take the values ``sides[rel]`` ("lhs - rhs = v"),
    or None where it is not decidedly false."""
    if isinstance(statement, sp.And):
        return next((why for arg in statement.args if (why := _falsified(arg, sides)) is not None), None)
    if isinstance(statement, sp.Or):
        reasons = [_falsified(arg, sides) for arg in statement.args]
        return " and ".join(reasons) if all(r is not None for r in reasons) else None
    if statement not in sides or isinstance(statement, sp.Ne):
        return None
    left, right = (_number(side) for side in sides[statement])
    if left is None or right is None:
        return None
    exact = left.is_Rational and right.is_Rational
    gap = left - right
    tolerance = 0 if exact else RELATIVE_TOLERANCE * max(sp.Integer(1), abs(left), abs(right))
    if isinstance(statement, sp.Eq):
        false = abs(gap) > tolerance
    elif not gap.is_extended_real:
        return None
    else:
        false = {sp.Le: gap > tolerance, sp.Ge: gap < -tolerance, sp.Lt: gap >= 0 if exact else gap > tolerance,
                 sp.Gt: gap <= 0 if exact else gap < -tolerance}.get(type(statement), False)
    return f"{statement.rel_op}: lhs - rhs = {_short(gap)}" if false else None


def refute_true(statement: sp.Basic, points: int = POINTS, seed: int = 0) -> str | None:
    """A witness "at x=..: lhs - rhs = v" where the relational ``statement`` is false at a random point."""
    rng = random.Random(seed)
    relationals = sorted(statement.atoms(sp.Rel), key=sp.default_sort_key)
    if not relationals:
        return None
    evaluator = _Evaluator([r.lhs for r in relationals] + [r.rhs for r in relationals])
    half = len(relationals)
    for _ in range(min(points, evaluator.points)):
        values, point = evaluator.at(rng)
        sides = dict(zip(relationals, zip(values[:half], values[half:])))
        why = _falsified(statement, sides)
        if why is not None:
            return f"at {evaluator.show(point)}: {why}"
    return None


# Simplification under a time limit ---------------------------------------------------------------------------

def _is_zero(difference: sp.Basic) -> bool:
    """simplify(expand(difference)) is exactly zero (a zero matrix for a matrix)."""
    simplified = sp.simplify(sp.expand(difference))
    if isinstance(simplified, sp.MatrixBase):
        return simplified.is_zero_matrix is True
    return simplified == 0


def _is_true(statement: sp.Basic) -> bool:
    """simplify(statement) is SymPy's True."""
    return sp.simplify(statement) is sp.true


def _on_alarm(signum, frame):
    raise _OutOfTime


@contextmanager
def _alarm(seconds: float):
    """Raise _OutOfTime in the main thread after ``seconds``; restores the previous handler and timer."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))


def within(task, argument: sp.Basic, seconds: float) -> bool | None:
    """``task(argument)`` if it finishes within ``seconds``, else None (see the module docstring for how)."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        try:
            with _alarm(seconds):
                return task(argument)
        except _OutOfTime:
            return None
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        try:
            return pool.apply_async(functools.partial(task, argument)).get(timeout=seconds)
        except (multiprocessing.TimeoutError, TypeError, AttributeError, RecursionError):
            return None


def _undecided(seconds: float) -> Verdict:
    return Verdict(False, f"undecided after {seconds:g} s")


def decide_equal(lhs, rhs, seconds: float = SECONDS) -> Verdict:
    """Refute ``lhs == rhs`` at random points, else prove it by simplification within ``seconds``."""
    witness = refute_equal(lhs, rhs)
    if witness is not None:
        return Verdict(False, f"refuted {witness}")
    zero = within(_is_zero, lhs - rhs, seconds)
    if zero is None:
        return _undecided(seconds)
    return Verdict(True) if zero else Verdict(False, "not proved: simplify leaves a non-zero difference")


def decide_true(statement, seconds: float = SECONDS) -> Verdict:
    """Refute a relational ``statement`` at random points, else prove it by simplification within ``seconds``.

    A Python bool (or SymPy's True/False) is taken as it is."""
    if not isinstance(statement, sp.Basic) or statement in (sp.true, sp.false):
        proved = statement is True or statement is sp.true
        return Verdict(proved, "" if proved else "not proved: the statement is False")
    witness = refute_true(statement)
    if witness is not None:
        return Verdict(False, f"refuted {witness}")
    true = within(_is_true, statement, seconds)
    if true is None:
        return _undecided(seconds)
    return Verdict(True) if true else Verdict(False, "not proved: simplify does not reach True")
