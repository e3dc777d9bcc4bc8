r"""Reverse-mode differentiation: the gradient of a $K$-operation function costs $O(K)$ operations.

Let $E:\mathbb{R}^d\to\mathbb{R}$ be computed by a straight-line program of $K$ elementary operations ($+, -,
\times, /$ and elementary functions such as $\exp, \log, \tanh$), each with a derivative that costs $O(1)$. Then

* forward differences $\bigl(E(\theta+\varepsilon\delta_i)-E(\theta)\bigr)/\varepsilon$ cost $K(d+1)$ operations,
  central differences $2dK$;
* forward mode (one Jacobian-vector product per coordinate direction) costs $d$ tangent sweeps, each at most
  $c_{\mathrm{fwd}}K$, so it grows like $d\cdot K$;
* reverse mode (one forward sweep storing the intermediate values, one backward sweep accumulating adjoints
  $\bar v_j = \sum_{i:\,j\to i} \bar v_i\,\partial v_i/\partial v_j$) computes the whole gradient in at most
  $c\,K$ operations, with $c$ independent of $d$:

$$\mathrm{OPS}(E, \nabla E) \le c\,K \;\ll\; K(d+1) \quad (d > c - 1).$$

**The constants, and what each counts.**

* *Baur–Strassen* (1983): over a field, counting only **non-scalar** multiplications and divisions (products of
  two computed quantities; additions and multiplications by constants are free), $E$ together with its $d$ partial
  derivatives costs at most $3$ times $E$. Here elementary functions are counted as non-scalar operations too,
  which extends their model: :func:`prove_nonscalar_tally` shows the per-operation constant is still 3.
* *Griewank–Walther* (2008, §4.6, the "cheap gradient principle"): the gradient costs at most $\omega$ times the
  function, $\omega \le 4$ counting arithmetic operations (OPS) and $\omega \le 5$ in their TIME model, which also
  charges memory moves. (Numbers as quoted in the issue; the book was not at hand to re-read.)
* *This module's counting* (every addition, multiplication and elementary function one operation, every adjoint
  update $\bar a \mathrel{+}= \ldots$ an addition, :mod:`numerics.opcount` on the JAX side): the per-operation
  tally of :func:`prove_operation_tally` gives $c = 5$ (a multiplication: one forward, two products and two
  updates backward; $\tanh$: one forward, $1 - v^2$, one product and one update), a bound for every program. For
  the slide's network the reverse sweep is two matrix products per layer and one for the first (whose input needs
  no gradient), so the count tends to $3 - 1/L$ of the forward count for $L$ layers of large width
  (:func:`prove_mlp_ratio_limit`): under Griewank–Walther's 4.

**The slide's network** (G. Peyré, *Les mathématiques de l'intelligence artificielle*, "The Complexity of Gradient
Computation"): columns of $X_0 = Z$ are samples, $X_{r+1} = \rho(A_r X_r + b_r \mathbf{1}^\top)$ for
$r = 0..R-1$, and the loss $\ell(X_R, Y)$. Its BackwardNN sweep is, with $G \leftarrow \partial\ell/\partial X_R$
and $r$ from $R-1$ down to $0$,

$$M = \rho'(A_r X_r + b_r\mathbf{1}^\top) \odot G,\quad G \leftarrow A_r^\top M,\quad
  \nabla_{A_r} = M X_r^\top,\quad \nabla_{b_r} = M\mathbf{1}.$$

:func:`prove_backward_tanh` and :func:`prove_backward_undefined_rho` show with SymPy that this recursion equals the
symbolic gradient exactly (squared loss $\ell = \tfrac12\|X_R - Y\|_F^2$, so $\partial\ell/\partial X_R = X_R-Y$).

**Slips in the source.** (1) The theorem is credited to Linnainmaa 1970; his master's thesis (in Finnish; published
as Linnainmaa 1976) introduced the reverse accumulation of derivatives, to propagate rounding errors, but the
$O(K)$ complexity statement with explicit constants is Baur–Strassen 1983 (and Kim, Nesterov et al. 1984;
Griewank 1989). (2) BackwardNN recomputes the pre-activation ``A[r].dot(X[r]) + b`` instead of storing it: one
extra forward matrix product per layer, plus the unused product $A_0^\top M$ at $r = 0$ (dead code: XLA and
our counter drop it). For wide layers the slide's sweep costs $4 - 1/L$ times the forward pass instead of
$3 - 1/L$ (:func:`prove_mlp_ratio_limit`); :mod:`numerics.reverse_mode` measures 3.0 to 4.15. (3) In BackwardNN the batch size ``n`` is
undefined (it is ``Z.shape[1]`` of ForwardNN) and ``gA``, ``gb`` are not initialised; harmless.

References: S. Linnainmaa, *Taylor expansion of the accumulated rounding error*, BIT 16 (1976) 146–160 (from his
1970 master's thesis, University of Helsinki); W. Baur and V. Strassen, *The complexity of partial derivatives*,
Theoretical Computer Science 22 (1983) 317–330; A. Griewank and A. Walther, *Evaluating Derivatives*, 2nd ed.,
SIAM 2008, §4.6.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true

ID = "linnainmaa1970"

K, d = sp.symbols("K d", integer=True, positive=True)
"""K: operations of the program computing E; d: number of inputs (parameters)."""
L, w, B = sp.symbols("L w B", integer=True, positive=True)
"""Layers, width and batch size of the slide's network."""

