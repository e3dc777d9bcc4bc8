r"""The Frobenius inner product is a trace.

For real matrices $S, T \in \mathbb{R}^{m\times n}$,

$$\langle S, T\rangle_F \;=\; \sum_{i=1}^m \sum_{j=1}^n S_{ij} T_{ij} \;=\; \operatorname{tr}(S T^\top),$$

because $(S T^\top)_{ii} = \sum_j S_{ij} T_{ij}$. For complex matrices the inner product conjugates its second
argument, $\langle S, T\rangle_F = \sum_{ij} S_{ij}\overline{T_{ij}} = \operatorname{tr}(S T^{*})$ with $T^* =
\overline{T}^\top$, and the norm it induces is $\|S\|_F^2 = \langle S, S\rangle_F = \operatorname{tr}(S S^{*}) =
\sum_{ij} |S_{ij}|^2$. Corollaries: the trace is cyclic, $\operatorname{tr}(ABC) = \operatorname{tr}(BCA)$, and
Cauchy–Schwarz holds, $|\langle S, T\rangle_F| \le \|S\|_F \|T\|_F$ (by Lagrange's identity
$\|s\|^2\|t\|^2 - \langle s,t\rangle^2 = \tfrac12\sum_{p,q}(s_p t_q - s_q t_p)^2$ on the flattened matrices).

**Slip in the source.** The slide (G. Peyré, *Les mathématiques de l'intelligence artificielle*, the ChatGPT
exchange on the Frobenius norm) defines "$\|S, T\|_F := \sqrt{\sum_{ij} S_{ij}^2 + T_{ij}^2}$". That is the norm of
the pair, i.e. of the block matrix $[S\;T]$, not a norm of $S$ nor an inner product of $S$ and $T$; the Frobenius
norm is $\|S\|_F = \sqrt{\sum_{ij} S_{ij}^2} = \sqrt{\operatorname{tr}(S S^\top)}$. :func:`prove_slide_slip` proves
what the slide's expression is.

**In floating point** the two sides are computed differently and differ by rounding. With unit roundoff $u$ and
$\gamma_k = ku/(1-ku)$ (:mod:`theorems.rounding`), the sum form is one inner product of length $mn$ and the trace
form is $m$ inner products of length $n$ followed by a sum of $m$ terms, so (real case, no underflow or overflow)

$$|\mathrm{fl}(\textstyle\sum S_{ij}T_{ij}) - \mathrm{fl}(\operatorname{tr} S T^\top)|
  \le (\gamma_{mn} + \gamma_{n+m-1}) \sum_{ij} |S_{ij} T_{ij}|,$$

and in complex arithmetic $\gamma_{mn}$ becomes $c_{mn}$ and $\gamma_{n+m-1}$ becomes $(1+c_n)(1+\gamma_{m-1}) - 1$,
with $c_N = (1+\sqrt2\gamma_2)(1+\gamma_{N-1}) - 1$ the complex inner-product constant. :func:`rounding_bound` gives
these constants; the experiment in :mod:`numerics.frobenius` measures the difference against them. On random data
it sits far below them; the model of :mod:`numerics.rounding_model` (Higham and Mary 2019, 2020) predicts the
difference in units of $u$ to be the same in every format, which the experiment checks two-sidedly.

**Wrong neighbours** (:func:`conjugate_lost`, :func:`conjugate_on_first`, :func:`transpose_dropped`,
:func:`one_rounding_constant`, :data:`LOOSE_SINGLE_PRECISION`): the complex form without its conjugate,
$\operatorname{tr}(S T^\top)$; the conjugate on the first argument, $\operatorname{tr}(T S^*) =
\overline{\langle S, T\rangle_F}$ (the physicists' convention, a different inner product); the transpose dropped,
$\operatorname{tr}(S \bar T) = \sum_{ij} S_{ij} \overline{T_{ji}}$ for square matrices; the two sides "one rounding
apart", $|\cdot| \le u \sum|S_{ij}T_{ij}|$ (too small: they are two different computations); and single precision
ten times less accurate than the standard model (looser). :func:`prove_neighbours_differ` shows the first three
are different polynomials from $\langle S, T\rangle_F$ (a fact about the neighbours, not a proof step of the
theorem); the experiment rejects each of the five.

Reference: the identity is classical; see R. A. Horn and C. R. Johnson, *Matrix Analysis*, 2nd ed., Cambridge
University Press 2013, §5.2 (the Frobenius norm and inner product). Rounding: N. J. Higham, *Accuracy and Stability
of Numerical Algorithms*, 2nd ed., SIAM 2002, §3.1 and §3.6.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_true
from theorems.rounding import complex_inner_product, gamma, u
from theorems.sums import equal_up_to_reindexing

ID = "frobenius"

m, n = sp.symbols("m n", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True)
S = sp.MatrixSymbol("S", m, n)
T = sp.MatrixSymbol("T", m, n)

frobenius_sum = sp.Sum(S[i, j] * T[i, j], (i, 0, m - 1), (j, 0, n - 1))
"""$\\sum_{ij} S_{ij} T_{ij}$, the definition."""

statement = sp.Eq(frobenius_sum, sp.Trace(S * T.T))
"""$\\langle S, T\\rangle_F = \\operatorname{tr}(S T^\\top)$ for $S, T \\in \\mathbb{R}^{m\\times n}$."""

complex_statement = sp.Eq(sp.Sum(S[i, j] * sp.conjugate(T[i, j]), (i, 0, m - 1), (j, 0, n - 1)),
                          sp.Trace(S * sp.adjoint(T)))
norm_statement = sp.Eq(sp.Sum(S[i, j] ** 2, (i, 0, m - 1), (j, 0, n - 1)), sp.Trace(S * S.T))


def rounding_bound(is_complex: bool) -> sp.Expr:
    """The constant C(m, n, u) with |sum form − trace form| <= C · sum |S_ij T_ij| in floating point."""
    if is_complex:
        trace_form = (1 + complex_inner_product(n)) * (1 + gamma(m - 1)) - 1
        return complex_inner_product(m * n) + trace_form
    return gamma(m * n) + gamma(n + m - 1)


# ---------------------------------------------------------------------------------------------------------------
# Wrong neighbours: what a reader, a slide or a convention gets wrong.
# ---------------------------------------------------------------------------------------------------------------


def conjugate_lost(S, T):
    """tr(S T^T): the real form used for complex matrices, the conjugate lost."""
    return (S * T.T).trace()


def conjugate_on_first(S, T):
    """tr(T S^*) = conj(<S, T>_F): the conjugate on the first argument."""
    return (T * S.H).trace()


def transpose_dropped(S, T):
    """tr(S conj(T)) = sum_ij S_ij conj(T_ji), square matrices: the transpose dropped."""
    return (S * T.conjugate()).trace()


WRONG_TRACES = {"conjugate-lost": conjugate_lost, "conjugate-on-first": conjugate_on_first,
                "transpose-dropped": transpose_dropped}
"""The wrong trace forms, as functions of two SymPy matrices (the experiment computes each with ``jnp``)."""


def one_rounding_constant() -> sp.Expr:
    """u: the constant of the claim that the sum and trace forms are one rounding apart (too small)."""
    return u


LOOSE_SINGLE_PRECISION = 10
"""The factor by which the looser neighbour widens single precision's constant (and its error model)."""


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def _trace_as_sum(expr: sp.Trace) -> sp.Sum:
    """Unfold tr(X) = sum_i X_ii and the matrix product entries into one multiple Sum."""
    return expr.rewrite(sp.Sum)


