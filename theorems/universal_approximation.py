r"""Universal approximation by one hidden layer (Cybenko 1989) and Barron's $1/\sqrt p$ rate (Barron 1993).

A two-layer perceptron with $p$ neurons is a sum of ridge functions,

$$f_\theta(x) = \sum_{s=1}^p a_s\,\sigma(\langle x, w_s\rangle + b_s), \qquad \theta = (a_s, w_s, b_s)_{s\le p}.$$

**Cybenko (1989).** If $\sigma$ is continuous and sigmoidal ($\sigma(t)\to 1$ as $t\to+\infty$, $\to 0$ as
$t\to-\infty$), then for every $f$ continuous on a compact $\Omega\subset\mathbb{R}^d$ and every $\varepsilon>0$ there
are $p$ and $\theta$ with $\sup_{x\in\Omega}|f_\theta(x)-f(x)|\le\varepsilon$. Leshno, Lin, Pinkus and Schocken
(1993) extend this to every continuous $\sigma$ that is *not a polynomial*; the slide's wording ("for $p$ large
enough") is theirs. The converse is elementary: with $\sigma(t)=t^k$ every $f_\theta$ is a polynomial of degree
$\le k$ (:func:`prove_polynomial_activation_gives_polynomials`), a closed finite-dimensional space, so the sup error
of *every* such network is at least the best-approximation error $E_k(f)=\min_{\deg q\le k}\|f-q\|_\infty>0$ for
$f\notin\mathcal P_k$. Example with a certificate: $E_k(x^{k+1}) = 2^{-k}$ on $[-1,1]$, because
$x^{k+1}-2^{-k}T_{k+1}(x)$ has degree $\le k$ and $T_{k+1}$ equioscillates at $k+2$ points (de la Vallée Poussin /
Chebyshev alternation; :func:`prove_polynomial_networks_stall`).

*Quantitative 1-D form used by the experiment (the "staircase").* On $[0,1]$ with $h=1/p$, nodes $x_k=kh$ and
midpoints $\xi_k=(k-\tfrac12)h$,

$$f_p(x) = f(0) + \sum_{k=1}^p \big(f(x_k)-f(x_{k-1})\big)\,\sigma(\kappa(x-\xi_k)),\qquad
  \sigma(t)=\frac{1}{1+e^{-t}},$$

satisfies, for $f$ with modulus of continuity $\omega_f(\delta)\le\min(L\delta,\ \mathrm{osc} f)$ and
$q=e^{-\kappa h}$,

$$\sup_{[0,1]}|f-f_p| \le \omega_f(h/2) + \min\!\Big(\frac{2\,W(e^{-1})\,L}{\kappa},\ \frac{\mathrm{osc} f}{2}\Big)
  + \omega_f(h)\,\frac{q+\sqrt q}{1-q}$$

(:func:`staircase_bound`). Proof: for $x\in[x_{j-1},\xi_j]$ at distance $u$ from $\xi_j$ the unit $j$ mixes
$f(x_{j-1})$ and $f(x_j)$ with weights $1-\sigma_j, \sigma_j$, $\sigma_j=\sigma(-\kappa u)$, costing at most
$\omega(h/2)+\sigma(-\kappa u)\,\omega(2u)$, and $\max_{v\ge0} v\,\sigma(-v) = W(e^{-1}) \approx 0.2785$ (Lambert
$W$; :func:`prove_sigmoid_tail_constant`); every other unit is off by $|f(x_k)-f(x_{k-1})|\,\sigma(-\kappa|x-\xi_k|)
\le\omega(h)e^{-\kappa|x-\xi_k|}$ at distances $\ge h/2+mh$ on one side and $\ge mh$, $m\ge1$, on the other (two
geometric series). The symmetric case $x\in[\xi_j,x_j]$ is the same. With $\kappa=c/h$ (steepness tied to the grid)
the bound is $L h(\tfrac12 + 2W(e^{-1})/c + (e^{-c}+e^{-c/2})/(1-e^{-c}))\to0$; with $\kappa$ fixed and $h\to0$ it
tends to $(2+2W(e^{-1}))L/\kappa$ (the tails add up): the bound, and the measured error, stall.

**Barron (1993).** Fourier convention (Barron's): $f(x)=\int e^{i\langle\omega,x\rangle}\tilde f(\omega)\,d\omega$,
i.e. $\tilde f(\omega)=(2\pi)^{-d}\int f(x)e^{-i\langle\omega,x\rangle}dx$ (or a complex measure $F(d\omega)$ in
place of $\tilde f(\omega)d\omega$), and

$$C_f = \int_{\mathbb{R}^d}|\omega|\,|\tilde f(\omega)|\,d\omega .$$

For every $r>0$, every *probability* measure $\mu$ on the ball $B_r=\{|x|\le r\}$ and every $p\ge1$ there are $p$
sigmoidal units and the *constant* $f(0)$ with

$$\Big\|f-f(0)-\sum_{s=1}^p a_s\sigma(\langle w_s,x\rangle+b_s)\Big\|_{L^2(\mu)}\le\frac{2\,r\,C_f}{\sqrt p}.$$

Proof (Barron's, made constructive in :mod:`numerics.universal_approximation`): write $\tilde f=|\tilde f|e^{i\theta}$;
then $f(x)-f(0)=\int g(x;\omega)\,\Lambda(d\omega)$ with the probability $\Lambda(d\omega)=|\omega||\tilde
f(\omega)|d\omega/C_f$ and the *cosine atom* $g(x;\omega)=C_f(\cos(\langle\omega,x\rangle+\theta(\omega))-\cos
\theta(\omega))/|\omega|$, $|g|\le rC_f$ on $B_r$. The ridge profile $h_\omega(t)=(\cos(|\omega|t+\theta)-\cos
\theta)/|\omega|$ has $h_\omega(0)=0$, $|h'_\omega|\le1$, so on $[-r,r]$ it is an average of steps
$\mathbb 1\{t>\tau\}$ ($\tau\ge0$) and $-\mathbb 1\{t<\tau\}$ ($\tau<0$) with signed weight $h'_\omega(\tau)d\tau$ of
total variation $V_\omega\le2r$: a *step unit* of magnitude $C_fV_\omega\le2rC_f$. An average of $p$ i.i.d. units
$u_s$ with mean $f-f(0)$ has

$$\mathbb E\,\|f-f(0)-\tfrac1p\textstyle\sum_s u_s\|^2_{L^2(\mu)} = \big(\mathbb E\|u\|^2_{L^2(\mu)}-\|f-f(0)\|^2_{L^2(\mu)}\big)/p
\le (2rC_f)^2/p$$

(:func:`prove_variance_of_average`), so some draw meets the bound. Cosine atoms give $(rC_f)^2/p$. Steep sigmoids
$\sigma(\kappa\,\cdot)$ in place of steps move each unit's mean by at most $2C_f/\kappa$ pointwise
($\int|h'|\sigma(-\kappa|t-\tau|)d\tau\le\int e^{-\kappa|s|}ds$), so the mean squared error is at most
$(2C_f/\kappa)^2+(2rC_f)^2/p$ (:func:`sigmoid_mse_bound`).

*Closed forms.* The Gaussian $f(x)=e^{-|x|^2/(2s^2)}$ in $d$ dimensions has $\tilde f(\omega)=(s^2/2\pi)^{d/2}
e^{-s^2|\omega|^2/2}$, the density of $N(0,s^{-2}I_d)$, hence $C_f=\mathbb E|\omega|=\sqrt2\,\Gamma(\frac{d+1}2)/
(s\,\Gamma(\frac d2))$ (:func:`gaussian_barron_norm`). $\cos(\langle a,x\rangle+\varphi)$ has spectrum
$\tfrac12(e^{i\varphi}\delta_a+e^{-i\varphi}\delta_{-a})$ and $C_f=|a|$. The norm is subadditive,
$C_{f+g}\le C_f+C_g$ (triangle inequality under the integral), and translation invariant.

**Both forms.** The slide writes $\|f-f_\theta\|_{L^2(\Omega)}\le 2\,\mathrm{diam}(\Omega)\|f\|_B/\sqrt p$ with
$\|f\|_B=C_f$. It follows from Barron's form: $\Omega\subset B(x_0,\mathrm{diam}\,\Omega)$ for any $x_0\in\Omega$,
translating by $x_0$ multiplies $\tilde f$ by $e^{i\langle\omega,x_0\rangle}$ and leaves $C_f$ unchanged, so
$r=\mathrm{diam}\,\Omega$ and the constant is $f(x_0)$.

**Slips in the sources.** (1) The slide's $L^2(\Omega)$ must be the *normalised* measure $dx/|\Omega|$ (Barron's
$\mu$ is a probability measure); with Lebesgue measure the bound gains a factor $\sqrt{|\Omega|}$. (2) The slide's
$f_\theta$ has no output constant; Barron's network adds $f(0)$ (or $f(x_0)$), which costs one more unit if it must
be a sigmoid. (3) The constant depends on the Fourier convention: with $\hat f(\xi)=\int f e^{-2\pi i\langle
x,\xi\rangle}dx$, $\int|\xi||\hat f(\xi)|d\xi = C_f/(2\pi)$ (:func:`prove_fourier_convention`); with the unitary
convention $\int|\omega||\hat f|\,d\omega=(2\pi)^{d/2}C_f$. (4) The slide calls the theorem "non-constructive"; the
proof is probabilistic but samples explicitly, which is what the experiment does. (5) The slide's universality
statement (any continuous non-polynomial $\sigma$) is Leshno et al.'s; Cybenko's is for sigmoidal $\sigma$.

References: G. Cybenko, Approximation by superpositions of a sigmoidal function, *Math. Control Signals Systems* 2
(1989) 303–314. A. R. Barron, Universal approximation bounds for superpositions of a sigmoidal function, *IEEE Trans.
Inf. Theory* 39(3) (1993) 930–945, Theorem 1 and §VIII–IX. M. Leshno, V. Ya. Lin, A. Pinkus, S. Schocken, *Neural
Networks* 6 (1993) 861–867.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true

CYBENKO = "cybenko1989"
BARRON = "barron1993"

# ---------------------------------------------------------------------------------------------------------------
# Symbols and the network.
# ---------------------------------------------------------------------------------------------------------------

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", integer=True, positive=True)
s_index = sp.Symbol("s", integer=True, positive=True)
a, w, b = sp.IndexedBase("a"), sp.IndexedBase("w"), sp.IndexedBase("b")
sigma = sp.Function("sigma")
f = sp.Function("f")
epsilon = sp.Symbol("epsilon", positive=True)

network = sp.Sum(a[s_index] * sigma(w[s_index] * x + b[s_index]), (s_index, 1, p))
"""$f_\\theta(x)=\\sum_{s=1}^p a_s\\sigma(w_s x+b_s)$ (one input coordinate shown; in $d$ dimensions $w_s x$ is
$\\langle w_s, x\\rangle$)."""

cybenko_statement = sp.Le(sp.Abs(network - f(x)), epsilon)
"""$|f_\\theta(x)-f(x)|\\le\\varepsilon$ for every $x\\in\\Omega$, for some $p$ and $\\theta$."""

r = sp.Symbol("r", positive=True)
C_f = sp.Symbol("C_f", positive=True)
width = sp.Symbol("s", positive=True)
dim = sp.Symbol("d", positive=True, integer=True)
rho = sp.Symbol("rho", positive=True)
kappa = sp.Symbol("kappa", positive=True)
l2_error = sp.Symbol("\\|f - f(0) - f_p\\|_{L^2(\\mu)}", nonnegative=True)


def barron_bound(radius: sp.Expr = r, norm: sp.Expr = C_f, units: sp.Expr = p) -> sp.Expr:
    r"""Barron's $2 r C_f/\sqrt p$, the $L^2(\mu)$ error bound of $p$ step (or sigmoidal) units plus $f(0)$."""
    return 2 * radius * norm / sp.sqrt(units)


