r"""Circular convolution commutes with cyclic translations; sub-sampling by $s$ keeps this only for multiples of $s$.

**Signals on the cycle.** A signal of length $n$ is $x \in \mathbb{R}^n$ indexed by $\mathbb{Z}_n$; the cyclic
translation by $t$ is $(S_t x)_i = x_{(i-t) \bmod n}$, and a kernel $w \in \mathbb{R}^k$, $1 \le k \le n$, acts by
circular convolution $(w \star x)_i = \sum_{j=0}^{k-1} w_j\, x_{(i-j) \bmod n}$. Then, for every $n, k, t$:

$$w \star (S_t x) \;=\; S_t (w \star x),$$

because both sides at $i$ are $\sum_j w_j x_{(i-j-t) \bmod n}$: the one rule used is $((a \bmod n) - b) \bmod n =
(a - b) \bmod n$, and the sums run over the same kernel index (re-indexing, :func:`prove_equivariance`). The same
holds for the cross-correlation $\sum_j w_j x_{(i+j) \bmod n}$ that CNN layers compute. Consequences:

* **pointwise maps keep it.** For any $\sigma: \mathbb R \to \mathbb R$ and a bias $b$ shared by all positions,
  $\sigma(w \star S_t x + b) = S_t\,\sigma(w \star x + b)$ (:func:`prove_layer_equivariance`); a bias $b_i$ that
  depends on the position breaks it (:func:`prove_position_bias_breaks_it`);
* **global pooling makes it invariance.** $\sum_i (S_t y)_i = \sum_i y_i$ and $\max_i (S_t y)_i = \max_i y_i$:
  $S_t$ permutes the entries (:func:`prove_global_pooling_invariance`);
* **sub-sampling keeps it for a subgroup only.** With $(D_s y)_m = y_{sm}$ and $n = sr$,
  $D_s S_{sq} = S_q D_s$ (translations by multiples of $s$ become translations of the coarse grid,
  :func:`prove_subsampling_equivariance`); for $t \not\equiv 0 \pmod s$ the signal $y = e_0$ has $D_s S_t e_0 = 0$
  while $D_s e_0 = e_0 \ne 0$, so no translation of $D_s y$ matches and the pooled value moves from 1 to 0
  (:func:`prove_subsampling_breaks_other_shifts`). How much it moves: for $g(x) = \sum_m (w \star x)_{sm}$ and
  $x$ with independent zero-mean entries of variance $v$, write $W_r = \sum_{j \equiv r \,(s)} w_j$ for the
  polyphase sums of the kernel; then $g(x) = \sum_r W_{-r} \sum_{i \equiv r} x_i$ and

  $$\frac{\mathbb E\,(g(S_t x) - g(x))^2}{\mathbb E\, g(x)^2} = \frac{\sum_{r \in \mathbb Z_s} (W_{r+t} -
  W_r)^2}{\sum_{r \in \mathbb Z_s} W_r^2} =: \rho(t),$$

  zero exactly when $t \equiv 0 \pmod s$ or the polyphase sums are $t$-periodic (a blur kernel makes them nearly
  equal, hence $\rho$ small: anti-aliasing) (:func:`invariance_ratio`, :func:`prove_invariance_second_moment`).
* **circularity matters.** Zero-padded (linear) convolution does not commute with cyclic translations
  (:func:`prove_zero_padding_breaks_it`); on the infinite grid $\mathbb Z$ it commutes with every translation, the
  setting of Cohen and Welling.

**In floating point.** Computed directly, in a fixed order, $w \star S_t x$ and $S_t(w \star x)$ are the same
rounded products summed in the same order, so they agree bit for bit: the error is exactly 0, in floats as in
integers, provided every product is rounded before it is summed and every position runs the same code
(:mod:`numerics.architectures.convolution_forms` records how XLA's fused multiply-adds break this inside one
program). The FFT form $\mathrm{Re}\,F^{-1}(Fx \odot F\bar w)$ ($\bar w$ the kernel padded to length $n$) is exact in
exact arithmetic (:func:`prove_convolution_theorem`) but rounds. For $n = 2^t$ and an FFT with the error of radix-2
Cooley–Tukey (Higham, Theorem 24.2: $\|\hat y - y\|_2 \le \varepsilon\|y\|_2$, $\varepsilon = t\eta/(1-t\eta)$,
$\eta = \mu + \gamma_4(\sqrt2 + \mu)$, twiddle factors within $\mu$ of the exact ones; XLA's FFT is not radix-2,
so this is an assumption the experiment tests, not a theorem about it), with $\beta = \|w\|_1 \ge \|F\bar
w\|_\infty$, $c = \sqrt n\,\|w\|_2 = \|F \bar w\|_2$ and $g = \sqrt2\gamma_2$ (one complex product), the three
transforms and the product give

$$\|\widehat{w \star x} - w \star x\|_2 \le \|x\|_2\left[(\beta + \varepsilon c)\bigl(\varepsilon + g(1+\varepsilon)
+ \varepsilon(1+g)(1+\varepsilon)\bigr) + \varepsilon c\right]$$

(:func:`fft_error_bound`; the $\varepsilon c$ terms bound $\|F\bar w\|_\infty$'s error by its 2-norm).

Reference: T. S. Cohen and M. Welling, *Group Equivariant Convolutional Networks*, ICML 2016 (PMLR 48,
2990–2999), arXiv:1602.07576, which states the translation equivariance of the correlation of CNN layers, that
pointwise non-linearities and pooling keep equivariance, and that pooling with a stride is equivariant to a
subgroup of the translations only; the cyclic grid $\mathbb Z_n$ is one of the groups their G-correlation covers.
Earlier, in words: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, *Gradient-based learning applied to document
recognition*, Proc. IEEE 86(11), 1998 (a shifted input shifts the feature maps; sub-sampling reduces the sensitivity
to shifts). The invariance lost to sub-sampling and regained by blurring first: R. Zhang, *Making convolutional
networks shift-invariant again*, ICML 2019. Rounding: N. J. Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., SIAM 2002, Lemma 3.5 and Theorem 24.2.

**What the slide says.** "Convolutional CNN: leverage translation invariance of images; sub-sampling breaks
invariance but increases receptive fields". The invariance of images is a property of the data (a shifted image
shows the same object); what a convolution layer has is equivariance, and invariance comes only from global
pooling. "Sub-sampling breaks invariance" holds for shifts that are not multiples of $s$ and fails for the multiples
of $s$, which still commute exactly.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.proving import refute_equal
from theorems.rounding import complex_product, gamma, u
from theorems.sums import equal_up_to_reindexing

ID = "cohen2016"

n, k = sp.symbols("n k", integer=True, positive=True)
i, t, j = sp.symbols("i t j", integer=True)
x = sp.IndexedBase("x", real=True)
w = sp.IndexedBase("w", real=True)
sigma = sp.Function("sigma")
bias = sp.Symbol("b", real=True)


def _mod(a, evaluate: bool = True):
    return sp.Mod(a, n, evaluate=evaluate)


def convolution_entry(signal, index, evaluate: bool = True) -> sp.Sum:
    r"""$(w \star y)_{\text{index}} = \sum_{j<k} w_j\, y((\text{index} - j) \bmod n)$ for a signal given as a function
    of its index."""
    return sp.Sum(w[j] * signal(_mod(index - j, evaluate)), (j, 0, k - 1))


def shifted(signal, shift, evaluate: bool = True):
    r"""The signal $S_t y$: index $p \mapsto y((p - t) \bmod n)$."""
    return lambda p: signal(_mod(p - shift, evaluate))


def _signal(p):
    return x[p]


def _sides(evaluate: bool = True) -> tuple[sp.Sum, sp.Sum]:
    """((w * S_t x)_i, (S_t (w * x))_i)."""
    left = convolution_entry(shifted(_signal, t, evaluate), i, evaluate)
    right = shifted(lambda p: convolution_entry(_signal, p, evaluate), t, evaluate)(i)
    return left, right


statement = sp.Eq(*_sides(evaluate=False), evaluate=False)
r"""$(w \star S_t x)_i = (S_t(w \star x))_i$ for every $i, t$, length $n$ and kernel length $k$."""


# ---------------------------------------------------------------------------------------------------------------
# The invariance error of sub-sampling, and the FFT form's rounding bound (used by the numerics, written once)
# ---------------------------------------------------------------------------------------------------------------


def polyphase_sums(kernel, stride: int) -> list:
    r"""$W_r = \sum_{j \equiv r \pmod s} w_j$, $r = 0, \dots, s-1$ (numbers or SymPy expressions)."""
    return [sum((kernel[p] for p in range(r, len(kernel), stride)), 0 * kernel[0]) for r in range(stride)]


def invariance_moment(kernel, stride: int, shift: int):
    r"""$\sum_{r \in \mathbb Z_s} (W_{r+t} - W_r)^2$: $\mathbb E(g(S_t x) - g(x))^2$ over $v\,n/s$."""
    sums = polyphase_sums(kernel, stride)
    return sum((sums[(r + shift) % stride] - sums[r]) ** 2 for r in range(stride))


def pooled_moment(kernel, stride: int):
    r"""$\sum_{r \in \mathbb Z_s} W_r^2$: $\mathbb E\, g(x)^2$ over $v\,n/s$."""
    return sum(value**2 for value in polyphase_sums(kernel, stride))


def invariance_ratio(kernel, stride: int, shift: int):
    r"""$\rho(t) = \sum_r (W_{r+t} - W_r)^2 / \sum_r W_r^2$ (module docstring)."""
    return invariance_moment(kernel, stride, shift) / pooled_moment(kernel, stride)


beta, c_norm, mu = sp.symbols("beta c mu", positive=True)
"""||w||_1, sqrt(n) ||w||_2 = ||F w||_2, and the twiddle factors' error."""