def prove_symbolic_size() -> Check:
    """tr(S T^T) = sum_ij S_ij T_ij for symbolic m, n: unfold, exchange the finite sums, rename the index."""
    return prove_true(ID, "tr(S T^T) = sum_ij S_ij T_ij for symbolic m x n",
                      equal_up_to_reindexing(frobenius_sum, _trace_as_sum(statement.rhs)))


def prove_complex_symbolic_size() -> Check:
    """tr(S T^*) = sum_ij S_ij conj(T_ij) for symbolic m, n."""
    return prove_true(ID, "tr(S T^*) = sum_ij S_ij conj(T_ij) for symbolic m x n (complex form)",
                      equal_up_to_reindexing(complex_statement.lhs, _trace_as_sum(complex_statement.rhs)))


def prove_norm_symbolic_size() -> Check:
    """||S||_F^2 = tr(S S^T) for symbolic m, n."""
    return prove_true(ID, "||S||_F^2 = sum_ij S_ij^2 = tr(S S^T) for symbolic m x n",
                      equal_up_to_reindexing(norm_statement.lhs, _trace_as_sum(norm_statement.rhs)))


def _matrix(name: str, rows: int, cols: int, is_complex: bool = False) -> sp.Matrix:
    def entry(r, c):
        re = sp.Symbol(f"{name}_{r}{c}", real=True)
        return re + sp.I * sp.Symbol(f"{name}'_{r}{c}", real=True) if is_complex else re

    return sp.Matrix(rows, cols, entry)