def barron_mse_bound(radius: sp.Expr = r, norm: sp.Expr = C_f, units: sp.Expr = p) -> sp.Expr:
    r"""$(2rC_f)^2/p$, the mean squared error bound of the step-unit construction."""
    return barron_bound(radius, norm, units) ** 2


def cosine_mse_bound(radius: sp.Expr = r, norm: sp.Expr = C_f, units: sp.Expr = p) -> sp.Expr:
    r"""$(rC_f)^2/p$ for the cosine-atom construction ($|g|\le rC_f$ on $B_r$)."""
    return (radius * norm) ** 2 / units


def sigmoid_mse_bound(radius: sp.Expr = r, norm: sp.Expr = C_f, units: sp.Expr = p,
                      steepness: sp.Expr = kappa) -> sp.Expr:
    r"""$(2C_f/\kappa)^2 + (2rC_f)^2/p$: steps replaced by $\sigma(\kappa\,\cdot)$ (bias squared plus variance)."""
    return (2 * norm / steepness) ** 2 + barron_mse_bound(radius, norm, units)


barron_statement = sp.Le(l2_error, barron_bound())
"""Barron's Theorem 1: $\\|f-f(0)-f_p\\|_{L^2(\\mu)}\\le 2rC_f/\\sqrt p$ for a probability measure $\\mu$ on $B_r$."""