def fft_transform_error(length=n, unit=u, twiddle=None) -> sp.Expr:
    r"""Higham's $\varepsilon = t\eta/(1 - t\eta)$, $t = \log_2 n$, $\eta = \mu + \gamma_4(\sqrt2 + \mu)$; the twiddle
    error $\mu$ is taken as $u$ (correctly rounded twiddle factors) unless given."""
    twiddle = unit if twiddle is None else twiddle
    eta = twiddle + gamma(4, unit) * (sp.sqrt(2) + twiddle)
    stages = sp.log(length, 2)
    return stages * eta / (1 - stages * eta)


def fft_error_bound(length=n, unit=u) -> sp.Expr:
    r"""The bound on $\|\widehat{w\star x} - w \star x\|_2 / \|x\|_2$ of the module docstring, in $n$, $u$,
    $\beta = \|w\|_1$ and $c = \sqrt n\|w\|_2$."""
    eps, g = fft_transform_error(length, unit), complex_product(unit)
    spectrum = beta + eps * c_norm
    return spectrum * (eps + g * (1 + eps) + eps * (1 + g) * (1 + eps)) + eps * c_norm


# ---------------------------------------------------------------------------------------------------------------
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def prove_modular_rule() -> Check:
    """((a mod n) - b) mod n = (a - b) mod n for integers a, b and n >= 1 (the one rule the re-indexing uses)."""
    a, b = sp.symbols("a b", integer=True)
    return prove_equal(ID, "((a mod n) - b) mod n = (a - b) mod n", _mod(_mod(a, False) - b, False), _mod(a - b))


