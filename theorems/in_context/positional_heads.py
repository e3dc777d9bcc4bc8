r"""Non-augmented tokens: the global minima of a diagonal multi-head linear attention layer with a positional matrix
(Sander, Giryes, Suzuki, Blondel, Peyré 2024, the paper's second result).

**Model.** Tokens are the states themselves, $s_0, \dots, s_T \in \mathbb C^d$. The layer has $H$ heads with real
diagonal weights $\operatorname{diag}(a_h)$, $\operatorname{diag}(b_h)$ ($a_h, b_h$ the rows of $A, B \in
\mathbb R^{H\times d}$) and a real positional matrix $P$ whose row $m = 1, \dots, T-1$ has entries $p_{m,j}$,
$j = 0, \dots, m$. It predicts $s_{m+1}$ from the keys and values $s_0, \dots, s_m$ with the query $s_{m-1}$:

$$\hat s_{m+1} = \sum_{j=0}^{m} p_{m,j} \sum_{h=1}^{H} \operatorname{diag}(b_h)\, s_j\,
\big(s_{m-1}^{*} \operatorname{diag}(a_h)\, s_j\big), \qquad
\hat s_{m+1,k} = \sum_{j=0}^{m} p_{m,j} \sum_{a=1}^{d} C_{ka}\, s_{j,k}\, \overline{s_{m-1,a}}\, s_{j,a},$$

so the heads enter only through $C = B^\top A = \sum_h b_h a_h^\top$ ($d\times d$). The loss is
$\mathcal L(A, B, P) = \sum_{m=1}^{T-1} \mathcal L_m$, $\mathcal L_m = \mathbb E\|\hat s_{m+1} - s_{m+1}\|^2$. In the
authors' code (``ical``) row $m$ of $P$ is stored as row $m-1$ of a $T\times T$ array, so the current-token weight
$p_{m,m}$ is that array's superdiagonal and the previous-token weight $p_{m,m-1}$ its diagonal.

**Laws** (both with $s_0 = \mathbf 1_d$, the paper's normalisation up to a scale):

* unitary: $s_{t,k} = z_k^t$, $z_k = e^{i\theta_k}$, $\theta_k$ i.i.d. uniform on $[0, 2\pi)$;
* orthogonal (rotation blocks), $d = 2n$: a real $W = \operatorname{diag}(R(\theta_1), \dots, R(\theta_n))$ is
  diagonal in a fixed unitary basis with eigenvalues $e^{\pm i\theta_b}$; in that basis (where the paper states the
  model) $s_{t,2b} = z_b^{t}$, $s_{t,2b+1} = \bar z_b^{\,t}$. Coordinate $k$'s partner is $k' = k \oplus 1$.

**Closed forms.** Write $q = m-1$, $p_j = p_{m,j}$, $S_1 = \sum_{j\ne q} p_j$, $S_2 = \sum_{j\ne q} p_j^2$, $r_k =
\sum_a C_{ka}$ (row sums). Every $s_{j,k}\overline{s_{q,a}}s_{j,a}/s_{m+1,k}$ is a character of the torus of angles,
and the mean of $|\sum_i c_i \chi_i|^2$ over the torus is $\sum_\chi |\sum_{i:\chi_i=\chi} c_i|^2$ (Parseval), so
$\mathcal L_m$ is read off from which characters coincide. In the unitary law, all $a$ at $j = q$ share one character
($|s_{q,a}|^2 = 1$), only $a = k$, $j = m$ meets the target, and every other term is alone:

$$\mathcal L_m^{\mathrm U} = S_2 \|C\|_F^2 + p_q^2 \sum_k r_k^2 - 2 p_m \operatorname{tr} C + d
= \|p_m C - I\|_F^2 + p_q^2 \|C\mathbf 1\|^2 + \|C\|_F^2 \sum_{j\notin\{q,m\}} p_j^2 .$$

In the orthogonal law the partner coordinate $a = k'$ gives the character $\bar z^2$ for every $j$, the one that
$j = q$ gives for all $a$:

$$\mathcal L_m^{\mathrm O} = S_2\|C\|_F^2 + p_q^2 \sum_k r_k^2 + 2 p_q S_1 \sum_k r_k C_{kk'}
+ (S_1^2 - S_2) \sum_k C_{kk'}^2 - 2 p_m \operatorname{tr} C + d$$
$$= \sum_k \Big[(p_m C_{kk} - 1)^2 + (p_q r_k + S_1 C_{kk'})^2 + C_{kk}^2 \sum_{j\notin\{q,m\}} p_j^2
+ S_2 \sum_{a\notin\{k,k'\}} C_{ka}^2\Big].$$

**Global minima.**

* Unitary: $\mathcal L_m \ge \|p_m C - I\|_F^2 \ge d - \operatorname{tr}(C)^2/\|C\|_F^2 \ge d -
  \operatorname{rank} C$ (the last step is Cauchy–Schwarz, $\operatorname{tr} C = \langle \Pi, C\rangle_F \le
  \|\Pi\|_F \|C\|_F$ with $\Pi$ the projector onto the range of $C$). With $H$ heads $\operatorname{rank} C \le H$,
  so $\mathcal L \ge (T-1)(d-H)^+$, attained exactly by $C = c\,\Pi$ with $\Pi$ an orthogonal projector of rank
  $\min(H, d)$, $p_{m,m} = 1/c$, $p_{m,j} = 0$ for $j < m-1$, and $p_{m,m-1}\,\Pi\mathbf 1 = 0$: with $H < d$ the
  previous-token weight is free when $\mathbf 1 \perp \operatorname{range}\Pi$. With $H = d$: $C = cI$, loss
  $0$, $p_{m,m-1} = 0$, and since $A, B$ are square, $AB^\top = A C A^{-1} = cI$, i.e.
  $\langle a_h, b_{h'}\rangle = c\,\delta_{hh'}$ (orthogonal heads).
* Orthogonal: $\mathcal L = 0$ iff every row has $p_{m,j} = 0$ for $j\notin\{m-1, m\}$, $p_{m,m} = 1/c$, and
  $C = cI + \gamma J$ ($J$ swaps partners) with $p_{m,m-1} = -\gamma/(c(c+\gamma))$, $\gamma \ne -c$. With $H < d$
  heads $C$ is singular, which forces $\gamma = c$: $C = c\,\operatorname{diag}(\mathbf 1\mathbf 1^\top, \dots)$ and
  $p_{m,m-1}/p_{m,m} = -1/2$, the relation $R^2 = 2\cos\theta\,R - I$ read by the positional weights. With $H \ge d$
  the zero set is a one-parameter family and the ratio $-\gamma/(c+\gamma)$ is not pinned ($\gamma = 0$ is the
  unitary solution, which also fits this law).

**How it is proved here.** The closed forms equal the exact torus mean, computed by grouping characters, as
polynomials in symbolic $C$ and $p$ at every $d \le 3$ (unitary) or $d \in \{2, 4, 6\}$ (orthogonal) and $m \le 3$;
the sums of squares are polynomial identities at those sizes; the minimisation over $p_m$, the constructions and the
solution of the zero-loss equations are symbolic in $c$, $\gamma$, $p_q$. The rank step is the Cauchy–Schwarz line
above. The numeric side (:mod:`numerics.in_context.positional_heads`) checks the closed forms against simulation
at $d = 10$, $T = 20$ and minimises them.

**A slip in the authors' code.** ``unitary.py`` of the ``ical`` repository computes $\mathcal L_m^{\mathrm U}$ with
$\sum_j p_j^2 \|C\|_F^2$, counting $p_q^2\|C\|_F^2$ once more than the mean: the exact expectation here and the
simulation (about 50 standard errors off at random weights) both reject it. Its minimisers are unchanged ($p_q = 0$
there). Their ``orthogonal.py`` form agrees with $\mathcal L_m^{\mathrm O}$ above.

Reference: M. E. Sander, R. Giryes, T. Suzuki, M. Blondel, G. Peyré, "How do Transformers perform In-Context
Autoregressive Learning?", ICML 2024, arXiv:2402.05787.
"""