diameter = sp.Symbol("diam_Omega", positive=True)
slide_bound = 2 * diameter * C_f / sp.sqrt(p)
"""The slide's $2\\,\\mathrm{diam}(\\Omega)\\|f\\|_B/\\sqrt p$ ($\\|f\\|_B=C_f$, $L^2$ of the normalised measure)."""


# ---------------------------------------------------------------------------------------------------------------
# Closed-form Barron norms.
# ---------------------------------------------------------------------------------------------------------------


def sphere_area(d: sp.Expr = dim) -> sp.Expr:
    r"""$|S^{d-1}| = 2\pi^{d/2}/\Gamma(d/2)$."""
    d = sp.sympify(d)
    return 2 * sp.pi ** (d / 2) / sp.gamma(d / 2)


def gaussian_spectrum(d: sp.Expr = dim, s: sp.Expr = width, radius: sp.Expr = rho) -> sp.Expr:
    r"""$\tilde f(\omega)=(s^2/2\pi)^{d/2}e^{-s^2|\omega|^2/2}$ of $e^{-|x|^2/(2s^2)}$, at $|\omega|=\rho$."""
    d = sp.sympify(d)
    return (s**2 / (2 * sp.pi)) ** (d / 2) * sp.exp(-(s**2) * radius**2 / 2)