forward_differences = K * (d + 1)
central_differences = 2 * d * K
TALLY_CONSTANT = 5
"""c for every program, this module's counting (all operations, adjoint updates included)."""
BAUR_STRASSEN = 3
"""c for non-scalar multiplications, divisions (and, here, elementary functions)."""
GRIEWANK_WALTHER = 4
"""ω of the cheap gradient principle, arithmetic operations."""

OPS_grad, NS_grad, NS_E, OPS_fwd = sp.symbols(r"OPS_{\nabla{}E} NS_{\nabla{}E} NS_E OPS_{fwd}", positive=True)
statement = sp.And(
    sp.Le(OPS_grad, TALLY_CONSTANT * K),
    sp.Le(NS_grad, BAUR_STRASSEN * NS_E),
    sp.Le(OPS_fwd, TALLY_CONSTANT * d * K),
    sp.Lt(TALLY_CONSTANT * K, forward_differences),
    evaluate=False,
)
r"""$\mathrm{OPS}(\nabla E)\le 5K$, $\mathrm{NS}(\nabla E)\le 3\,\mathrm{NS}(E)$, forward mode $\le 5dK$, and
reverse mode beats forward differences $K(d+1)$ (for $d > 4$)."""


# ---------------------------------------------------------------------------------------------------------------
# Counting operations of SymPy expression graphs (the same weights as numerics/opcount.py)
# ---------------------------------------------------------------------------------------------------------------


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
        return Tally(self.arithmetic + other.arithmetic, self.transcendental + other.transcendental,
                     self.multiplications + other.multiplications, self.nonscalar + other.nonscalar)


def _pow_products(n: int) -> int:
    """Multiplications of square-and-multiply for a positive integer power n."""
    return 0 if n <= 1 else n.bit_length() - 1 + bin(n).count("1") - 1


def _node(expr: sp.Basic) -> Tally:
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
    total = _node(expr)
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


# ---------------------------------------------------------------------------------------------------------------
# The per-operation tally: forward operation + its adjoint updates, for every elementary operation
# ---------------------------------------------------------------------------------------------------------------

a, b, v, vbar = sp.symbols("a b v vbar", real=True)
_t = sp.Symbol("t", positive=True)

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


def operation_tally(name: str) -> tuple[Tally, Tally]:
    """(forward, forward + reverse) operations of one elementary operation; each adjoint update ā += ... is one
    addition (the worst case, when ā already holds a contribution)."""
    expr = BINARY[name] if name in BINARY else UNARY[name][0]
    # the logistic function is one elementary function, not the SymPy graph 1/(1 + exp(-a))
    forward = Tally(transcendental=1, nonscalar=1) if name == "sigmoid" else _node(expr)
    updates = adjoint_updates(name)
    reverse = count_graph([u for u in updates if u != vbar and u != -vbar]) + Tally(arithmetic=len(updates))
    return forward, forward + reverse


def prove_operation_tally(constant: int = TALLY_CONSTANT) -> Check:
    """Every elementary operation with its adjoint costs at most 5 times itself: so OPS(E, ∇E) <= 5K.

    With n_τ operations of type τ, OPS(E, ∇E) = Σ n_τ g_τ and K = Σ n_τ f_τ; so
    5K − OPS(E, ∇E) = Σ n_τ (5 f_τ − g_τ) is a non-negative combination of the n_τ >= 0 exactly when every
    coefficient is >= 0.
    """
    names = list(BINARY) + list(UNARY)
    counts = sp.symbols(f"n_0:{len(names)}", nonnegative=True)
    gap = sum(n * (constant * operation_tally(name)[0].total - operation_tally(name)[1].total)
              for n, name in zip(counts, names))
    coefficients = [gap.coeff(n) for n in counts]
    return prove_true(ID, f"each of {', '.join(names)} with its adjoint costs <= {constant}x itself (all "
                          f"operations): OPS(E, grad E) <= {constant}K for any such program",
                      sp.And(*[sp.Ge(c, 0) for c in coefficients]))