from __future__ import annotations

from collections import defaultdict

import sympy as sp

from theorems.core import Check, prove_equal, prove_true

ID = "sander2024"
LAWS = ("unitary", "orthogonal")

# ---------------------------------------------------------------------------------------------------------------
# Closed forms in the invariants of C and of one row p of P (the numeric side lambdifies these).
# ---------------------------------------------------------------------------------------------------------------

d = sp.Symbol("d", integer=True, positive=True)
frobenius2, rowsums2, trace, pair_coupling, pair2 = sp.symbols(
    "frobenius2 rowsums2 trace pair_coupling pair2", real=True)
"""$\\|C\\|_F^2$, $\\sum_k r_k^2$, $\\operatorname{tr} C$, $\\sum_k r_k C_{kk'}$, $\\sum_k C_{kk'}^2$."""
p_prev, p_cur, S1, S2 = sp.symbols("p_prev p_cur S1 S2", real=True)
"""$p_q$ (previous token), $p_m$ (current token), $S_1 = \\sum_{j\\ne q} p_j$, $S_2 = \\sum_{j\\ne q} p_j^2$."""

INVARIANTS = (frobenius2, rowsums2, trace, pair_coupling, pair2, p_prev, p_cur, S1, S2, d)

row_loss = {
    "unitary": S2 * frobenius2 + p_prev**2 * rowsums2 - 2 * p_cur * trace + d,
    "orthogonal": (S2 * frobenius2 + p_prev**2 * rowsums2 + 2 * p_prev * S1 * pair_coupling
                   + (S1**2 - S2) * pair2 - 2 * p_cur * trace + d),
}
"""$\\mathcal L_m$ for each law, in the invariants above."""