def gaussian_barron_norm(d: sp.Expr = dim, s: sp.Expr = width) -> sp.Expr:
    r"""$C_f=\sqrt2\,\Gamma(\frac{d+1}2)/(s\,\Gamma(\frac d2))$ for $f(x)=e^{-|x|^2/(2s^2)}$ on $\mathbb R^d$."""
    d = sp.sympify(d)
    return sp.sqrt(2) * sp.gamma((d + 1) / 2) / (s * sp.gamma(d / 2))


def gaussian_barron_norm_integral(d: sp.Expr = dim, s: sp.Expr = width) -> sp.Expr:
    r"""$C_f$ as SymPy integrates it: $|S^{d-1}|\int_0^\infty\rho^{d-1}\,\rho\,\tilde f(\rho)\,d\rho$."""
    return sphere_area(d) * sp.integrate(rho ** d * gaussian_spectrum(d, s, rho), (rho, 0, sp.oo))


def cosine_barron_norm(frequency: tuple[sp.Expr, ...]) -> sp.Expr:
    r"""$C_f=\frac12|a|+\frac12|-a|=|a|$ for $f=\cos(\langle a,x\rangle+\varphi)$: two point masses of weight 1/2."""
    norm = sp.sqrt(sum(component**2 for component in frequency))
    minus = sp.sqrt(sum((-component) ** 2 for component in frequency))
    return sp.Rational(1, 2) * norm + sp.Rational(1, 2) * minus


# ---------------------------------------------------------------------------------------------------------------
# The staircase bound (Cybenko, quantitative in 1-D).
# ---------------------------------------------------------------------------------------------------------------

h = sp.Symbol("h", positive=True)
lipschitz = sp.Symbol("L", positive=True)
oscillation = sp.Symbol("osc", positive=True)
TAIL_CONSTANT = sp.LambertW(sp.exp(-1))
"""$W(e^{-1})=\\max_{v\\ge0}v\\,\\sigma(-v)\\approx0.27846$."""


def modulus(delta: sp.Expr, lip: sp.Expr = lipschitz, osc: sp.Expr = oscillation) -> sp.Expr:
    r"""$\omega_f(\delta)\le\min(L\delta,\ \mathrm{osc}\,f)$ for an $L$-Lipschitz $f$ of oscillation osc."""
    return sp.Min(lip * delta, osc)


def staircase_bound(spacing: sp.Expr = h, steepness: sp.Expr = kappa, lip: sp.Expr = lipschitz,
                    osc: sp.Expr = oscillation) -> sp.Expr:
    r"""$\omega(h/2)+\min(2W(e^{-1})L/\kappa,\ \mathrm{osc}/2)+\omega(h)(q+\sqrt q)/(1-q)$, $q=e^{-\kappa h}$."""
    q = sp.exp(-steepness * spacing)
    return (modulus(spacing / 2, lip, osc) + sp.Min(2 * TAIL_CONSTANT * lip / steepness, osc / 2)
            + modulus(spacing, lip, osc) * (q + sp.sqrt(q)) / (1 - q))


def staircase_slope_bound(spacing: sp.Expr = h, steepness: sp.Expr = kappa, lip: sp.Expr = lipschitz,
                          osc: sp.Expr = oscillation) -> sp.Expr:
    r"""Lipschitz constant of the staircase: $\max_k|\Delta_k|\,\kappa\,(1/4+2\sqrt q/(1-q))$, $|\Delta_k|\le\omega(h)$.

    ($\sigma'\le1/4$ at the nearest unit and $\sigma'(v)\le e^{-|v|}$ at the others, at distances $\ge h/2+mh$.)
    Used to bound how far the sup on a grid can be below the true sup.
    """
    q = sp.exp(-steepness * spacing)
    return modulus(spacing, lip, osc) * steepness * (sp.Rational(1, 4) + 2 * sp.sqrt(q) / (1 - q))


