r"""Barron's $1/\sqrt p$ rate (Barron 1993): $p$ sigmoidal units plus $f(0)$ reach $L^2(\mu)$ error $2rC_f/\sqrt p$.

**Barron (1993).** Fourier convention (Barron's): $f(x)=\int e^{i\langle\omega,x\rangle}\tilde f(\omega)\,d\omega$,
i.e. $\tilde f(\omega)=(2\pi)^{-d}\int f(x)e^{-i\langle\omega,x\rangle}dx$ (or a complex measure $F(d\omega)$ in
place of $\tilde f(\omega)d\omega$), and

$$C_f = \int_{\mathbb{R}^d}|\omega|\,|\tilde f(\omega)|\,d\omega .$$

For every $r>0$, every *probability* measure $\mu$ on the ball $B_r=\{|x|\le r\}$ and every $p\ge1$ there are $p$
sigmoidal units (the two-layer perceptron of :mod:`theorems.universal_approximation.network`) and the *constant*
$f(0)$ with

$$\Big\|f-f(0)-\sum_{s=1}^p a_s\sigma(\langle w_s,x\rangle+b_s)\Big\|_{L^2(\mu)}\le\frac{2\,r\,C_f}{\sqrt p}.$$

Proof (Barron's, made constructive in :mod:`numerics.universal_approximation.barron`): write
$\tilde f=|\tilde f|e^{i\theta}$;
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

*Closed forms.* The Gaussian $f(x)=e^{-|x|^2/(2s^2)}$ in $d$ dimensions has the spectrum

$$\tilde f(\omega)=(s^2/2\pi)^{d/2}e^{-s^2|\omega|^2/2},$$

the density of $N(0,s^{-2}I_d)$, hence $C_f=\mathbb E|\omega|=\sqrt2\,\Gamma(\frac{d+1}2)/(s\,\Gamma(\frac d2))$
(:func:`gaussian_barron_norm`). $\cos(\langle a,x\rangle+\varphi)$ has spectrum
$\tfrac12(e^{i\varphi}\delta_a+e^{-i\varphi}\delta_{-a})$ and $C_f=|a|$. The norm is subadditive,
$C_{f+g}\le C_f+C_g$ (triangle inequality under the integral), and translation invariant.

**Both forms.** The slide writes $\|f-f_\theta\|_{L^2(\Omega)}\le 2\,\mathrm{diam}(\Omega)\|f\|_B/\sqrt p$ with
$\|f\|_B=C_f$. It follows from Barron's form: $\Omega\subset B(x_0,\mathrm{diam}\,\Omega)$ for any $x_0\in\Omega$,
translating by $x_0$ multiplies $\tilde f$ by the phase $e^{i\langle\omega,x_0\rangle}$ and leaves $C_f$ unchanged
(:func:`prove_translation_multiplies_spectrum_by_a_phase`), so $r=\mathrm{diam}\,\Omega$ and the constant is
$f(x_0)$; the slide's bound is then Barron's at $r=\mathrm{diam}\,\Omega$ by definition (:data:`slide_bound`).

**Wrong neighbours** (rejected by the experiment, :mod:`numerics.universal_approximation.barron`): the rate $1/p$
(:func:`one_over_p_bound`); $C_f$ in the $2\pi$-in-the-exponent convention (:func:`two_pi_convention_norm`); the
network without the constant $f(0)$; and, looser than the truth, a constant 10 times Barron's.

**Slips in the sources.** (1) The slide's $L^2(\Omega)$ must be the *normalised* measure $dx/|\Omega|$ (Barron's
$\mu$ is a probability measure); with Lebesgue measure the bound gains a factor $\sqrt{|\Omega|}$. (2) The slide's
$f_\theta$ has no output constant; Barron's network adds $f(0)$ (or $f(x_0)$), which costs one more unit if it must
be a sigmoid. (3) The constant depends on the Fourier convention: with $\hat f(\xi)=\int f e^{-2\pi i\langle
x,\xi\rangle}dx$, $\int|\xi||\hat f(\xi)|d\xi = C_f/(2\pi)$ (:func:`prove_fourier_convention`); with the unitary
convention $\int|\omega||\hat f|\,d\omega=(2\pi)^{d/2}C_f$. (4) The slide calls the theorem "non-constructive"; the
proof is probabilistic but samples explicitly, which is what the experiment does. (The slide's universality
statement, any continuous non-polynomial $\sigma$, is Leshno et al.'s: see
:mod:`theorems.universal_approximation.cybenko`.)

Reference: A. R. Barron, Universal approximation bounds for superpositions of a sigmoidal function, *IEEE Trans.
Inf. Theory* 39(3) (1993) 930–945, Theorem 1 and §VIII–IX.
"""