authors_unitary_row_loss = (S2 + p_prev**2) * frobenius2 + p_prev**2 * rowsums2 - 2 * p_cur * trace + d
"""The form in the authors' ``unitary.py``: $\\sum_j p_j^2\\|C\\|_F^2$ in place of $S_2\\|C\\|_F^2$."""

c, gamma = sp.symbols("c gamma", real=True, nonzero=True)

T, H = sp.symbols("T H", integer=True, positive=True)
floor = {"unitary": (T - 1) * sp.Max(d - H, 0), "orthogonal": sp.Integer(0)}
"""The global minimum of $\\mathcal L$ over $(A, B, P)$ with $H$ heads: $(T-1)(d-H)^+$ (unitary), $0$ (orthogonal,
$H \\ge d/2$; below that no floor is derived)."""

previous_to_current = sp.Rational(-1, 2)
"""$p_{m,m-1}/p_{m,m}$ at every orthogonal-law minimum with $H < d$ heads ($R^2 = 2\\cos\\theta\\,R - I$)."""

# ---------------------------------------------------------------------------------------------------------------
# Explicit sizes: symbolic C and p, the exact torus mean.
# ---------------------------------------------------------------------------------------------------------------


def weights(size: int, m: int) -> tuple[sp.Matrix, list[sp.Symbol]]:
    """Symbolic real $C$ ($size\\times size$) and one row $p_0, \\dots, p_m$ of $P$."""
    C = sp.Matrix(size, size, lambda k, a: sp.Symbol(f"C_{k}{a}", real=True))
    return C, list(sp.symbols(f"p0:{m + 1}", real=True))


def partner(k: int) -> int:
    return k ^ 1