def prove_explicit_sizes(max_size: int = 4) -> Check:
    """The real and complex identities at every explicit size m, n <= max_size, by expansion."""
    holds = True
    for rows, cols, is_complex in product(range(1, max_size + 1), range(1, max_size + 1), (False, True)):
        Se, Te = _matrix("s", rows, cols, is_complex), _matrix("t", rows, cols, is_complex)
        definition = sum(Se[r, c] * sp.conjugate(Te[r, c]) for r in range(rows) for c in range(cols))
        holds &= sp.expand((Se * Te.H).trace() - definition) == 0
    return prove_true(ID, f"tr(S T^*) = sum_ij S_ij conj(T_ij) at every size up to {max_size}x{max_size}, "
                          "real and complex", holds)


def prove_cyclicity(max_size: int = 3) -> Check:
    """tr(ABC) = tr(BCA) = tr(CAB) for A: p x q, B: q x r, C: r x p, every p, q, r <= max_size."""
    holds = True
    for p, q, r in product(range(1, max_size + 1), repeat=3):
        A, B, C = _matrix("a", p, q), _matrix("b", q, r), _matrix("c", r, p)
        first = sp.expand((A * B * C).trace())
        holds &= first == sp.expand((B * C * A).trace()) == sp.expand((C * A * B).trace())
    return prove_true(ID, f"cyclicity tr(ABC) = tr(BCA) = tr(CAB) for all sizes up to {max_size}", holds)


def prove_cyclicity_symbolic_size() -> Check:
    """tr(ABC) = tr(BCA) for symbolic sizes, by exchanging the three finite sums."""
    p, q, r = sp.symbols("p q r", integer=True, positive=True)
    A, B, C = sp.MatrixSymbol("A", p, q), sp.MatrixSymbol("B", q, r), sp.MatrixSymbol("C", r, p)
    abc, bca = _trace_as_sum(sp.Trace(A * B * C)), _trace_as_sum(sp.Trace(B * C * A))
    return prove_true(ID, "cyclicity tr(ABC) = tr(BCA) for symbolic p, q, r", equal_up_to_reindexing(abc, bca))


