r"""The slide's network in SymPy: ForwardNN, BackwardNN, the exact gradient, and the leading operation counts.

Columns of $X_0 = Z$ are samples, $X_{r+1} = \rho(A_r X_r + b_r \mathbf{1}^\top)$ for $r = 0..R-1$, and the squared
loss $\ell = \tfrac12\|X_R - Y\|_F^2$ (so $\partial\ell/\partial X_R = X_R - Y$). BackwardNN is, with
$G \leftarrow \partial\ell/\partial X_R$ and $r$ from $R-1$ down to $0$,
$M = \rho'(A_r X_r + b_r\mathbf{1}^\top) \odot G$, $G \leftarrow A_r^\top M$, $\nabla_{A_r} = M X_r^\top$,
$\nabla_{b_r} = M\mathbf{1}$. Everything here is built from symbols, small enough that SymPy differentiates and
compares it exactly; :func:`mlp_counts` gives the matrix-product counts of the same network at any size.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from theorems.reverse_mode.tally import Tally, count_graph

L, w, B = sp.symbols("L w B", integer=True, positive=True)
"""Layers, width and batch size of the slide's network."""

SMALL_WIDTHS = (2, 3, 2)
SMALL_BATCH = 2


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


def rho_prime_of(rho):
    """rho', as a function of its argument, by differentiating rho."""
    z = sp.Dummy("z")
    derivative = sp.diff(rho(z), z)
    return lambda arg: derivative.subs(z, arg)


def symbolic_gradient(params, E):
    """[(∂E/∂A_r, ∂E/∂b_r)] by SymPy's differentiation, entry by entry."""
    return [(A.applyfunc(lambda s: sp.diff(E, s)), bias.applyfunc(lambda s: sp.diff(E, s))) for A, bias in params]


def stack(grads) -> sp.Matrix:
    """[(gA_r, gb_r)] -> one column, A_r row by row then b_r, layer after layer."""
    return sp.Matrix.vstack(*[sp.Matrix.vstack(gA.reshape(gA.shape[0] * gA.shape[1], 1), gb) for gA, gb in grads])


def reverse_sweep_storing(params, X, Y):
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


@cache
def small_network_graph_counts() -> tuple[Tally, Tally]:
    """(the loss, the loss with the reverse sweep) of the small tanh network, as cse'd SymPy graphs."""
    params, Z, Y = symbolic_network()
    X = forward_nn(params, Z, sp.tanh)
    E = loss(X[-1], Y)
    return count_graph([E]), count_graph([E, *stack(reverse_sweep_storing(params, X, Y))])