def prove_tally_constant_is_attained() -> Check:
    """The constant 5 is not slack: a product (1 forward, 2 products + 2 updates backward) costs exactly 5."""
    forward, both = operation_tally("mul")
    return prove_true(ID, "a multiplication with its adjoint costs exactly 5 operations (tally constant attained)",
                      sp.Eq(sp.Integer(both.total), TALLY_CONSTANT * forward.total))


def prove_nonscalar_tally(constant: int = BAUR_STRASSEN) -> Check:
    """Baur–Strassen's 3: non-scalar operations of each operation with its adjoint, at most 3 times its own."""
    names = list(BINARY) + list(UNARY)
    holds = []
    for name in names:
        forward, both = operation_tally(name)
        holds.append(sp.Le(both.nonscalar, constant * forward.nonscalar))
    return prove_true(ID, "non-scalar operations (products of two computed values, elementary functions) of each "
                          f"operation with its adjoint <= {constant}x its own: NS(E, grad E) <= {constant} NS(E) "
                          "(Baur-Strassen)",
                      sp.And(*holds))


def tangent_tally(name: str) -> tuple[Tally, Tally]:
    """(forward, forward + tangent) operations of one elementary operation: the tangent is
    sum_i ∂v/∂a_i · ȧ_i (forward mode, one direction)."""
    expr = BINARY[name] if name in BINARY else UNARY[name][0]
    forward = Tally(transcendental=1, nonscalar=1) if name == "sigmoid" else _node(expr)
    dots = sp.symbols("adot bdot", real=True)
    if name in BINARY:
        tangent = sum(sp.diff(expr, x) * dx for x, dx in zip((a, b), dots))
    else:
        tangent = adjoint_updates(name)[0].subs(vbar, dots[0])  # the same partial, times ȧ instead of v̄
    return forward, forward + count_graph([tangent])


def prove_forward_mode_tally(constant: int = TALLY_CONSTANT) -> Check:
    """Each operation with its tangent costs at most 5 times itself: one jvp <= 5K, d of them <= 5dK."""
    holds = [sp.Le(tangent_tally(name)[1].total, constant * tangent_tally(name)[0].total)
             for name in [*BINARY, *UNARY]]
    return prove_true(ID, f"each operation with its tangent costs <= {constant}x itself: forward mode, d jvps, "
                          f"<= {constant} d K", sp.And(*holds))


def prove_beats_finite_differences() -> Check:
    """5K < K(d+1) for every d >= 5, and the ratio K(d+1)/(5K) grows without bound in d."""
    gap = sp.expand((forward_differences - TALLY_CONSTANT * K).subs(d, _t + 4))  # d = 4 + t, t > 0
    unbounded = sp.limit(forward_differences / (TALLY_CONSTANT * K), d, sp.oo)
    return prove_true(ID, "reverse mode (<= 5K) beats forward differences K(d+1) for d > 4; their ratio -> oo",
                      sp.And(sp.Gt(gap, 0), sp.Eq(unbounded, sp.oo)))


# ---------------------------------------------------------------------------------------------------------------
# The slide's network, symbolically
# ---------------------------------------------------------------------------------------------------------------


def mlp_counts(recompute: bool = False, keep_dead: bool = False) -> tuple[sp.Expr, sp.Expr]:
    """Leading (matrix-product) operation counts of the slide's network: L layers of width w, batch B.

    Forward: one product A_r X_r per layer, 2 w² B operations each. Reverse: A_r^T M and M X_r^T per layer,
    except A_0^T M (the input needs no gradient). The slide's BackwardNN (``recompute=True``) also recomputes
    A_r X_r; it computes A_0^T M too, dead code that a compiler (and :mod:`numerics.opcount`) drops
    (``keep_dead=True`` counts it). Elementwise terms are O(w B) per layer, lower order as w grows.
    """
    product = 2 * w**2 * B
    forward = L * product
    backward = (2 * L - 1) * product + (L * product if recompute else 0) + (product if keep_dead else 0)
    return forward, forward + backward


