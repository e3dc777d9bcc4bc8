r"""LoRA: fine-tuning a frozen weight through a low-rank update.

Low-rank adaptation (Hu et al. 2022) keeps a pretrained weight $W_0 \in \mathbb{R}^{m\times n}$ frozen and trains
only the two factors of an update,

$$W \;=\; W_0 + s\,BA, \qquad B \in \mathbb{R}^{m\times r},\; A \in \mathbb{R}^{r\times n},\; s = \alpha / r,$$

($s = 1$ is the plain form $W_0 + BA$; the paper scales the update by $\alpha/r$, §4.1). Four facts:

1. **Parameters.** The update has $r(m+n)$ trainable numbers instead of the $mn$ of $W$: for $r \ll \min(m, n)$ a
   fraction $r(m+n)/(mn)$ of them.
2. **Initialisation.** With $B = 0$ (and $A$ random) the adapted network computes $W_0$ exactly: fine-tuning starts
   from the pretrained function. With $B$ and $A$ both random it does not.
3. **Gradients.** For a loss $L(W)$ with gradient $G = \nabla_W L$ at $W = W_0 + sBA$, the chain rule gives the
   gradient with respect to the factors as the full gradient projected through the other factor:

   $$\nabla_B\, L(W_0 + sBA) = s\, G A^\top, \qquad \nabla_A\, L(W_0 + sBA) = s\, B^\top G,$$

   because $dL = \operatorname{tr}(G^\top dW)$ and $dW = s\,(dB)A + s\,B\,(dA)$, and $\operatorname{tr}(G^\top dB\,
   A) = \operatorname{tr}((G A^\top)^\top dB)$ (cyclicity of the trace, :mod:`theorems.frobenius`).
4. **What rank $r$ can reach.** The update $sBA$ has rank at most $r$, so by the Eckart–Young–Mirsky theorem
   (:mod:`theorems.low_rank.eckart_young`) a planted update $\Delta^\star$ with singular values $\sigma_1 \ge \sigma_2
   \ge \dots$ is approximated at best to $\min_{\operatorname{rank} \Delta \le r} \|\Delta - \Delta^\star\|_F^2 =
   \sum_{i > r} \sigma_i^2$, the *tail*; in particular rank $r^\star - 1$ leaves at least $\sigma_{r^\star}^2$ of a
   rank-$r^\star$ update. Fine-tuning the factors by gradient descent reaches that floor (the factorised least
   squares problem has no spurious local minima: Baldi and Hornik 1989), which the experiment measures.

SymPy proves 1–3 at symbolic sizes $m, n, r$ (matrix calculus on ``MatrixSymbol``), and 2–3 again entry by entry
at every explicit size up to $2\times2$ with $r \le 2$ (the zero initialisation up to $3\times3$); 4 is
Eckart–Young's and is measured.

**Wrong neighbours** (rejected by :mod:`numerics.low_rank.lora`): $r\,m\,n$ trainable numbers (the factors'
sizes multiplied instead of added); the factor gradient with $G$ transposed, $s\,G^\top A^\top$ (square $W$, where
it has the right shape); the gradient without the scale $s$, $G A^\top$; $B$ and $A$ both random at initialisation
keeping the pretrained function; rank $r^\star - 1$ recovering a rank-$r^\star$ update (its floor is
$\sigma_{r^\star}^2$);
and, looser than the truth, float32 factor gradients ten times less accurate than the standard model of rounding.
:func:`prove_neighbours_differ` shows the first two gradient forms differ from the true one at symbolic sizes.

Reference: E. J. Hu, Y. Shen, P. Wallis, Z. Allen-Zhu, Y. Li, S. Wang, L. Wang and W. Chen, "LoRA: Low-Rank
Adaptation of Large Language Models", ICLR 2022, arXiv:2106.09685. Landscape: P. Baldi and K. Hornik, "Neural
networks and principal component analysis: learning from examples without local minima", Neural Networks 2(1),
1989. Eckart–Young: C. Eckart and G. Young, Psychometrika 1(3), 1936.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_true

ID = "hu2021"

m, n, r, N = sp.symbols("m n r N", integer=True, positive=True)
s = sp.Symbol("s", positive=True)
W0 = sp.MatrixSymbol("W_0", m, n)
B = sp.MatrixSymbol("B", m, r)
A = sp.MatrixSymbol("A", r, n)
X = sp.MatrixSymbol("X", n, N)
Y = sp.MatrixSymbol("Y", m, N)

adapted_weight = W0 + s * B * A
"""$W = W_0 + sBA$."""


def trainable_parameters() -> sp.Expr:
    """$r(m+n)$: the entries of B and A."""
    return r * (m + n)


def full_parameters() -> sp.Expr:
    """$mn$: the entries of W."""
    return m * n


def wrong_parameters() -> sp.Expr:
    """$rmn$: the factors' sizes multiplied (a wrong neighbour)."""
    return r * m * n