def prove_equivariance() -> Check:
    """(w * S_t x)_i = (S_t(w * x))_i at symbolic n, k, i, t: the same sum over the kernel index."""
    return prove_true(ID, "w * S_t x = S_t(w * x) for symbolic length n, kernel length k, shift t",
                      equal_up_to_reindexing(*_sides()))


def prove_correlation_equivariance() -> Check:
    """The cross-correlation sum_j w_j x_{(i+j) mod n} of CNN layers commutes with S_t too, at symbolic size."""
    def correlate(signal, index):
        return sp.Sum(w[j] * signal(_mod(index + j)), (j, 0, k - 1))

    left = correlate(shifted(_signal, t), i)
    right = shifted(lambda p: correlate(_signal, p), t)(i)
    return prove_true(ID, "cross-correlation commutes with S_t for symbolic n, k, t",
                      equal_up_to_reindexing(left, right))


def prove_layer_equivariance() -> Check:
    """sigma(w * S_t x + b) = S_t sigma(w * x + b) for any pointwise sigma and a bias shared by all positions."""
    left, right = _sides()
    return prove_equal(ID, "sigma(w * S_t x + b)_i = (S_t sigma(w * x + b))_i, sigma arbitrary, symbolic n, k",
                       sigma(left + bias), sigma(right + bias))


