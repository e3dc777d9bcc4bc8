r"""Reverse-mode differentiation: the gradient of a $K$-operation function costs $O(K)$ operations.

Let $E:\mathbb{R}^d\to\mathbb{R}$ be computed by a straight-line program of $K$ elementary operations ($+, -,
\times, /$ and elementary functions such as $\exp, \log, \tanh$), each with a derivative that costs $O(1)$. Then

* forward differences $\bigl(E(\theta+\varepsilon\delta_i)-E(\theta)\bigr)/\varepsilon$ cost $K(d+1)$ operations
  ($d + 1$ evaluations of $E$, plus $O(d)$ for the shifts and the quotients), central differences $2dK$;
* forward mode (one Jacobian-vector product per coordinate direction) costs $d$ tangent sweeps, each at most
  $c_{\mathrm{fwd}}K$, so it grows like $d\cdot K$;
* reverse mode (one forward sweep storing the intermediate values, one backward sweep accumulating adjoints
  $\bar v_j = \sum_{i:\,j\to i} \bar v_i\,\partial v_i/\partial v_j$) computes the whole gradient in at most
  $c\,K$ operations, with $c$ independent of $d$:

$$\mathrm{OPS}(E, \nabla E) \le c\,K \;<\; K(d+1) \quad \text{when } d > c - 1,$$

and the condition is needed: with the counting below, $c = 5$, so reverse mode is cheaper than forward differences
for $d > 4$ only (at $d = 4$ the two are equal, for $d < 4$ finite differences are cheaper;
:func:`prove_beats_finite_differences`).

**One cost model, the package's own.** Every addition, subtraction, multiplication, division and elementary
function is one operation, and every adjoint update $\bar a \mathrel{+}= \ldots$ one addition
(:mod:`numerics.opcount` counts jaxprs this way, :mod:`~theorems.reverse_mode.tally` SymPy graphs). All constants
below are stated, proved and measured in this one counting:

* $c = 5$, the tally (:func:`prove_operation_tally`; the operations are in
  :mod:`theorems.reverse_mode.elementary`): each elementary operation with its adjoint costs at most 5 times itself
  (a multiplication: one forward, two products and two updates backward; $\tanh$: one forward, $1 - v^2$, one
  product and one update), so $\mathrm{OPS}(E, \nabla E) \le 5K$ for every program. The 5 is attained
  (:func:`prove_tally_constant_is_attained`) and reached by a whole program: the product chain $x_1\cdots x_n$
  costs exactly $5K - 1$ (:func:`prove_product_chain_counts`, :mod:`theorems.reverse_mode.chain`), so no smaller
  constant bounds every program in this counting.
* $3 - 1/L$, the slide's network with $L$ wide layers (:func:`prove_mlp_ratio_limit`): matrix products dominate,
  and the adjoint of a product is two products whose additions are part of the contraction; so the network sits
  $2 + 1/L$ below the constant that the product chain reaches.
* $3$, non-scalar operations (products of two computed values, elementary functions): *Baur–Strassen* (1983)
  count only non-scalar multiplications and divisions over a field (additions and multiplications by constants
  free) and show that $E$ with its $d$ partial derivatives costs at most 3 times $E$; counting elementary functions
  as non-scalar too extends their model, and :func:`prove_nonscalar_tally` shows the per-operation constant is
  still 3.
* $5$ per direction for forward mode (:func:`prove_forward_mode_tally`), $d$ directions.

Which updates a program actually pays is a property of the program, not of the bound: ``jax.grad`` writes a first
contribution to an adjoint instead of adding it to zero, so on the product chain it costs $3K - 1$, not $5K - 1$
(measured, :mod:`numerics.reverse_mode.chain`). Its derivative rules are its own, too: for a quotient $a/b$ it
computes $b^{-2}$ (an integer power, two operations), and a chain of $n - 1$ divisions costs it $7(n-1) - 1$
counted operations, while the tally counts a division as a reciprocal then a product (two operations of $K$). The
numeric checks therefore bound ``jax.grad`` by 5 on the programs they count, not on every program.

*Constants of other cost models, not checked here.* Griewank–Walther (2008, §4.6, the "cheap gradient principle")
state $\omega \le 4$ for their OPS and $\omega \le 5$ for their TIME model, which weight moves, additions,
multiplications and nonlinear operations in their own way (numbers as quoted in the issue; the book was not at hand
to re-read). Applied to this package's count, their 4 is false: the product chain measures $5 - 1/(n-1)$ (4.999 at
$n = 1000$), and MLPs stay under 4 only because they are matmul-dominated. No check compares a count here with 4.

**The slide's network** (G. Peyré, *Les mathématiques de l'intelligence artificielle*, "The Complexity of Gradient
Computation"): columns of $X_0 = Z$ are samples, $X_{r+1} = \rho(A_r X_r + b_r \mathbf{1}^\top)$ for
$r = 0..R-1$, and the loss $\ell(X_R, Y)$. Its BackwardNN sweep is, with $G \leftarrow \partial\ell/\partial X_R$
and $r$ from $R-1$ down to $0$,

$$M = \rho'(A_r X_r + b_r\mathbf{1}^\top) \odot G,\quad G \leftarrow A_r^\top M,\quad
  \nabla_{A_r} = M X_r^\top,\quad \nabla_{b_r} = M\mathbf{1}.$$

:func:`prove_backward_tanh` and :func:`prove_backward_undefined_rho` show with SymPy that this recursion equals the
symbolic gradient exactly (squared loss $\ell = \tfrac12\|X_R - Y\|_F^2$, so $\partial\ell/\partial X_R = X_R-Y$;
the network in SymPy is :mod:`theorems.reverse_mode.symbolic_network`).

**Slips in the source.** (1) The theorem is credited to Linnainmaa 1970; his master's thesis (in Finnish; published
as Linnainmaa 1976) introduced the reverse accumulation of derivatives, to propagate rounding errors, but the
$O(K)$ complexity statement with explicit constants is Baur–Strassen 1983 (and Kim, Nesterov et al. 1984;
Griewank 1989). (2) BackwardNN recomputes the pre-activation ``A[r].dot(X[r]) + b`` instead of storing it: one
extra forward matrix product per layer, plus the unused product $A_0^\top M$ at $r = 0$ (dead code: XLA and
our counter drop it). For wide layers the slide's sweep costs $4 - 1/L$ times the forward pass instead of
$3 - 1/L$ (:func:`prove_mlp_ratio_limit`); :mod:`numerics.reverse_mode.gradient_cost` measures 3.0 to 4.15.
(3) In BackwardNN the batch size ``n`` is undefined (it is ``Z.shape[1]`` of ForwardNN) and ``gA``, ``gb`` are not
initialised; harmless.

References: S. Linnainmaa, *Taylor expansion of the accumulated rounding error*, BIT 16 (1976) 146–160 (from his
1970 master's thesis, University of Helsinki); W. Baur and V. Strassen, *The complexity of partial derivatives*,
Theoretical Computer Science 22 (1983) 317–330; A. Griewank and A. Walther, *Evaluating Derivatives*, 2nd ed.,
SIAM 2008, §4.6.
"""