from __future__ import annotations

import sympy as sp

from theorems.core import Check, Reference, Theorem, prove_equal, prove_true
from theorems.notation import symbol
from theorems.universal_approximation.network import kappa, p, x

ID = "barron1993"

r = sp.Symbol("r", positive=True)
C_f = sp.Symbol("C_f", positive=True)
width = sp.Symbol("s", positive=True)
dim = sp.Symbol("d", positive=True, integer=True)
rho = sp.Symbol("rho", positive=True)
l2_error = symbol("l2_error", r"\|f - f(0) - f_p\|_{L^2(\mu)}", "‖f − f(0) − fₚ‖_L²(μ)", nonnegative=True)


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


statement = sp.Le(l2_error, barron_bound())
"""Barron's Theorem 1: $\\|f-f(0)-f_p\\|_{L^2(\\mu)}\\le 2rC_f/\\sqrt p$ for a probability measure $\\mu$ on $B_r$."""

diameter = sp.Symbol("diam_Omega", positive=True)
slide_bound = barron_bound(diameter, C_f, p)
"""The slide's $2\\,\\mathrm{diam}(\\Omega)\\|f\\|_B/\\sqrt p$ ($\\|f\\|_B=C_f$, $L^2$ of the normalised measure): by
definition Barron's bound at $r=\\mathrm{diam}\\,\\Omega$ (a definition, not a proof step; what makes it Barron's is
:func:`prove_translation_multiplies_spectrum_by_a_phase`)."""


# ---------------------------------------------------------------------------------------------------------------
# Wrong neighbours: the same formulas, perturbed (rejected in numerics.universal_approximation.barron.NEIGHBOURS).
# ---------------------------------------------------------------------------------------------------------------


def one_over_p_bound(radius: sp.Expr = r, norm: sp.Expr = C_f, units: sp.Expr = p) -> sp.Expr:
    r"""The rate misread as $1/p$: $2rC_f/p$ (Barron's Monte Carlo argument gives $1/\sqrt p$, and so do the data)."""
    return 2 * radius * norm / units


def two_pi_convention_norm(norm: sp.Expr = C_f) -> sp.Expr:
    r"""$\int|\xi||\hat f(\xi)|d\xi=C_f/(2\pi)$ with $\hat f(\xi)=\int fe^{-2\pi i\langle x,\xi\rangle}dx$: the
    constant of the wrong convention (:func:`prove_fourier_convention`) put into Barron's bound."""
    return norm / (2 * sp.pi)


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
# Proofs. Each returns a Check of kind "symbolic".
# ---------------------------------------------------------------------------------------------------------------


def prove_gaussian_spectrum_1d() -> Check:
    """(2 pi)^{-1} int exp(-x^2/(2 s^2)) e^{-i w x} dx = (s^2/2 pi)^{1/2} exp(-s^2 w^2/2) (the sine part is odd)."""
    omega = sp.Symbol("omega", real=True)
    transform = sp.integrate(sp.exp(-(x**2) / (2 * width**2)) * sp.cos(omega * x), (x, 0, sp.oo)) / sp.pi
    return prove_equal(ID, "Fourier transform of exp(-x^2/(2s^2)) (Barron's convention, d = 1); the d-dim "
                           "one is the product over coordinates", transform, gaussian_spectrum(1, width, omega))


def prove_gaussian_barron_norm() -> Check:
    """C_f = |S^{d-1}| int rho^d f~(rho) d rho = sqrt(2) Gamma((d+1)/2)/(s Gamma(d/2)), symbolic d and s."""
    return prove_equal(ID, "C_f of exp(-|x|^2/(2s^2)) in R^d = sqrt(2) Gamma((d+1)/2) / (s Gamma(d/2)), "
                           "symbolic d, s", gaussian_barron_norm_integral(), gaussian_barron_norm())