def character(law: str, size: int, t: int, k: int, conjugate: bool = False) -> tuple[int, ...]:
    """Exponents of $s_{t,k}$ (or its conjugate) as a character of the torus: one angle per coordinate (unitary) or
    per 2-block (orthogonal, $s_{t,2b} = z_b^t$, $s_{t,2b+1} = z_b^{-t}$)."""
    sign = -1 if conjugate else 1
    if law == "unitary":
        exponents = [0] * size
        exponents[k] = sign * t
    else:
        exponents = [0] * (size // 2)
        exponents[k // 2] = sign * t * (1 if k % 2 == 0 else -1)
    return tuple(exponents)


def _times(*characters: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(map(sum, zip(*characters)))


def expected_row_loss(law: str, size: int, m: int) -> sp.Expr:
    """$\\mathcal L_m$ at explicit $d$ = ``size``: group the error's terms by character and sum the squared
    coefficients (Parseval on the torus; every coefficient is real)."""
    C, p = weights(size, m)
    q, total = m - 1, sp.Integer(0)
    for k in range(size):
        groups: dict[tuple[int, ...], sp.Expr] = defaultdict(lambda: sp.Integer(0))
        for j in range(m + 1):
            for a in range(size):
                chi = _times(character(law, size, j, k), character(law, size, q, a, conjugate=True),
                             character(law, size, j, a))
                groups[chi] += p[j] * C[k, a]
        groups[character(law, size, m + 1, k)] -= 1
        total += sum((coefficient**2 for coefficient in groups.values()), sp.Integer(0))
    return sp.expand(total)


def invariants_of(C: sp.Matrix, p: list, m: int) -> dict[sp.Symbol, sp.Expr]:
    """The values of :data:`INVARIANTS` at explicit $C$ and row $p$ (orthogonal pairs $k, k\\oplus 1$)."""
    size, q = C.shape[0], m - 1
    r = [sum(C.row(k)) for k in range(size)]
    others = [p[j] for j in range(m + 1) if j != q]
    pairs = [C[k, partner(k)] for k in range(size)] if size % 2 == 0 else [sp.Integer(0)] * size
    return {frobenius2: sum(x**2 for x in C), rowsums2: sum(x**2 for x in r), trace: C.trace(),
            pair_coupling: sum(x * y for x, y in zip(r, pairs)), pair2: sum(x**2 for x in pairs),
            p_prev: p[q], p_cur: p[m], S1: sum(others), S2: sum(x**2 for x in others), d: size}


def closed_row_loss(law: str, C: sp.Matrix, p: list, m: int) -> sp.Expr:
    return row_loss[law].subs(invariants_of(C, p, m))


def sum_of_squares(law: str, C: sp.Matrix, p: list, m: int) -> sp.Expr:
    """The sum-of-squares form of $\\mathcal L_m$ (see the module docstring)."""
    size, q = C.shape[0], m - 1
    rest = sum((p[j] ** 2 for j in range(m + 1) if j not in (q, m)), sp.Integer(0))
    if law == "unitary":
        residual = p[m] * C - sp.eye(size)
        return (sum(x**2 for x in residual) + p[q] ** 2 * sum(sum(C.row(k)) ** 2 for k in range(size))
                + sum(x**2 for x in C) * rest)
    s1 = sum(p[j] for j in range(m + 1) if j != q)
    s2 = sum(p[j] ** 2 for j in range(m + 1) if j != q)
    total = sp.Integer(0)
    for k in range(size):
        kk = partner(k)
        total += ((p[m] * C[k, k] - 1) ** 2 + (p[q] * sum(C.row(k)) + s1 * C[k, kk]) ** 2 + C[k, k] ** 2 * rest
                  + s2 * sum(C[k, a] ** 2 for a in range(size) if a not in (k, kk)))
    return total


SIZES = {"unitary": (1, 2, 3), "orthogonal": (2, 4, 6)}


# ---------------------------------------------------------------------------------------------------------------
# Proofs.
# ---------------------------------------------------------------------------------------------------------------


def prove_closed_form(law: str, max_m: int = 3) -> Check:
    """$\\mathcal L_m$ (closed form) equals the exact torus mean, as polynomials in symbolic $C$ and $p$."""
    ok = all(sp.expand(expected_row_loss(law, size, m) - closed_row_loss(law, *weights(size, m), m)) == 0
             for size in SIZES[law] for m in range(1, max_m + 1))
    return prove_true(ID, f"non-augmented, {law} law: E|s^_(m+1) - s_(m+1)|^2 equals the closed form, polynomial "
                          f"identity in C and p at d in {SIZES[law]}, m <= {max_m}", ok)


def prove_unitary_closed_form() -> Check:
    return prove_closed_form("unitary")


def prove_orthogonal_closed_form() -> Check:
    return prove_closed_form("orthogonal")


def prove_authors_unitary_form_differs() -> Check:
    """The authors' ``unitary.py`` form minus the mean is $p_q^2\\|C\\|_F^2$, not zero."""
    C, p = weights(2, 2)
    difference = authors_unitary_row_loss.subs(invariants_of(C, p, 2)) - expected_row_loss("unitary", 2, 2)
    return prove_equal(ID, "non-augmented, unitary: the form in the authors' unitary.py exceeds the mean by "
                           "p_(m-1)^2 |C|_F^2 (d = 2, m = 2)", difference, p[1] ** 2 * sum(x**2 for x in C))


def prove_sums_of_squares(max_m: int = 3) -> Check:
    """Both closed forms are the stated sums of squares (polynomial identities at explicit sizes)."""
    ok = all(sp.expand(closed_row_loss(law, *weights(size, m), m) - sum_of_squares(law, *weights(size, m), m)) == 0
             for law in LAWS for size in SIZES[law] for m in range(1, max_m + 1))
    return prove_true(ID, f"non-augmented: L_m is a sum of squares (unitary: |p_m C - I|_F^2 + p_(m-1)^2 |C 1|^2 + "
                          f"|C|_F^2 sum_(j<m-1) p_j^2; orthogonal: four squares per coordinate), m <= {max_m}", ok)


def prove_unitary_floor(size: int = 4) -> Check:
    """$\\min_{p_m}\\|p_m C - I\\|_F^2 = d - \\operatorname{tr}(C)^2/\\|C\\|_F^2$, and $C = c\\,\\Pi_H$,
    $p_m = 1/c$, other $p_j = 0$ gives $\\mathcal L_m = d - H$ for every $H \\le d$ (zero at $H = d$)."""
    residual = p_cur**2 * frobenius2 - 2 * p_cur * trace + d
    best = sp.solve(sp.diff(residual, p_cur), p_cur)
    minimum_ok = len(best) == 1 and sp.simplify(residual.subs(p_cur, best[0])
                                                - (d - trace**2 / frobenius2)) == 0
    m = 2
    _, p = weights(size, m)
    per_row = floor["unitary"] / (T - 1)
    attained = all(
        sp.simplify(closed_row_loss("unitary", c * sp.diag(*([1] * heads + [0] * (size - heads))),
                                    [0] * m + [1 / c], m) - per_row.subs({d: size, H: heads})) == 0
        for heads in range(size + 1))
    return prove_true(ID, f"non-augmented, unitary: min over p_m is d - tr(C)^2/|C|_F^2; C = c Pi_H, p_m = 1/c "
                          f"attains the floor's row share d - H for H = 0..{size} (loss 0 with H = d heads)",
                      bool(minimum_ok and attained))


def prove_orthogonal_minima(size: int = 4, max_m: int = 3) -> Check:
    """The zero-loss family $C = cI + \\gamma J$, $p_m = 1/c$, $p_q = -\\gamma/(c(c+\\gamma))$; the zero of the
    coupling square is unique in $\\gamma$; a singular $C$ forces $\\gamma = c$ and $p_q/p_m = -1/2$."""
    swap = sp.zeros(size)
    for k in range(size):
        swap[k, partner(k)] = 1
    C = c * sp.eye(size) + gamma * swap
    family = all(sp.simplify(closed_row_loss("orthogonal", C, [0] * (m - 1) + [-gamma / (c * (c + gamma)), 1 / c], m))
                 == 0 for m in range(1, max_m + 1))
    # with C_kk = c, no off-block entries, p_m = 1/c, S_1 = p_m: the coupling square vanishes iff gamma is this
    coupling = p_prev * (c + gamma) + gamma / c
    gammas = sp.solve(coupling, gamma)
    unique = len(gammas) == 1 and sp.simplify(gammas[0] + p_prev * c**2 / (p_prev * c + 1)) == 0
    # a singular 2x2 block [[c, g], [g, c]] has g = +-c; g = -c makes the coupling square 1/c^2 != 0
    singular = set(sp.solve(sp.Matrix([[c, gamma], [gamma, c]]).det(), gamma)) == {c, -c}
    excluded = sp.simplify(coupling.subs(gamma, -c)) == -1
    ratio = sp.simplify((-gamma / (c * (c + gamma))).subs(gamma, c) / (1 / c)) == previous_to_current
    return prove_true(ID, f"non-augmented, orthogonal: zero loss on C = cI + gamma J, p_m = 1/c, "
                          f"p_(m-1) = -gamma/(c(c+gamma)) (d = {size}, m <= {max_m}); gamma is unique; singular C "
                          f"(H < d heads) forces gamma = c and p_(m-1)/p_m = -1/2",
                      bool(family and unique and singular and excluded and ratio))


PROOFS = (prove_unitary_closed_form, prove_orthogonal_closed_form, prove_authors_unitary_form_differs,
          prove_sums_of_squares, prove_unitary_floor, prove_orthogonal_minima)
"""The symbolic checks of this part of ``sander2024``, in the order they are run."""