from __future__ import annotations

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.notation import symbol
from theorems.reverse_mode import chain, elementary, symbolic_network

ID = "linnainmaa1970"

K, d = sp.symbols("K d", integer=True, positive=True)
"""K: operations of the program computing E; d: number of inputs (parameters)."""

forward_differences = K * (d + 1)
central_differences = 2 * d * K
TALLY_CONSTANT = 5
"""c for every program, this module's counting (all operations, adjoint updates included)."""
BAUR_STRASSEN = 3
"""c for non-scalar multiplications, divisions (and, here, elementary functions)."""
GRIEWANK_WALTHER = 4
"""ω of the cheap gradient principle in Griewank–Walther's OPS model: another cost model, against which nothing here
is checked (in this package's count a product chain reaches 5 − 1/(n − 1)); kept to name it in figures."""

OPS_grad = symbol("OPS_grad", r"\mathrm{OPS}(\nabla E)", "OPS(∇E)", positive=True)
NS_grad = symbol("NS_grad", r"\mathrm{NS}(\nabla E)", "NS(∇E)", positive=True)
NS_E = symbol("NS_E", r"\mathrm{NS}(E)", "NS(E)", positive=True)
OPS_fwd = symbol("OPS_fwd", r"\mathrm{OPS}_{\mathrm{fwd}}(\nabla E)", "OPS_fwd(∇E)", positive=True)
statement = sp.And(
    sp.Le(OPS_grad, TALLY_CONSTANT * K),
    sp.Le(NS_grad, BAUR_STRASSEN * NS_E),
    sp.Le(OPS_fwd, TALLY_CONSTANT * d * K),
    sp.Implies(sp.Gt(d, TALLY_CONSTANT - 1), sp.Lt(TALLY_CONSTANT * K, forward_differences), evaluate=False),
    evaluate=False,
)
r"""$\mathrm{OPS}(\nabla E)\le 5K$, $\mathrm{NS}(\nabla E)\le 3\,\mathrm{NS}(E)$, forward mode $\le 5dK$, and
reverse mode beats forward differences $K(d+1)$ when $d > 4$ (the condition is part of the statement: for $d \le 4$,
$5K \ge K(d+1)$)."""