# ---------------------------------------------------------------------------------------------------------------
# Proofs (Cybenko).
# ---------------------------------------------------------------------------------------------------------------


def prove_polynomial_activation_gives_polynomials(max_degree: int = 4, units: int = 3) -> Check:
    """With sigma(t) = t^k, f_theta is a polynomial of total degree <= k (d = 1, 2, 3; p = 3 symbolic units)."""
    holds = True
    for k, d in product(range(0, max_degree + 1), (1, 2, 3)):
        xs = sp.symbols(f"x0:{d}", real=True)
        total = 0
        for unit in range(units):
            ws = sp.symbols(f"w{unit}_0:{d}", real=True)
            total += sp.Symbol(f"a{unit}") * (sum(wi * xi for wi, xi in zip(ws, xs)) + sp.Symbol(f"b{unit}")) ** k
        holds &= sp.Poly(sp.expand(total), *xs).total_degree() <= k
    return prove_true(CYBENKO, f"sigma(t) = t^k makes f_theta a polynomial of degree <= k (k <= {max_degree}, "
                               f"d <= 3, p = {units}): not universal", holds)


def prove_polynomial_networks_stall(max_degree: int = 8) -> Check:
    """E_k(x^{k+1}) = 2^{-k} on [-1, 1]: q = x^{k+1} - 2^{-k} T_{k+1} has degree <= k and the error 2^{-k} T_{k+1}
    equioscillates (values ±2^{-k}, alternating) at the k+2 points cos(j pi/(k+1)): by de la Vallée Poussin no
    polynomial of degree <= k does better, so no network with sigma = t^k gets below 2^{-k}."""
    t, angle = sp.Symbol("t", real=True), sp.Symbol("theta", real=True)
    holds = True
    for k in range(1, max_degree + 1):
        chebyshev = sp.chebyshevt(k + 1, t)
        holds &= sp.Poly(sp.expand(t ** (k + 1) - chebyshev / 2**k), t).degree() <= k
        # T_{k+1}(cos theta) = cos((k+1) theta), so at theta_j = j pi/(k+1) the error is (-1)^j 2^-k.
        identity = sp.expand(sp.expand_trig(sp.cos((k + 1) * angle)) - chebyshev.subs(t, sp.cos(angle)))
        holds &= sp.simplify(identity) == 0
        holds &= all(sp.cos((k + 1) * j * sp.pi / (k + 1)) == (-1) ** j for j in range(k + 2))
        holds &= len({sp.cos(j * sp.pi / (k + 1)) for j in range(k + 2)}) == k + 2
    return prove_true(CYBENKO, f"E_k(x^(k+1)) = 2^-k on [-1,1] by Chebyshev alternation, k <= {max_degree}: "
                               "polynomial-activation networks stall", holds)


def prove_staircase_telescopes() -> Check:
    """With steps in place of sigmoids the staircase at node j is f(x_0) + sum_{k<=j} (f(x_k) - f(x_{k-1})) = f(x_j)."""
    k, j = sp.symbols("k j", integer=True, positive=True)
    telescoped = f(0) + sp.Sum(f(k) - f(k - 1), (k, 1, j)).doit()
    return prove_equal(CYBENKO, "staircase of steps interpolates: f(x_0) + sum_{k<=j} Delta_k = f(x_j)",
                       telescoped, f(j))


def prove_sigmoid_tail_constant() -> Check:
    """max_{v>=0} v sigma(-v) = W(1/e), attained at v = 1 + W(1/e).

    Let w > 0 be the root of w e^w = e^{-1} (w = W(1/e)); at v = 1 + w, e^v = 1/w. There d/dv [v/(1+e^v)] =
    (1 + e^v - v e^v)/(1+e^v)^2 vanishes and the value is w. (The function rises from 0 and decays like v e^{-v},
    and the derivative's numerator 1 + e^v(1 - v) is decreasing for v > 0, so this root is the maximum.)
    """
    v, root = sp.Symbol("v", positive=True), sp.Symbol("w", positive=True)
    value = v / (1 + sp.exp(v))
    at_root = {sp.exp(v): 1 / root}
    derivative = sp.diff(value, v).subs(at_root).subs(v, 1 + root)
    maximum = value.subs(at_root).subs(v, 1 + root)
    numerator_slope = sp.diff(1 + sp.exp(v) * (1 - v), v)
    holds = (sp.simplify(derivative) == 0 and sp.simplify(maximum - root) == 0
             and sp.simplify(numerator_slope + v * sp.exp(v)) == 0)
    return prove_true(CYBENKO, "max_v v sigma(-v) = W(1/e) ~ 0.2785 (the staircase's tail constant)", bool(holds))