def tail(sigma: sp.IndexedBase, rank: sp.Expr, count: sp.Expr) -> sp.Expr:
    r"""$\sum_{i > r} \sigma_i^2$ over $i = r+1, \dots, k$ (0-based: indices r..k-1): the Eckart–Young floor of
    rank ``rank`` for an update with ``count`` singular values."""
    i = sp.Symbol("i", integer=True)
    return sp.Sum(sigma[i] ** 2, (i, rank, count - 1))


def squared_error_loss(weight: sp.MatrixExpr) -> sp.Expr:
    r"""$\tfrac12\|WX - Y\|_F^2$, the loss of the experiment (any differentiable loss has the same chain rule)."""
    residual = weight * X - Y
    return sp.Trace(residual.T * residual) / 2


def full_gradient(weight: sp.MatrixExpr) -> sp.MatrixExpr:
    """$G = \\nabla_W L$ at ``weight``, differentiated with respect to a free W and evaluated there."""
    free = sp.MatrixSymbol("W", m, n)
    return sp.diff(squared_error_loss(free), free).subs(free, weight)


statement = sp.Eq(sp.diff(squared_error_loss(adapted_weight), B), s * full_gradient(adapted_weight) * A.T)
r"""$\nabla_B L(W_0 + sBA) = s\,G A^\top$ (and $\nabla_A = s B^\top G$)."""


def _vanishes(difference: sp.Basic) -> bool:
    simplified = sp.simplify(sp.expand(difference))
    return simplified == 0 or bool(getattr(simplified, "is_ZeroMatrix", False)) or (
        isinstance(simplified, sp.MatrixBase) and simplified.is_zero_matrix is True)


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def prove_parameter_count() -> Check:
    """The entries of B (m x r) and A (r x n) number r(m+n), for symbolic m, n, r."""
    entries = sp.Mul(*B.shape) + sp.Mul(*A.shape)
    return prove_true(ID, "B and A have r(m+n) entries for symbolic m, n, r",
                      sp.Eq(sp.expand(entries - trainable_parameters()), 0))


def prove_zero_initialisation() -> Check:
    """W_0 + s 0 A = W_0 for symbolic sizes, and entry by entry at every size up to 3 x 3, r <= 2."""
    holds = _vanishes((W0 + s * sp.ZeroMatrix(m, r) * A).doit() - W0)
    for rows, cols, rank in product(range(1, 4), range(1, 4), range(1, 3)):
        w0, a = _matrix("w", rows, cols), _matrix("a", rank, cols)
        holds &= (w0 + s * sp.zeros(rows, rank) * a - w0).is_zero_matrix is True
    return prove_true(ID, "B = 0 keeps the pretrained weight: W_0 + s 0 A = W_0 (symbolic sizes; every size up to "
                          "3x3, r <= 2)", holds)


def prove_factor_gradients() -> Check:
    """d/dB 1/2||(W_0 + sBA)X - Y||^2 = s G A^T and d/dA = s B^T G at symbolic m, n, r, N (matrix calculus)."""
    loss, G = squared_error_loss(adapted_weight), full_gradient(adapted_weight)
    holds = _vanishes(sp.diff(loss, B) - s * G * A.T) and _vanishes(sp.diff(loss, A) - s * B.T * G)
    return prove_true(ID, "grad_B L = s G A^T and grad_A L = s B^T G for symbolic m, n, r, N", holds)