_t = sp.Symbol("t", positive=True)


# ---------------------------------------------------------------------------------------------------------------
# The per-operation tally: forward operation + its adjoint updates, for every elementary operation
# ---------------------------------------------------------------------------------------------------------------


def prove_operation_tally(constant: int = TALLY_CONSTANT) -> Check:
    """Every elementary operation with its adjoint costs at most 5 times itself: so OPS(E, ∇E) <= 5K.

    With n_τ operations of type τ, OPS(E, ∇E) = Σ n_τ g_τ and K = Σ n_τ f_τ; so
    5K − OPS(E, ∇E) = Σ n_τ (5 f_τ − g_τ) is a non-negative combination of the n_τ >= 0 exactly when every
    coefficient is >= 0.
    """
    names = list(elementary.NAMES)
    counts = sp.symbols(f"n_0:{len(names)}", nonnegative=True)
    gap = sum(n * (constant * elementary.operation_tally(name)[0].total - elementary.operation_tally(name)[1].total)
              for n, name in zip(counts, names))
    coefficients = [gap.coeff(n) for n in counts]
    return prove_true(ID, f"each of {', '.join(names)} with its adjoint costs <= {constant}x itself (all "
                          f"operations): OPS(E, grad E) <= {constant}K for any such program",
                      sp.And(*[sp.Ge(c, 0) for c in coefficients]))


def prove_tally_constant_is_attained() -> Check:
    """The constant 5 is not slack: a product (1 forward, 2 products + 2 updates backward) costs exactly 5."""
    forward, both = elementary.operation_tally("mul")
    return prove_true(ID, "a multiplication with its adjoint costs exactly 5 operations (tally constant attained)",
                      sp.Eq(sp.Integer(both.total), TALLY_CONSTANT * forward.total))


def prove_nonscalar_tally(constant: int = BAUR_STRASSEN) -> Check:
    """Baur–Strassen's 3: non-scalar operations of each operation with its adjoint, at most 3 times its own."""
    holds = []
    for name in elementary.NAMES:
        forward, both = elementary.operation_tally(name)
        holds.append(sp.Le(both.nonscalar, constant * forward.nonscalar))
    return prove_true(ID, "non-scalar operations (products of two computed values, elementary functions) of each "
                          f"operation with its adjoint <= {constant}x its own: NS(E, grad E) <= {constant} NS(E) "
                          "(Baur-Strassen)",
                      sp.And(*holds))


def prove_forward_mode_tally(constant: int = TALLY_CONSTANT) -> Check:
    """Each operation with its tangent costs at most 5 times itself: one jvp <= 5K, d of them <= 5dK."""
    holds = [sp.Le(elementary.tangent_tally(name)[1].total, constant * elementary.tangent_tally(name)[0].total)
             for name in elementary.NAMES]
    return prove_true(ID, f"each operation with its tangent costs <= {constant}x itself: forward mode, d jvps, "
                          f"<= {constant} d K", sp.And(*holds))