def prove_staircase_bound_limits() -> Check:
    """kappa = c/h: the bound is L h (1/2 + 2W/c + (e^-c + e^-c/2)/(1 - e^-c)) (-> L h/2 as c -> oo); kappa fixed:
    the bound tends to 2L/kappa as h -> 0 (tails dominate)."""
    c = sp.Symbol("c", positive=True)
    tied = staircase_bound(h, c / h, lipschitz, sp.oo).rewrite(sp.exp)
    closed = lipschitz * h * (sp.Rational(1, 2) + 2 * TAIL_CONSTANT / c
                              + (sp.exp(-c) + sp.exp(-c / 2)) / (1 - sp.exp(-c)))
    tied_ok = sp.simplify(tied - closed) == 0
    fixed_limit = sp.limit(staircase_bound(h, kappa, lipschitz, sp.oo), h, 0, "+")
    fixed_ok = sp.simplify(fixed_limit - 2 * lipschitz / kappa - 2 * TAIL_CONSTANT * lipschitz / kappa) == 0
    return prove_true(CYBENKO, "staircase bound: kappa = c/h gives O(L h); fixed kappa stalls at "
                               "(2 + 2W(1/e)) L/kappa as h -> 0", bool(tied_ok and fixed_ok))


# ---------------------------------------------------------------------------------------------------------------
# Proofs (Barron).
# ---------------------------------------------------------------------------------------------------------------


def prove_gaussian_spectrum_1d() -> Check:
    """(2 pi)^{-1} int exp(-x^2/(2 s^2)) e^{-i w x} dx = (s^2/2 pi)^{1/2} exp(-s^2 w^2/2) (the sine part is odd)."""
    omega = sp.Symbol("omega", real=True)
    transform = sp.integrate(sp.exp(-(x**2) / (2 * width**2)) * sp.cos(omega * x), (x, 0, sp.oo)) / sp.pi
    return prove_equal(BARRON, "Fourier transform of exp(-x^2/(2s^2)) (Barron's convention, d = 1); the d-dim "
                               "one is the product over coordinates", transform, gaussian_spectrum(1, width, omega))


def prove_gaussian_barron_norm() -> Check:
    """C_f = |S^{d-1}| int rho^d f~(rho) d rho = sqrt(2) Gamma((d+1)/2)/(s Gamma(d/2)), symbolic d and s."""
    return prove_equal(BARRON, "C_f of exp(-|x|^2/(2s^2)) in R^d = sqrt(2) Gamma((d+1)/2) / (s Gamma(d/2)), "
                               "symbolic d, s", gaussian_barron_norm_integral(), gaussian_barron_norm())


def prove_gaussian_spectrum_is_density() -> Check:
    """The Gaussian's f~ integrates to f(0) = 1: it is the density of N(0, I/s^2), so C_f = E|omega|."""
    mass = sphere_area() * sp.integrate(rho ** (dim - 1) * gaussian_spectrum(), (rho, 0, sp.oo))
    return prove_equal(BARRON, "int f~ = f(0) = 1 for the Gaussian: Lambda-sampling is chi_{d+1}/s radii",
                       mass, sp.Integer(1))


def prove_cosine_norm() -> Check:
    """cos(<a,x> + phi) = (e^{i(<a,x>+phi)} + e^{-i(<a,x>+phi)})/2, so C_f = |a|/2 + |-a|/2 = |a| (d = 3)."""
    avec = sp.symbols("a0:3", real=True)
    xvec = sp.symbols("x0:3", real=True)
    phi = sp.Symbol("phi", real=True)
    phase = sum(ai * xi for ai, xi in zip(avec, xvec)) + phi
    spectrum_ok = sp.simplify(((sp.exp(sp.I * phase) + sp.exp(-sp.I * phase)) / 2 - sp.cos(phase)).rewrite(sp.exp)) == 0
    weight_ok = sp.simplify(sp.Abs(sp.exp(sp.I * phi) / 2) - sp.Rational(1, 2)) == 0
    norm_ok = sp.simplify(cosine_barron_norm(avec) - sp.sqrt(sum(ai**2 for ai in avec))) == 0
    return prove_true(BARRON, "C_f of cos(<a,x> + phi) is |a| (spectrum (e^{i phi} delta_a + e^{-i phi} "
                              "delta_{-a})/2)", bool(spectrum_ok and weight_ok and norm_ok))