def prove_position_bias_breaks_it() -> Check:
    """A bias b_i that depends on the position is not equivariant: a witness at a random point."""
    b = sp.IndexedBase("b", real=True)
    left = sigma(convolution_entry(shifted(_signal, t), i) + b[i])
    right = shifted(lambda p: sigma(convolution_entry(_signal, p) + b[p]), t)(i)
    return prove_true(ID, "a per-position bias b_i breaks equivariance (refuted at a random point)",
                      refute_equal(left, right) is not None)


def _explicit_shift(values, shift):
    size = len(values)
    return [values[(p - shift) % size] for p in range(size)]


def prove_global_pooling_invariance(max_length: int = 6) -> Check:
    """sum_i (S_t y)_i = sum_i y_i and max_i (S_t y)_i = max_i y_i, every n <= max_length and every shift t."""
    holds = True
    for size in range(1, max_length + 1):
        y = sp.symbols(f"y0:{size}", real=True)
        for shift in range(size):
            moved = _explicit_shift(y, shift)
            holds &= sp.expand(sum(moved) - sum(y)) == 0 and sp.Max(*moved) == sp.Max(*y)
    return prove_true(ID, f"global sum and max pooling are invariant under every S_t, n <= {max_length}", holds)


def prove_subsampling_equivariance() -> Check:
    """D_s S_{sq} = S_q D_s on signals of length n = s r, at symbolic s, r, q, m: y_{(sm - sq) mod sr} =
    y_{s((m-q) mod r)}."""
    s, r = sp.symbols("s r", integer=True, positive=True)
    q, m = sp.symbols("q m", integer=True)
    y = sp.IndexedBase("y", real=True)
    coarse_then_shift = y[s * sp.Mod(m - q, r)]
    shift_then_coarse = y[sp.Mod(s * m - s * q, s * r)]
    return prove_equal(ID, "D_s S_(sq) = S_q D_s for symbolic stride s, coarse length r, shift q",
                       shift_then_coarse, coarse_then_shift)


def prove_subsampling_breaks_other_shifts(max_length: int = 12) -> Check:
    """For every n <= max_length, stride s >= 2 dividing n and t not a multiple of s: D_s S_t e_0 = 0 while
    D_s e_0 = e_0, so no S_q D_s e_0 equals it and the pooled value moves from 1 to 0."""
    holds = True
    for size, stride in product(range(2, max_length + 1), range(2, max_length + 1)):
        if size % stride:
            continue
        delta = [1] + [0] * (size - 1)
        coarse = delta[::stride]
        matches = [_explicit_shift(coarse, q) for q in range(len(coarse))]
        for shift in range(size):
            moved = _explicit_shift(delta, shift)[::stride]
            equivariant = moved in matches
            holds &= equivariant == (shift % stride == 0) and (sum(moved) == sum(coarse)) == (shift % stride == 0)
    return prove_true(ID, f"sub-sampling by s commutes with S_t (for some S_q) iff s | t, every n <= {max_length}",
                      holds)


def prove_invariance_second_moment(max_length: int = 8, max_kernel: int = 3) -> Check:
    """E(g(S_t x) - g(x))^2 = v (n/s) sum_r (W_(r+t) - W_r)^2 and E g(x)^2 = v (n/s) sum_r W_r^2, g the pooled
    sub-sampled convolution, x with independent zero-mean entries of variance v; symbolic kernel, every n <= 8,
    s | n, k <= 3, every t."""
    variance = sp.Symbol("v", positive=True)
    holds = True
    for size, stride, width in product(range(1, max_length + 1), range(1, max_length + 1), range(1, max_kernel + 1)):
        if size % stride or width > size:
            continue
        xs = sp.symbols(f"x0:{size}", real=True)
        ws = sp.symbols(f"w0:{width}", real=True)

        def pooled(signal):
            return sum(ws[q] * signal[(m - q) % size] for m in range(0, size, stride) for q in range(width))

        def second_moment(form):  # E form^2 for a linear form in independent zero-mean x
            return variance * sum(sp.diff(form, xi) ** 2 for xi in xs)

        scale = variance * sp.Rational(size, stride)
        holds &= sp.expand(second_moment(pooled(xs)) - scale * pooled_moment(ws, stride)) == 0
        for shift in range(size):
            gap = pooled(_explicit_shift(xs, shift)) - pooled(xs)
            holds &= sp.expand(second_moment(gap) - scale * invariance_moment(ws, stride, shift)) == 0
    return prove_true(ID, "E(g(S_t x) - g(x))^2 / E g(x)^2 = sum_r (W_(r+t) - W_r)^2 / sum_r W_r^2 at every "
                          f"n <= {max_length}, s | n, k <= {max_kernel}, t", holds)