def prove_beats_finite_differences() -> Check:
    """5K < K(d+1) for every d >= 5, not for d <= 4 (at d = 4 they are equal: the condition d > 4 is needed), and
    the ratio K(d+1)/(5K) grows without bound in d."""
    gap = sp.expand((forward_differences - TALLY_CONSTANT * K).subs(d, _t + 4))  # d = 4 + t, t > 0
    at_four = sp.expand((forward_differences - TALLY_CONSTANT * K).subs(d, 4))
    unbounded = sp.limit(forward_differences / (TALLY_CONSTANT * K), d, sp.oo)
    return prove_true(ID, "reverse mode (<= 5K) beats forward differences K(d+1) for d > 4 and not for d <= 4 "
                          "(equal at d = 4); their ratio -> oo",
                      sp.And(sp.Gt(gap, 0), sp.Eq(at_four, 0), sp.Eq(unbounded, sp.oo)))


def prove_product_chain_counts() -> Check:
    """The product chain x_1...x_n: its tally-form reverse sweep costs 5K − 1 and the assignment form 3K − 1
    (K = n − 1); the first ratio stays below 5 and tends to it: 5 is the least constant for every program."""
    counts = chain.product_chain_counts()
    K_chain = counts.forward
    ratio_tally, ratio_assign = counts.tally / K_chain, counts.assign / K_chain
    return prove_true(ID, "product chain x_1...x_n, K = n - 1 products: tally-form reverse sweep = 5K - 1 (ratio "
                          "5 - 1/(n-1) < 5, -> 5: no smaller constant bounds every program); first contributions "
                          "written (jax.grad) = 3K - 1 (ratio -> 3)",
                      sp.And(sp.Eq(counts.tally, TALLY_CONSTANT * K_chain - 1), sp.Eq(counts.assign, 3 * K_chain - 1),
                             sp.Lt(ratio_tally.subs(chain.n, _t + 1), TALLY_CONSTANT),
                             sp.Eq(sp.limit(ratio_tally, chain.n, sp.oo), TALLY_CONSTANT),
                             sp.Eq(sp.limit(ratio_assign, chain.n, sp.oo), 3)))


# ---------------------------------------------------------------------------------------------------------------
# The slide's network, symbolically
# ---------------------------------------------------------------------------------------------------------------


def prove_mlp_ratio_limit() -> Check:
    """grad/forward -> 3 − 1/L for wide layers (under 3, so at least 2 below the tally's 5 that a product chain
    reaches); the slide's BackwardNN -> 4 − 1/L."""
    L = symbolic_network.L
    forward, grad = symbolic_network.mlp_counts()
    ratio = sp.simplify(grad / forward)
    ratio_slide = sp.simplify(symbolic_network.mlp_counts(recompute=True)[1] / forward)
    ratio_slide_dead = sp.simplify(symbolic_network.mlp_counts(recompute=True, keep_dead=True)[1] / forward)
    return prove_true(ID, "slide's network, wide layers: grad/forward = 3 - 1/L < 3 for all L (2 + 1/L under the "
                          "tally's 5); the slide's BackwardNN (recomputing A_r X_r) = 4 - 1/L, or 4 counting its "
                          "unused A_0^T M",
                      sp.And(sp.Eq(ratio, 3 - 1 / L), sp.Lt(ratio, 3),
                             sp.Eq(ratio_slide, 4 - 1 / L),
                             sp.Eq(ratio_slide_dead, 4), sp.Eq(sp.limit(ratio, L, sp.oo), 3)))


def prove_backward(rho, name: str, widths=symbolic_network.SMALL_WIDTHS, batch: int = symbolic_network.SMALL_BATCH,
                   rho_prime=None) -> Check:
    """BackwardNN (with ``rho_prime``, by default the true derivative) against SymPy's gradient of the loss."""
    params, Z, Y = symbolic_network.symbolic_network(widths, batch)
    X = symbolic_network.forward_nn(params, Z, rho)
    E = symbolic_network.loss(X[-1], Y)
    by_recursion = symbolic_network.stack(symbolic_network.backward_nn(
        params, X, Y, rho_prime or symbolic_network.rho_prime_of(rho)))
    by_sympy = symbolic_network.stack(symbolic_network.symbolic_gradient(params, E))
    return prove_equal(ID, f"slide's BackwardNN = symbolic gradient, R={len(widths) - 1}, widths {widths}, batch "
                           f"{batch}, rho = {name}", by_recursion, by_sympy)