def prove_mlp_ratio_limit() -> Check:
    """grad/forward -> 3 − 1/L for wide layers (<= GW's 4 for every L); the slide's BackwardNN -> 4 − 1/L."""
    forward, grad = mlp_counts()
    ratio = sp.simplify(grad / forward)
    ratio_slide = sp.simplify(mlp_counts(recompute=True)[1] / forward)
    ratio_slide_dead = sp.simplify(mlp_counts(recompute=True, keep_dead=True)[1] / forward)
    return prove_true(ID, "slide's network, wide layers: grad/forward = 3 - 1/L <= 4 for all L; the slide's "
                          "BackwardNN (recomputing A_r X_r) = 4 - 1/L, or 4 counting its unused A_0^T M",
                      sp.And(sp.Eq(ratio, 3 - 1 / L), sp.Le(ratio, GRIEWANK_WALTHER), sp.Eq(ratio_slide, 4 - 1 / L),
                             sp.Eq(ratio_slide_dead, 4), sp.Eq(sp.limit(ratio, L, sp.oo), 3)))


SMALL_WIDTHS = (2, 3, 2)
SMALL_BATCH = 2


def symbolic_network(widths=SMALL_WIDTHS, batch: int = SMALL_BATCH, rho=sp.tanh):
    """Symbolic weights A_r, b_r, inputs Z, targets Y; returns (params, Z, Y) as SymPy matrices."""
    params = []
    for r, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        A = sp.Matrix(n_out, n_in, lambda i, j: sp.Symbol(f"A{r}_{i}{j}", real=True))
        bias = sp.Matrix(n_out, 1, lambda i, _: sp.Symbol(f"b{r}_{i}", real=True))
        params.append((A, bias))
    Z = sp.Matrix(widths[0], batch, lambda i, j: sp.Symbol(f"z_{i}{j}", real=True))
    Y = sp.Matrix(widths[-1], batch, lambda i, j: sp.Symbol(f"y_{i}{j}", real=True))
    return params, Z, Y


def _apply(rho, M: sp.Matrix) -> sp.Matrix:
    return M.applyfunc(rho)


def forward_nn(params, Z, rho) -> list[sp.Matrix]:
    """The slide's ForwardNN: X_0 = Z, X_{r+1} = rho(A_r X_r + b_r 1^T)."""
    X = [Z]
    ones = sp.ones(1, Z.shape[1])
    for A, bias in params:
        X.append(_apply(rho, A * X[-1] + bias * ones))
    return X


def loss(X_last: sp.Matrix, Y: sp.Matrix) -> sp.Expr:
    """1/2 ||X_R − Y||_F²."""
    diff = X_last - Y
    return sum(e**2 for e in diff) / 2


def backward_nn(params, X, Y, rho_prime):
    """The slide's BackwardNN: gradients (gA_r, gb_r) from the stored X_r, recomputing A_r X_r + b_r."""
    G = X[-1] - Y  # lossG for the squared loss
    ones = sp.ones(X[0].shape[1], 1)
    grads = [None] * len(params)
    for r in range(len(params) - 1, -1, -1):
        A, bias = params[r]
        M = _apply(rho_prime, A * X[r] + bias * ones.T).multiply_elementwise(G)
        G = A.T * M
        grads[r] = (M * X[r].T, M * ones)
    return grads


def _rho_prime_of(rho):
    z = sp.Dummy("z")
    derivative = sp.diff(rho(z), z)
    return lambda arg: derivative.subs(z, arg)


def _symbolic_gradient(params, E):
    return [(A.applyfunc(lambda s: sp.diff(E, s)), bias.applyfunc(lambda s: sp.diff(E, s))) for A, bias in params]


def _stack(grads) -> sp.Matrix:
    return sp.Matrix.vstack(*[sp.Matrix.vstack(gA.reshape(gA.shape[0] * gA.shape[1], 1), gb) for gA, gb in grads])


def prove_backward(rho, name: str, widths=SMALL_WIDTHS, batch: int = SMALL_BATCH, rho_prime=None) -> Check:
    """BackwardNN (with ``rho_prime``, by default the true derivative) against SymPy's gradient of the loss."""
    params, Z, Y = symbolic_network(widths, batch)
    X = forward_nn(params, Z, rho)
    E = loss(X[-1], Y)
    by_recursion = _stack(backward_nn(params, X, Y, rho_prime or _rho_prime_of(rho)))
    by_sympy = _stack(_symbolic_gradient(params, E))
    return prove_equal(ID, f"slide's BackwardNN = symbolic gradient, R={len(widths) - 1}, widths {widths}, batch "
                           f"{batch}, rho = {name}", by_recursion, by_sympy)


