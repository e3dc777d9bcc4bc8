r"""Best uniform polynomial approximation by the Remez exchange, in the Chebyshev basis, with certified bounds.

$E_n(f) = \min_{\deg p\le n}\max_{[a,b]}|f-p|$. Chebyshev's alternation theorem characterises the minimiser by $n+2$
points where $f-p$ takes the value $\pm E_n$ with alternating signs; the **de la Vallée Poussin** inequality turns any
polynomial $p$ of degree $\le n$ and any $n+2$ points $t_0<\dots<t_{n+1}$ at which $f-p$ alternates in sign into a
lower bound,

$$E_n(f)\ \ge\ \min_j |f(t_j)-p(t_j)| .$$

(If some $q$ did better, $q-p = (f-p)-(f-q)$ would alternate in sign at the $n+2$ points and so have $n+1$ zeros.)
:func:`remez` returns that lower bound computed in exact rational arithmetic (``fractions.Fraction``: the points and
coefficients are binary floats, hence rationals, and the target is evaluated exactly when an exact evaluator is
given), so it is certified, not estimated. The upper bound is $\max|f-p|$ on a grid of spacing $g$ plus
$(L_f+\sum_k k^2|c_k|\cdot 2/(b-a))\,g/2$ (Markov: $|T_k'|\le k^2$ on $[-1,1]$): also certified, up to the rounding
of a grid evaluation in float64 (relative $10^{-13}$ here, far below the gaps reported).

Each step solves $\sum_k c_kT_k(t_j)+(-1)^jE=f(t_j)$ for the levelled error $E$ on the current reference and
exchanges the reference for the alternating extrema of $f-p$ on the grid (one point per sign run, the largest
$n+2$ consecutive ones kept, the global maximum among them). The Chebyshev basis keeps the systems well conditioned
at any degree: in the monomial basis the Vandermonde matrix on $[0,1]$ is hopelessly ill-conditioned past degree 8.
NumPy's Chebyshev interpolation gives no usable lower bound for $|x-\tfrac12|$: its error does not alternate.

*Symmetric targets.* For $f$ even about the centre and $n$ even, the first reference is symmetric and the levelled
error comes out exactly $0$ (the even error takes equal values at mirrored points, the signs there are opposite):
that step carries no information, and an exchange that keeps the reference symmetric never leaves it.
Since $E_{n+1}\le E_n$, a lower bound for $E_{n+1}$ is one for $E_n$, and for even $f$ they are equal (the best
approximation of an even function is even); :func:`remez` therefore runs at degree $n+1$ when told the target is
symmetric.

Known values used in the tests: $E_n(x^{n+1}) = 2^{-n}$ on $[-1,1]$; $E_2(|x|) = 1/8$; Bernstein's constant
$\lim_{n\to\infty}2n\,E_{2n}(|x|) = \beta\approx0.2801694990$ (Varga and Carpenter 1985).

Reference: L. N. Trefethen, *Approximation Theory and Approximation Practice*, SIAM 2013, Chapters 10 and 24;
R. S. Varga, A. J. Carpenter, On the Bernstein conjecture in approximation theory, *Constr. Approx.* 1 (1985).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np
from numpy.polynomial import chebyshev as C

BERNSTEIN_CONSTANT = 0.2801694990238691
"""$\\beta=\\lim 2n E_{2n}(|x|)$ on $[-1,1]$ (Varga and Carpenter 1985, to 16 digits)."""


@dataclass(frozen=True)
class RemezResult:
    """The Remez approximation: Chebyshev coefficients on [a, b] (mapped to [-1, 1]), reference points (in x), the
    levelled error, the certified bounds lower <= E_n(f) <= upper, the degree actually used, and the iterations."""

    coefficients: np.ndarray
    reference: np.ndarray
    levelled: float
    lower: float
    upper: float
    degree: int
    iterations: int


def _to_unit(x, a, b):
    return (2 * np.asarray(x) - (a + b)) / (b - a)


def _solve(f_ref, t_ref, n):
    signs = (-1.0) ** np.arange(n + 2)
    matrix = np.column_stack([C.chebvander(t_ref, n), signs])
    solution = np.linalg.solve(matrix, f_ref)
    return solution[:-1], solution[-1]


def chebyshev_reference(n: int) -> np.ndarray:
    """The n + 2 extrema of T_{n+1} on [-1, 1], ascending: the starting reference."""
    return np.sort(np.cos(np.pi * np.arange(n + 2) / (n + 1)))


def levelled_error(f, n: int, interval: tuple[float, float], reference: np.ndarray) -> float:
    """E of the system sum_k c_k T_k(t_j) + (-1)^j E = f(x_j) on a reference t (in [-1, 1])."""
    a, b = interval
    return float(_solve(f((a + b) / 2 + (b - a) / 2 * reference), reference, n)[1])


def _alternating_extrema(t, e, count):
    """``count`` consecutive alternating extrema of e on the grid t, containing the global maximum of |e|."""
    runs, start = [], 0
    sign = np.sign(e)
    for i in range(1, len(e) + 1):
        if i == len(e) or (sign[i] != sign[start] and sign[i] != 0):
            run = np.arange(start, i)
            runs.append(run[np.argmax(np.abs(e[run]))])
            start = i
    runs = np.array(runs)
    if len(runs) < count:
        return None
    best = int(np.argmax(np.abs(e[runs])))
    # Among windows of `count` consecutive runs holding the global maximum, keep the one with the largest minimum.
    windows = [range(s, s + count) for s in range(max(0, best - count + 1), min(best, len(runs) - count) + 1)]
    window = max(windows, key=lambda w: np.min(np.abs(e[runs[list(w)]])))
    return runs[list(window)]


def _refine(f, coefficients, t, index, a, b, steps=60):
    """Move each reference point to the local maximum of s_j (f - p) between its grid neighbours (ternary search),
    s_j the sign of the error there: grid extrema miss the true ones by up to a grid spacing (linearly at a kink)."""
    lo, hi = t[np.maximum(index - 1, 0)], t[np.minimum(index + 1, len(t) - 1)]
    error = lambda u: f((a + b) / 2 + (b - a) / 2 * u) - C.chebval(u, coefficients)  # noqa: E731
    sign = np.sign(error(t[index]))
    for _ in range(steps):
        m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        left_better = sign * error(m1) >= sign * error(m2)
        hi, lo = np.where(left_better, m2, hi), np.where(left_better, lo, m1)
    candidates = np.stack([t[index], (lo + hi) / 2])
    values = sign * np.stack([error(t[index]), error((lo + hi) / 2)])
    return candidates[np.argmax(values, axis=0), np.arange(len(index))]


def _exact_error(f_exact, coefficients, point, a, b):
    """f(x) - p(x) at a float x in exact rational arithmetic (Clenshaw with Fractions)."""
    x = Fraction(float(point))
    t = (2 * x - Fraction(a) - Fraction(b)) / (Fraction(b) - Fraction(a))
    b1 = b2 = Fraction(0)
    for c in reversed([Fraction(float(c)) for c in coefficients[1:]]):
        b1, b2 = 2 * t * b1 - b2 + c, b1
    value = t * b1 - b2 + Fraction(float(coefficients[0]))
    return f_exact(x) - value


def remez(f: Callable[[np.ndarray], np.ndarray], degree: int, interval: tuple[float, float] = (-1.0, 1.0), *,
          lipschitz: float, f_exact: Callable[[Fraction], Fraction] | None = None, symmetric: bool = False,
          breakpoints: tuple[float, ...] = (), grid_size: int | None = None, max_iterations: int = 60,
          tol: float = 1e-10) -> RemezResult:
    """Best approximation of degree ``degree`` to ``f`` on ``interval`` with certified bounds on E_degree(f).

    ``lipschitz``: a Lipschitz constant of f (for the upper bound's grid margin). ``f_exact``: f on Fractions, which
    makes the lower bound exact; without it the lower bound is the float64 value. ``symmetric``: f is even about the
    centre (then an even degree is run at degree + 1, see the module docstring). ``breakpoints``: points added to
    the grid (kinks of f, where the error's extrema sit).
    """
    a, b = float(interval[0]), float(interval[1])
    if not b > a:
        raise ValueError(f"interval must have a < b, got {interval}")
    if degree < 0:
        raise ValueError(f"degree must be >= 0, got {degree}")
    if lipschitz < 0:
        raise ValueError(f"lipschitz must be >= 0, got {lipschitz}")
    n = degree + 1 if (symmetric and degree % 2 == 0) else degree
    grid_size = grid_size or max(20001, 40 * (n + 2) ** 2 + 1)
    # Grid dense near the ends (Chebyshev-like) and uniform in the middle, sorted: extrema cluster at the ends.
    uniform = np.linspace(-1.0, 1.0, grid_size | 1)  # odd: the centre is a grid point (kinks of symmetric targets)
    t = np.unique(np.concatenate([np.cos(np.linspace(np.pi, 0.0, grid_size)), uniform, _to_unit(breakpoints, a, b)]))
    x = (a + b) / 2 + (b - a) / 2 * t
    fx = f(x)
    ref = chebyshev_reference(n)
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        coefficients, levelled = _solve(f((a + b) / 2 + (b - a) / 2 * ref), ref, n)
        e = fx - C.chebval(t, coefficients)
        new = _alternating_extrema(t, e, n + 2)
        if new is None:
            break
        ref = _refine(f, coefficients, t, new, a, b)
        at_ref = np.abs(f((a + b) / 2 + (b - a) / 2 * ref) - C.chebval(ref, coefficients))
        worst = max(np.max(np.abs(e)), np.max(at_ref))
        if worst - np.min(at_ref) <= tol * max(worst, 1e-300):
            break
    coefficients, levelled = _solve(f((a + b) / 2 + (b - a) / 2 * ref), ref, n)
    e = fx - C.chebval(t, coefficients)
    reference = (a + b) / 2 + (b - a) / 2 * ref
    errors_at_ref = f(reference) - C.chebval(ref, coefficients)
    if f_exact is not None:
        exact = [_exact_error(f_exact, coefficients, point, a, b) for point in reference]
        alternates = all((exact[j] > 0) != (exact[j + 1] > 0) and exact[j] != 0 for j in range(n + 1))
        lower = float(min(abs(v) for v in exact)) if alternates else 0.0
    else:
        alternates = bool(np.all(np.sign(errors_at_ref[1:]) == -np.sign(errors_at_ref[:-1])))
        lower = float(np.min(np.abs(errors_at_ref))) if alternates else 0.0
    k = np.arange(n + 1)
    slope = lipschitz + np.sum(k**2 * np.abs(coefficients)) * 2 / (b - a)
    spacing = np.max(np.diff(x))
    upper = float(np.max(np.abs(e)) + slope * spacing / 2)
    return RemezResult(coefficients, reference, float(abs(levelled)), lower, upper, n, iterations)