def prove_backward_tanh() -> Check:
    """The BackwardNN recursion equals SymPy's gradient for rho = tanh."""
    return prove_backward(sp.tanh, "tanh")


def prove_backward_undefined_rho() -> Check:
    """The BackwardNN recursion equals SymPy's gradient for an undefined activation rho."""
    return prove_backward(sp.Function("rho"), "an undefined function")


def prove_graph_count_ratio() -> Check:
    """After cse, the reverse sweep's expression graph costs at most 5 times the loss's (all operations) and at
    most 3 times its non-scalar operations."""
    forward, sweep = symbolic_network.small_network_graph_counts()
    ratio = sp.Rational(sweep.total, forward.total)
    nonscalar = sp.Rational(sweep.nonscalar, forward.nonscalar)
    return prove_true(ID, f"SymPy graphs after cse, small tanh network: OPS ratio {sweep.total}/{forward.total} = "
                          f"{float(ratio):.2f} <= {TALLY_CONSTANT}, non-scalar ratio {sweep.nonscalar}/"
                          f"{forward.nonscalar} = {float(nonscalar):.2f} <= {BAUR_STRASSEN}",
                      sp.And(sp.Le(ratio, TALLY_CONSTANT), sp.Le(nonscalar, BAUR_STRASSEN)))


THEOREM = Theorem(
    id=ID,
    title="Reverse mode: the gradient of a K-operation function costs O(K) (cheap gradient principle)",
    module="reverse_mode.gradient_cost",
    reference=Reference(
        key="linnainmaa1976taylor",
        authors=("Seppo Linnainmaa",),
        year=1976,
        title="Taylor expansion of the accumulated rounding error",
        venue="BIT Numerical Mathematics",
        volume="16",
        number="2",
        pages="146--160",
        note="From the author's 1970 master's thesis, University of Helsinki",
        doi="10.1007/BF01931367",
    ),
    statement=statement,
    assumptions=(
        r"$E\colon \mathbb{R}^d \to \mathbb{R}$ computed by a straight-line program of $K$ elementary operations "
        r"($+$, $-$, $\times$, reciprocal, exp, log, tanh, sigmoid, sin, sqrt, ...), each derivative computable in "
        r"$O(1)$ from the argument and value",
        r"counting, one model throughout: every scalar operation is one (adjoint updates $\bar a \mathrel{+}= "
        r"\dots$ included, a division in the tally a reciprocal then a product), transcendentals one each; its "
        r"constants: $5$ for all operations (attained: a product chain costs $5K - 1$), $3$ for non-scalar ones "
        r"(Baur-Strassen 1983, doi:10.1016/0304-3975(83)90110-X, count non-scalar products only); "
        r"Griewank-Walther's $\omega \le 4$ (OPS), $\omega \le 5$ (TIME) (2008, Evaluating Derivatives, SIAM, "
        r"§4.6) belong to their own cost model and are not checked against this count",
        r"reverse mode stores the forward values: memory $O(K)$ unless recomputed (checkpointing)",
    ),
    proofs=(
        prove_backward_tanh,
        prove_backward_undefined_rho,
        prove_operation_tally,
        prove_tally_constant_is_attained,
        prove_nonscalar_tally,
        prove_forward_mode_tally,
        prove_beats_finite_differences,
        prove_product_chain_counts,
        prove_mlp_ratio_limit,
        prove_graph_count_ratio,
    ),
    aliases=("reverse-mode", "cheap-gradient"),
    summary="∇E of a K-op function in ≤ cK ops (c = 5 all ops here, 3 non-scalar), vs K(d+1) for finite "
            "differences (fewer when d > 4)",
)