def prove_backward_tanh() -> Check:
    """The BackwardNN recursion equals SymPy's gradient for rho = tanh."""
    return prove_backward(sp.tanh, "tanh")


def prove_backward_undefined_rho() -> Check:
    """The BackwardNN recursion equals SymPy's gradient for an undefined activation rho."""
    return prove_backward(sp.Function("rho"), "an undefined function")


@cache
def small_network_graph_counts() -> tuple[Tally, Tally]:
    """(the loss, the loss with the reverse sweep) of the small tanh network, as cse'd SymPy graphs."""
    params, Z, Y = symbolic_network()
    X = forward_nn(params, Z, sp.tanh)
    E = loss(X[-1], Y)
    return count_graph([E]), count_graph([E, *_stack(_reverse_sweep_storing(params, X, Y))])


def _reverse_sweep_storing(params, X, Y):
    """BackwardNN with tanh' = 1 − X_{r+1}² read from the stored values (no recomputation), no A_0^T M."""
    G = X[-1] - Y
    ones = sp.ones(X[0].shape[1], 1)
    grads = [None] * len(params)
    for r in range(len(params) - 1, -1, -1):
        A, _ = params[r]
        M = X[r + 1].applyfunc(lambda x: 1 - x**2).multiply_elementwise(G)
        if r > 0:
            G = A.T * M
        grads[r] = (M * X[r].T, M * ones)
    return grads


def prove_graph_count_ratio() -> Check:
    """After cse, the reverse sweep's expression graph costs at most 5 times the loss's (all operations) and at
    most 3 times its non-scalar operations."""
    forward, sweep = small_network_graph_counts()
    ratio = sp.Rational(sweep.total, forward.total)
    nonscalar = sp.Rational(sweep.nonscalar, forward.nonscalar)
    return prove_true(ID, f"SymPy graphs after cse, small tanh network: OPS ratio {sweep.total}/{forward.total} = "
                          f"{float(ratio):.2f} <= {TALLY_CONSTANT}, non-scalar ratio {sweep.nonscalar}/"
                          f"{forward.nonscalar} = {float(nonscalar):.2f} <= {BAUR_STRASSEN}",
                      sp.And(sp.Le(ratio, TALLY_CONSTANT), sp.Le(nonscalar, BAUR_STRASSEN)))


THEOREM = Theorem(
    id=ID,
    title="Reverse mode: the gradient of a K-operation function costs O(K) (cheap gradient principle)",
    module="reverse_mode",
    reference=Reference(
        key="linnainmaa1976taylor",
        authors=("Seppo Linnainmaa",),
        year=1976,
        title="Taylor expansion of the accumulated rounding error",
        venue="BIT Numerical Mathematics 16(2), 146-160 (from the author's 1970 master's thesis, U. Helsinki)",
        doi="10.1007/BF01931367",
    ),
    statement=statement,
    assumptions=(
        "E: R^d -> R computed by a straight-line program of K elementary operations (+, -, x, reciprocal, exp, "
        "log, tanh, sigmoid, sin, sqrt, ...), each derivative computable in O(1) from the argument and value",
        "counting: every scalar operation is one (adjoint updates a += ... included), transcendentals one each; "
        "Baur-Strassen (1983, doi:10.1016/0304-3975(83)90110-X) count non-scalar products only (constant 3); "
        "Griewank-Walther (2008, Evaluating Derivatives, SIAM, §4.6) give omega <= 4 (OPS), <= 5 (TIME)",
        "reverse mode stores the forward values: memory O(K) unless recomputed (checkpointing)",
    ),
    proofs=(
        prove_backward_tanh,
        prove_backward_undefined_rho,
        prove_operation_tally,
        prove_tally_constant_is_attained,
        prove_nonscalar_tally,
        prove_forward_mode_tally,
        prove_beats_finite_differences,
        prove_mlp_ratio_limit,
        prove_graph_count_ratio,
    ),
    aliases=("reverse-mode", "cheap-gradient"),
    summary="grad of a K-op function in <= cK ops (c = 5 all ops here, 3 non-scalar), vs K(d+1) for finite "
            "differences",
)

THEOREMS = (THEOREM,)