def prove_gaussian_spectrum_is_density() -> Check:
    """The Gaussian's f~ integrates to f(0) = 1: it is the density of N(0, I/s^2), so C_f = E|omega|."""
    mass = sphere_area() * sp.integrate(rho ** (dim - 1) * gaussian_spectrum(), (rho, 0, sp.oo))
    return prove_equal(ID, "int f~ = f(0) = 1 for the Gaussian: Lambda-sampling is chi_{d+1}/s radii",
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
    return prove_true(ID, "C_f of cos(<a,x> + phi) is |a| (spectrum (e^{i phi} delta_a + e^{-i phi} "
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
    return prove_true(ID, "C_{f+g} <= C_f + C_g (pointwise |z + w| <= |z| + |w| via Lagrange's identity)",
                      bool(first and lagrange and nonnegative))


def prove_translation_multiplies_spectrum_by_a_phase() -> Check:
    """The transform of exp(-(x - c)^2/(2 s^2)) is e^{-i omega c} f~(omega) (integrated, d = 1; the d-dim Gaussian is
    a product): translating f multiplies f~ by a phase of modulus 1, so C_f does not change."""
    omega, shift = sp.Symbol("omega", real=True), sp.Symbol("c", real=True)
    shifted = sp.exp(-((x - shift) ** 2) / (2 * width**2))
    transform = sp.integrate(shifted * sp.exp(-sp.I * omega * x), (x, -sp.oo, sp.oo)) / (2 * sp.pi)
    return prove_equal(ID, "Fourier transform of f(x - c) = e^{-i omega c} f~(omega): C_f is translation invariant "
                           "(so r = diam(Omega) about any x0 in Omega)",
                       transform, sp.exp(-sp.I * omega * shift) * gaussian_spectrum(1, width, omega))


def prove_fourier_convention() -> Check:
    """With f^(xi) = int f e^{-2 pi i x xi} dx, int |xi| |f^(xi)| d xi = C_f / (2 pi) (Gaussian, d = 1)."""
    xi = sp.Symbol("xi", positive=True)
    hat = 2 * sp.integrate(sp.exp(-(x**2) / (2 * width**2)) * sp.cos(2 * sp.pi * xi * x), (x, 0, sp.oo))
    other = 2 * sp.integrate(xi * sp.simplify(hat), (xi, 0, sp.oo))
    return prove_equal(ID, "the 2 pi-in-the-exponent convention gives C_f/(2 pi): state the convention",
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
    return prove_true(ID, f"E||avg of p iid units - mean||^2 = (E||u||^2 - ||mean||^2)/p, p <= {max_units}",
                      bool(holds))


def prove_unit_magnitudes() -> Check:
    """|d/dt (cos(rho t + theta) - cos theta)/rho| = |sin(rho t + theta)| <= 1: the profile is 1-Lipschitz with h(0) = 0,
    so the cosine atom is at most r C_f and the step unit (variation <= 2r) at most 2 r C_f on B_r."""
    t, theta = sp.Symbol("t", real=True), sp.Symbol("theta", real=True)
    profile = (sp.cos(rho * t + theta) - sp.cos(theta)) / rho
    slope_ok = sp.simplify(sp.diff(profile, t) + sp.sin(rho * t + theta)) == 0
    zero_ok = sp.simplify(profile.subs(t, 0)) == 0
    bound_ok = sp.simplify(barron_mse_bound() - 4 * cosine_mse_bound()) == 0
    return prove_true(ID, "ridge profile is 1-Lipschitz, h(0) = 0: |atom| <= r C_f, |step unit| <= 2 r C_f",
                      bool(slope_ok and zero_ok and bound_ok))


THEOREM = Theorem(
    id=ID,
    title="Barron's 1/√p approximation rate",
    module="universal_approximation.barron",
    reference=Reference(
        key="barron1993universal",
        authors=("Andrew R. Barron",),
        year=1993,
        title="Universal approximation bounds for superpositions of a sigmoidal function",
        venue="IEEE Transactions on Information Theory",
        volume="39",
        number="3",
        pages="930--945",
        doi="10.1109/18.256500",
    ),
    statement=statement,
    assumptions=(
        r"$f(x) = \int e^{i\langle \omega, x\rangle} \tilde f(\omega)\, d\omega$ ($\tilde f = (2\pi)^{-d} \int f "
        r"e^{-i\langle \omega, x\rangle} dx$), $C_f = \int |\omega|\, |\tilde f(\omega)|\, d\omega < \infty$",
        r"$\mu$ a probability measure on the ball $B_r = \{|x| \le r\}$; the network adds the constant $f(0)$",
        r"$p$ step or sigmoidal units: $\|f - f(0) - f_p\|_{L^2(\mu)} \le 2 r C_f / \sqrt{p}$; cosine atoms: "
        r"$r C_f/\sqrt{p}$",
        r"slide's form: $r = \operatorname{diam}(\Omega)$, $L^2$ of $dx/|\Omega|$, constant $f(x_0)$, "
        r"$\|f\|_B = C_f$",
    ),
    proofs=(
        prove_gaussian_spectrum_1d,
        prove_gaussian_barron_norm,
        prove_gaussian_spectrum_is_density,
        prove_cosine_norm,
        prove_norm_subadditive,
        prove_translation_multiplies_spectrum_by_a_phase,
        prove_fourier_convention,
        prove_variance_of_average,
        prove_unit_magnitudes,
    ),
    aliases=("barron",),
    summary="p sigmoidal units plus f(0) reach L²(μ) error 2 r C_f / √p on the ball of radius r",
)