def prove_norm_subadditive() -> Check:
    """|z + w| <= |z| + |w| for complex z, w (integrated against |omega| d omega: C_{f+g} <= C_f + C_g).

    (|z|+|w|)^2 - |z+w|^2 = 2(|z||w| - Re z conj(w)) and |z|^2|w|^2 - (Re z conj w)^2 = (Im z conj w)^2 >= 0
    (Lagrange), so |z||w| >= |Re z conj w| >= Re z conj w.
    """
    re1, im1, re2, im2 = sp.symbols("x1 y1 x2 y2", real=True)
    z, zw = re1 + sp.I * im1, re2 + sp.I * im2
    mod_z, mod_w = sp.sqrt(re1**2 + im1**2), sp.sqrt(re2**2 + im2**2)
    gap = sp.expand((mod_z + mod_w) ** 2 - ((re1 + re2) ** 2 + (im1 + im2) ** 2))
    real_part = sp.re(sp.expand(z * sp.conjugate(zw)))
    first = sp.simplify(gap - 2 * (mod_z * mod_w - real_part)) == 0
    lagrange = sp.expand((re1**2 + im1**2) * (re2**2 + im2**2) - real_part**2 - (re1 * im2 - im1 * re2) ** 2) == 0
    nonnegative = bool(((re1 * im2 - im1 * re2) ** 2).is_nonnegative)
    return prove_true(BARRON, "C_{f+g} <= C_f + C_g (pointwise |z + w| <= |z| + |w| via Lagrange's identity)",
                      bool(first and lagrange and nonnegative))


def prove_translation_invariance() -> Check:
    """|e^{-i<omega, x0>} f~(omega)| = |f~(omega)|: C_f does not change when f is translated (d = 2)."""
    om, x0 = sp.symbols("om0:2", real=True), sp.symbols("c0:2", real=True)
    amplitude = sp.Symbol("A", positive=True)
    shifted = sp.Abs(sp.exp(-sp.I * sum(o * c for o, c in zip(om, x0))) * amplitude)
    return prove_equal(BARRON, "C_f is translation invariant (so r = diam(Omega) about any x0 in Omega)",
                       shifted, amplitude)


def prove_fourier_convention() -> Check:
    """With f^(xi) = int f e^{-2 pi i x xi} dx, int |xi| |f^(xi)| d xi = C_f / (2 pi) (Gaussian, d = 1)."""
    xi = sp.Symbol("xi", positive=True)
    hat = 2 * sp.integrate(sp.exp(-(x**2) / (2 * width**2)) * sp.cos(2 * sp.pi * xi * x), (x, 0, sp.oo))
    other = 2 * sp.integrate(xi * sp.simplify(hat), (xi, 0, sp.oo))
    return prove_equal(BARRON, "the 2 pi-in-the-exponent convention gives C_f/(2 pi): state the convention",
                       other, gaussian_barron_norm(1, width) / (2 * sp.pi))


def prove_variance_of_average(max_units: int = 6) -> Check:
    """E|(1/p) sum u_s - g|^2 = (E|u|^2 - |g|^2)/p for i.i.d. u_s with mean g, p = 1..max_units.

    Expectation as a linear map on monomials of the u_s: E[u_s u_t] = m2 (s = t) or g^2 (s != t), E[u_s] = g.
    (Pointwise in x, then integrated against mu.)
    """
    g, m2 = sp.symbols("g m2", real=True)
    holds = True
    for units in range(1, max_units + 1):
        us = sp.symbols(f"u0:{units}", real=True)
        poly = sp.Poly(sp.expand((sum(us) / units - g) ** 2), *us)
        expectation = 0
        for powers, coefficient in poly.terms():
            active = [e for e in powers if e]
            if not active:
                term = 1
            elif active == [2]:
                term = m2
            elif active == [1]:
                term = g
            else:
                term = g**2
            expectation += coefficient * term
        holds &= sp.simplify(expectation - (m2 - g**2) / units) == 0
    return prove_true(BARRON, f"E||avg of p iid units - mean||^2 = (E||u||^2 - ||mean||^2)/p, p <= {max_units}",
                      bool(holds))