def prove_zero_padding_breaks_it() -> Check:
    """Zero-padded (linear) convolution does not commute with the cyclic shift: a witness at n = 3, k = 2."""
    size, width = 3, 2
    xs = sp.symbols(f"x0:{size}", real=True)
    ws = sp.symbols(f"w0:{width}", real=True)

    def padded(signal):
        return [sum(ws[q] * signal[p - q] for q in range(width) if p - q >= 0) for p in range(size)]

    left = sp.Matrix(padded(_explicit_shift(xs, 1)))
    right = sp.Matrix(_explicit_shift(padded(xs), 1))
    return prove_true(ID, "zero-padded convolution does not commute with S_1 (refuted at n = 3, k = 2)",
                      refute_equal(left, right) is not None)


def prove_convolution_theorem(max_length: int = 4) -> Check:
    """F(w * x) = F w_padded (.) F x exactly (DFT with omega = exp(-2 pi i/n)), every n <= max_length, k <= n:
    the FFT form is exact in exact arithmetic, so its error is rounding alone."""
    holds = True
    for size in range(1, max_length + 1):
        omega = sp.exp(-2 * sp.pi * sp.I / size)
        dft = sp.Matrix(size, size, lambda a, b: omega ** (a * b))
        xs = sp.Matrix(sp.symbols(f"x0:{size}", real=True))
        for width in range(1, size + 1):
            ws = list(sp.symbols(f"w0:{width}", real=True)) + [0] * (size - width)
            direct = sp.Matrix([sum(ws[q] * xs[(p - q) % size] for q in range(width)) for p in range(size)])
            diagonal = (dft * sp.Matrix(ws)).multiply_elementwise(dft * xs)
            holds &= all(sp.simplify(sp.expand(e)) == 0 for e in dft * direct - diagonal)
    return prove_true(ID, f"F(w * x) = Fw . Fx exactly at every n <= {max_length}: the FFT form only rounds", holds)


THEOREM = Theorem(
    id=ID,
    title="Circular convolution commutes with cyclic translations",
    module="architectures.convolution",
    reference=Reference(
        key="cohen2016group",
        authors=("Taco S. Cohen", "Max Welling"),
        year=2016,
        title="Group Equivariant Convolutional Networks",
        venue="Proceedings of the 33rd International Conference on Machine Learning (ICML)",
        volume="48",
        pages="2990--2999",
        note="PMLR; equivariance of correlation, pointwise non-linearities, pooling, strided subsampling",
        arxiv="1602.07576",
        entry_type="inproceedings",
    ),
    statement=statement,
    assumptions=(
        r"signals $x \in \mathbb R^n$ on $\mathbb Z_n$, kernel $w \in \mathbb R^k$ with $1 \le k \le n$, "
        r"$(S_t x)_i = x_{(i - t) \bmod n}$",
        r"pointwise $\sigma$ with a bias shared by all positions; global pooling by sum or max",
        r"sub-sampling $(D_s y)_m = y_{sm}$ with $s \mid n$: equivariance for $t \equiv 0 \pmod s$ only",
        r"floating point: direct form in a fixed order, the same code at every position; FFT form for $n = 2^t$ "
        r"with twiddle factors within $u$ (Higham, Theorem 24.2), no overflow or underflow",
    ),
    proofs=(
        prove_modular_rule,
        prove_equivariance,
        prove_correlation_equivariance,
        prove_layer_equivariance,
        prove_position_bias_breaks_it,
        prove_global_pooling_invariance,
        prove_subsampling_equivariance,
        prove_subsampling_breaks_other_shifts,
        prove_invariance_second_moment,
        prove_zero_padding_breaks_it,
        prove_convolution_theorem,
    ),
    aliases=("convolution", "translation-equivariance"),
    summary="w ⋆ S_t x = S_t(w ⋆ x) on ℤ_n; pooling gives invariance; stride s keeps it for s | t only",
)