def prove_linear_functional_gradients() -> Check:
    """For the first-order term tr(G^T W) of any loss: d/dB = s G A^T, d/dA = s B^T G (symbolic sizes)."""
    G = sp.MatrixSymbol("G", m, n)
    first_order = sp.Trace(G.T * adapted_weight)
    holds = _vanishes(sp.diff(first_order, B) - s * G * A.T) and _vanishes(sp.diff(first_order, A) - s * B.T * G)
    return prove_true(ID, "d tr(G^T (W_0 + sBA)) / dB = s G A^T, / dA = s B^T G (the chain rule's first-order term)",
                      holds)


def _matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda a, b: sp.Symbol(f"{name}_{a}{b}", real=True))


def prove_explicit_gradients(max_size: int = 2, max_rank: int = 2, samples: int = 2) -> Check:
    """Entry by entry: the derivatives of 1/2||(W_0 + sBA)X - Y||^2 in every B_ij and A_ij equal s G A^T and
    s B^T G, at every m, n <= max_size, r <= max_rank, with ``samples`` columns of X."""
    holds = True
    for rows, cols, rank in product(range(1, max_size + 1), range(1, max_size + 1), range(1, max_rank + 1)):
        w0, b, a = _matrix("w", rows, cols), _matrix("b", rows, rank), _matrix("a", rank, cols)
        x, y = _matrix("x", cols, samples), _matrix("y", rows, samples)
        residual = (w0 + s * b * a) * x - y
        loss = sum(e**2 for e in residual) / 2
        G = residual * x.T
        grad_b = b.applyfunc(lambda e: sp.diff(loss, e))
        grad_a = a.applyfunc(lambda e: sp.diff(loss, e))
        holds &= (grad_b - s * G * a.T).expand().is_zero_matrix is True
        holds &= (grad_a - s * b.T * G).expand().is_zero_matrix is True
    return prove_true(ID, f"grad_B = s G A^T and grad_A = s B^T G entry by entry, every size up to "
                          f"{max_size}x{max_size}, r <= {max_rank}", holds)


def prove_neighbours_differ() -> Check:
    """s G^T A^T (square W) and G A^T (the scale dropped) differ from grad_B at symbolic sizes: the neighbours are
    other statements (a fact about them, not a proof step of the theorem)."""
    square = {m: n}
    loss, G = squared_error_loss(adapted_weight), full_gradient(adapted_weight)
    truth = sp.diff(loss, B)
    transposed = not _vanishes((truth - s * G.T * A.T).subs(square))
    unscaled = not _vanishes(truth - G * A.T)
    return prove_true(ID, "the transposed gradient s G^T A^T and the unscaled G A^T differ from grad_B",
                      transposed and unscaled)


THEOREM = Theorem(
    id=ID,
    title="LoRA: low-rank adaptation of a frozen weight",
    module="low_rank.lora",
    reference=Reference(
        key="hu2022lora",
        authors=("Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu", "Yuanzhi Li", "Shean Wang",
                 "Lu Wang", "Weizhu Chen"),
        year=2022,
        title="LoRA: Low-Rank Adaptation of Large Language Models",
        venue="International Conference on Learning Representations (ICLR)",
        arxiv="2106.09685",
        entry_type="inproceedings",
    ),
    statement=statement,
    assumptions=(
        r"$W = W_0 + sBA$ with $W_0 \in \mathbb{R}^{m\times n}$ frozen, $B \in \mathbb{R}^{m\times r}$, "
        r"$A \in \mathbb{R}^{r\times n}$ trained, $1 \le r \le \min(m, n)$, $s = \alpha/r$",
        r"$G = \nabla_W L$ at $W$ for a differentiable loss $L$; the experiment's loss is "
        r"$\tfrac12\|WX - Y\|_F^2 / N$ on whitened inputs ($XX^\top = N I$)",
        r"initialisation: $B = 0$, $A$ Gaussian; the planted update has rank $r^\star$ and distinct singular values",
    ),
    proofs=(
        prove_parameter_count,
        prove_zero_initialisation,
        prove_factor_gradients,
        prove_linear_functional_gradients,
        prove_explicit_gradients,
        prove_neighbours_differ,
    ),
    aliases=("lora", "low-rank-adaptation"),
    summary="W = W₀ + sBA: r(m+n) trainable numbers, B = 0 keeps W₀, ∇_B = s G Aᵀ, ∇_A = s Bᵀ G",
)