def prove_cauchy_schwarz(max_entries: int = 6) -> Check:
    """Lagrange's identity ||s||^2 ||t||^2 - <s,t>^2 = 1/2 sum_pq (s_p t_q - s_q t_p)^2 >= 0, up to N entries.

    The right side is a sum of squares of real numbers, hence non-negative: this is |<S,T>_F| <= ||S||_F ||T||_F
    for every real matrix with at most ``max_entries`` entries (an m x n matrix is a vector of mn entries).
    """
    holds = True
    for size in range(1, max_entries + 1):
        s = sp.symbols(f"s0:{size}", real=True)
        t = sp.symbols(f"t0:{size}", real=True)
        gap = sum(x * x for x in s) * sum(y * y for y in t) - sum(x * y for x, y in zip(s, t)) ** 2
        squares = sp.Rational(1, 2) * sum((s[a] * t[b] - s[b] * t[a]) ** 2 for a in range(size) for b in range(size))
        holds &= sp.expand(gap - squares) == 0
    return prove_true(ID, f"Cauchy-Schwarz |<S,T>_F| <= ||S||_F ||T||_F via Lagrange's identity, up to "
                          f"{max_entries} entries", holds)


def prove_neighbours_differ(size: int = 2) -> Check:
    """Each wrong trace form differs from sum_ij S_ij conj(T_ij) as a polynomial in the entries (size x size,
    complex): the neighbours are different statements, not other spellings of the same one."""
    Se, Te = _matrix("s", size, size, True), _matrix("t", size, size, True)
    definition = sum(Se[r, c] * sp.conjugate(Te[r, c]) for r in range(size) for c in range(size))
    differ = all(sp.expand(wrong(Se, Te) - definition) != 0 for wrong in WRONG_TRACES.values())
    return prove_true(ID, f"the conjugate lost, on the first argument, the transpose dropped: each differs from "
                          f"<S,T>_F at {size}x{size}", differ)


def prove_slide_slip() -> Check:
    """The slide's sqrt(sum S_ij^2 + T_ij^2) is the Frobenius norm of the block matrix [S T], at sizes up to 3x3."""
    holds = True
    for rows, cols in product(range(1, 4), repeat=2):
        Se, Te = _matrix("s", rows, cols), _matrix("t", rows, cols)
        slide = sum(Se[r, c] ** 2 + Te[r, c] ** 2 for r in range(rows) for c in range(cols))
        block = Se.row_join(Te)
        holds &= sp.expand(slide - (block * block.T).trace()) == 0
    return prove_true(ID, "the slide's ||S, T||_F is ||[S T]||_F, the norm of the pair, not of S", holds)


THEOREM = Theorem(
    id=ID,
    title="The Frobenius inner product is a trace",
    module="frobenius",
    reference=Reference(
        key="horn2013matrix",
        authors=("Roger A. Horn", "Charles R. Johnson"),
        year=2013,
        title="Matrix Analysis",
        venue="Cambridge University Press",
        edition="Second",
        note="Section 5.2",
        doi="10.1017/CBO9781139020411",
        entry_type="book",
    ),
    statement=statement,
    assumptions=(
        r"$S, T$ are $m \times n$ matrices with real entries (complex form: $\langle S, T\rangle_F = \sum_{ij} "
        r"S_{ij} \overline{T_{ij}} = \operatorname{tr}(S T^*)$)",
        r"$\|S\|_F^2 = \langle S, S\rangle_F = \operatorname{tr}(S S^\top)$; the slide's "
        r"$\sqrt{\sum S_{ij}^2 + T_{ij}^2}$ is the norm of $[S\ T]$ (a slip)",
        r"floating point: no overflow or underflow; entries drawn with magnitudes in $[2^{-8}, 2^8]$",
    ),
    proofs=(
        prove_symbolic_size,
        prove_complex_symbolic_size,
        prove_norm_symbolic_size,
        prove_explicit_sizes,
        prove_cyclicity,
        prove_cyclicity_symbolic_size,
        prove_cauchy_schwarz,
        prove_slide_slip,
    ),
    aliases=("frobenius-trace", "trace-identity"),
    summary="⟨S,T⟩_F = ∑ᵢⱼ Sᵢⱼ Tᵢⱼ = tr(S Tᵀ), and its complex form",
)