def prove_unit_magnitudes() -> Check:
    """|d/dt (cos(rho t + theta) - cos theta)/rho| = |sin(rho t + theta)| <= 1: the profile is 1-Lipschitz with h(0) = 0,
    so the cosine atom is at most r C_f and the step unit (variation <= 2r) at most 2 r C_f on B_r."""
    t, theta = sp.Symbol("t", real=True), sp.Symbol("theta", real=True)
    profile = (sp.cos(rho * t + theta) - sp.cos(theta)) / rho
    slope_ok = sp.simplify(sp.diff(profile, t) + sp.sin(rho * t + theta)) == 0
    zero_ok = sp.simplify(profile.subs(t, 0)) == 0
    bound_ok = sp.simplify(barron_mse_bound() - 4 * cosine_mse_bound()) == 0
    return prove_true(BARRON, "ridge profile is 1-Lipschitz, h(0) = 0: |atom| <= r C_f, |step unit| <= 2 r C_f",
                      bool(slope_ok and zero_ok and bound_ok))


def prove_slide_form() -> Check:
    """Barron's form at r = diam(Omega) is the slide's 2 diam(Omega) ||f||_B / sqrt(p)."""
    return prove_equal(BARRON, "Barron's 2 r C_f/sqrt(p) at r = diam(Omega) is the slide's bound",
                       barron_bound(diameter, C_f, p), slide_bound)


# ---------------------------------------------------------------------------------------------------------------
# The theorems.
# ---------------------------------------------------------------------------------------------------------------

CYBENKO_THEOREM = Theorem(
    id=CYBENKO,
    title="Universal approximation by one hidden layer",
    module="universal_approximation",
    reference=Reference(
        key="cybenko1989approximation",
        authors=("George Cybenko",),
        year=1989,
        title="Approximation by superpositions of a sigmoidal function",
        venue="Mathematics of Control, Signals and Systems",
        doi="10.1007/BF02551274",
    ),
    statement=cybenko_statement,
    assumptions=(
        "f continuous on a compact Omega in R^d; sigma continuous sigmoidal (Cybenko) or continuous and not a "
        "polynomial (Leshno et al. 1993)",
        "for every epsilon > 0 some p and theta give sup_Omega |f_theta - f| <= epsilon",
        "sigma(t) = t^k: f_theta is a polynomial of degree <= k, the sup error stalls at E_k(f)",
        "1-D staircase: h = 1/p, kappa = c/h, sup error <= omega(h/2) + min(2W(1/e)L/kappa, osc/2) "
        "+ omega(h)(q + sqrt q)/(1 - q), q = exp(-kappa h)",
    ),
    proofs=(
        prove_polynomial_activation_gives_polynomials,
        prove_polynomial_networks_stall,
        prove_staircase_telescopes,
        prove_sigmoid_tail_constant,
        prove_staircase_bound_limits,
    ),
    aliases=("cybenko", "universal-approximation"),
    summary="one hidden layer with a non-polynomial activation approximates any continuous function uniformly",
)

BARRON_THEOREM = Theorem(
    id=BARRON,
    title="Barron's 1/sqrt(p) approximation rate",
    module="universal_approximation",
    reference=Reference(
        key="barron1993universal",
        authors=("Andrew R. Barron",),
        year=1993,
        title="Universal approximation bounds for superpositions of a sigmoidal function",
        venue="IEEE Transactions on Information Theory",
        doi="10.1109/18.256500",
    ),
    statement=barron_statement,
    assumptions=(
        "f(x) = int e^{i<omega,x>} f~(omega) d omega (f~ = (2 pi)^-d int f e^{-i<omega,x>} dx), "
        "C_f = int |omega| |f~(omega)| d omega < oo",
        "mu a probability measure on the ball B_r = {|x| <= r}; the network adds the constant f(0)",
        "p step or sigmoidal units: ||f - f(0) - f_p||_{L2(mu)} <= 2 r C_f / sqrt(p); cosine atoms: r C_f/sqrt(p)",
        "slide's form: r = diam(Omega), L2 of dx/|Omega|, constant f(x0), ||f||_B = C_f",
    ),
    proofs=(
        prove_gaussian_spectrum_1d,
        prove_gaussian_barron_norm,
        prove_gaussian_spectrum_is_density,
        prove_cosine_norm,
        prove_norm_subadditive,
        prove_translation_invariance,
        prove_fourier_convention,
        prove_variance_of_average,
        prove_unit_magnitudes,
        prove_slide_form,
    ),
    aliases=("barron",),
    summary="p sigmoidal units plus f(0) reach L2(mu) error 2 r C_f / sqrt(p) on the ball of radius r",
)

THEOREMS = (CYBENKO_THEOREM, BARRON_THEOREM)
