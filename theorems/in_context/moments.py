r"""Exact means over uniform phases: the constant term of a Laurent polynomial.

Under the laws of :mod:`theorems.in_context.autoregression` every state is a Laurent polynomial in independent
unit-modulus phases $z_j = e^{i\theta_j}$ (the eigenvalues of $W$) and $w_j$ (the phases of $s_0$), $\theta$ i.i.d.
uniform on $[0, 2\pi)$. Since $\mathbb E z^k = 0$ for $k \ne 0$, the mean of such a polynomial is its constant term,
and on the unit circle $\bar z = 1/z$, so $|x|^2 = x \cdot \bar x$ stays a Laurent polynomial. This module computes,
at explicit sizes $d$ and $T$, the exact second moments of one gradient step $\eta G s_T$ under the unitary law and
the rotation-block law (real, $d = 2m$), as polynomials in the step $\eta$; the proofs of
:mod:`theorems.in_context.autoregression` compare them with the closed forms. No ``THEOREM`` here.
"""

from __future__ import annotations

import sympy as sp


def constant_term(expr: sp.Expr, variables) -> sp.Expr:
    """The constant term of a Laurent polynomial in ``variables``: its mean over independent uniform phases."""
    expr = sp.expand(expr)
    poly_terms = sp.Add.make_args(expr)
    keep = [term for term in poly_terms if not (term.free_symbols & set(variables))]
    return sp.Add(*keep)


def unit_conjugate(expr: sp.Expr, real=()) -> sp.Expr:
    """Complex conjugate with every symbol a unit-modulus phase ($\\bar z = 1/z$) except the real ones in ``real``."""
    phases = [s for s in expr.free_symbols if s not in real]
    return sp.conjugate(expr).subs({sp.conjugate(z): 1 / z for z in phases}, simultaneous=True)


def abs2(vector: sp.Matrix, real=()) -> sp.Expr:
    """$\\|v\\|^2$ for a vector of Laurent polynomials in unit-modulus variables (conjugate = inverse), the symbols
    in ``real`` real."""
    return sum((x * unit_conjugate(x, real) for x in vector), sp.Integer(0))


def phases(name: str, count: int) -> list[sp.Symbol]:
    """``count`` phase symbols ``name0``, ``name1``, ..."""
    return list(sp.symbols(f"{name}0:{count}"))


def unitary_moments(size: int, length: int, step: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """Exact $(\\mathbb E\\|\\eta G s_T - s_{T+1}\\|^2, \\mathbb E\\|\\eta G - W\\|_F^2)$ at explicit $d, T$, with
    $\\eta$ the real symbol ``step``.

    $z_j = e^{i\\theta_j}$, $w_j$ the phase of $s_{0j}$, all i.i.d. uniform: the mean is the constant term.
    """
    z, w = phases("z", size), phases("w", size)
    states = [sp.Matrix([w[j] * z[j] ** t for j in range(size)]) for t in range(length + 2)]
    G = sum((states[t] * sp.Matrix([[1 / (w[j] * z[j] ** (t - 1)) for j in range(size)]])
             for t in range(1, length + 1)), sp.zeros(size))
    error = step * G * states[length] - states[length + 1]
    W = sp.diag(*z)
    loss = constant_term(abs2(error, (step,)), z + w)
    estimate = constant_term(abs2((step * G - W).reshape(size * size, 1), (step,)), z + w)
    return sp.expand(loss), sp.expand(estimate)


def rotation_state(z: sp.Symbol, w: sp.Symbol, t: int) -> list[sp.Expr]:
    """The unit vector at angle $t\\theta + \\varphi$ as $(\\cos, \\sin)$ in $z = e^{i\\theta}$, $w = e^{i\\varphi}$."""
    u = w * z**t
    return [(u + 1 / u) / 2, (u - 1 / u) / (2 * sp.I)]


def rotation_moments(blocks: int, length: int, step: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """Exact $(\\mathbb E\\|\\eta G s_T - s_{T+1}\\|^2, \\mathbb E\\|\\eta G - W\\|_F^2)$, rotation blocks, $d = 2m$,
    with $\\eta$ the symbol ``step``."""
    z, w = phases("z", blocks), phases("w", blocks)
    states = [sp.Matrix(sum((rotation_state(z[b], w[b], t) for b in range(blocks)), [])) for t in range(length + 2)]
    G = sum((states[t] * states[t - 1].T for t in range(1, length + 1)), sp.zeros(2 * blocks))
    rotations = [sp.Matrix([[(zb + 1 / zb) / 2, -(zb - 1 / zb) / (2 * sp.I)],
                            [(zb - 1 / zb) / (2 * sp.I), (zb + 1 / zb) / 2]]) for zb in z]
    W = sp.diag(*rotations)
    error = step * G * states[length] - states[length + 1]
    loss = constant_term(sum((x**2 for x in error), sp.Integer(0)), z + w)
    estimate = constant_term(sum((x**2 for x in (step * G - W)), sp.Integer(0)), z + w)
    return sp.expand(loss), sp.expand(estimate)
