r"""Experiment: a ResNet with $T$ blocks against the Neural ODE it discretises, $T = 2^2, \dots, 2^{10}$.

The field is linear with commuting weights, $v(t, x) = A(t)x$, $A(t) = Q\,\mathrm{diag}(a_i(t))\,Q^\top$ with $Q$ a
random orthogonal matrix and $a_i = p_i'/p_i$, $p_i(t) = 1 + b_i t + c_i t^2/2$, $b_i \sim U[0.5, 1.5]$,
$c_i \sim U[0.5, 2]$ (:mod:`theorems.architectures.neural_ode`). The ResNet's weights are $W_k = A(k/T)$, sampled from
this smooth $\theta(t)$, and its blocks $x_{k+1} = x_k + W_k x_k / T$ run as matrix-vector products in float64. The
reference is the closed-form flow $x(1) = Q\,\mathrm{diag}(p_i(1))\,Q^\top x_0$; rounding ($\sim T u \approx 10^{-13}$) is
far below the smallest error measured ($\sim 10^{-3}$). $L = \max_{i, t}|a_i(t)|$ is exact (the maximum of $a_i$ on
$[0, 1]$ sits at $0$, $1$ or the root of $a_i'$), and $M = \|Q\,\mathrm{diag}(c)\,Q^\top x_0\|$ because $\ddot x$ is
constant. $\int_0^1 dt/p_i$, $\int a_i^2$ and $\int a_i^3$ use Gauss–Legendre quadrature with 64 nodes (exact to
rounding for these analytic integrands).

**Checks.**

* the theorem: $\|x_T - x(1)\| \le \frac{M}{2L}(e^L - 1)/T$ at every $T$ (measured at 0.7 to 0.9 of the bound);
* the sharp partner, two-sided: $\|T e_T - E(1)\| \le 2\|E_2\|/T$ at the largest $T$ with $E(1)$ and $E_2$ the first-
  and second-order coefficients of the theorem module. The remainder past $E_2/T$ is $O(T^{-2})$; the factor 2
  covers it when $T > \|E_3\|/\|E_2\|$ (measured $\|E_3\| \lesssim \|E_2\|$, so from $T = 2$);
* the rate: the least-squares slope of $\log\|e_T\|$ against $\log T$ lies in $-1 \pm \delta$ with
  $\delta = \sum_i |w_i|\,(-\log(1 - 2\rho_i))$, $\rho_i = \|E_2\|/(\|E(1)\|T_i)$, $w_i$ the fit's weights: each point's
  $\log(T\|e_T\|/\|E(1)\|)$ deviates by at most $-\log(1 - 2\rho_i)$ under the same factor-2 bound. Depths with
  $2\rho_i > 1/2$ are left out of the fit.

**Wrong neighbours**: rate $1/T^2$ (slope $-2$); rate $1/\sqrt T$ (slope $-1/2$; looser); the bound without $e^L$,
$M/(2T)$, which the expanding flow exceeds (its local errors are amplified on the way to $t = 1$).
:func:`diffrax_reference` solves the same ODE with diffrax (Tsit5, tight tolerances) for the figure only: its
compilation is too slow for ``verify``.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.measure import loglog_slope
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive
from theorems.architectures import neural_ode as statement
from theorems.core import Check, numeric

ID = statement.ID
GROWTH_RANGE = (0.5, 1.5)
CURVATURE_RANGE = (0.5, 2.0)
QUADRATURE_NODES = 64

_rate = to_jax([statement.b, statement.c, statement.t], statement.growth_rate)
_rate_slope = to_jax([statement.b, statement.c, statement.t], statement.growth_rate_slope)
_flow = to_jax([statement.b, statement.c, statement.t], statement.quadratic)
_bound = to_jax([statement.M, statement.L, statement.T], statement.euler_bound())
_no_exponential = to_jax([statement.M, statement.T], statement.no_exponential_bound())


@dataclass(frozen=True)
class Config:
    """``dim``: the state's dimension; ``depths``: the numbers of blocks T (each >= 1, increasing); ``reference_rtol``,
    ``reference_atol``: diffrax's tolerances (figure only)."""

    dim: int = 4
    depths: tuple[int, ...] = tuple(2**k for k in range(2, 11))
    reference_rtol: float = 1e-10
    reference_atol: float = 1e-12

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "dim")
        if len(self.depths) < 3:
            raise ValueError(f"depths must hold at least 3 numbers of blocks (a slope fit), got {self.depths!r}")
        for depth in self.depths:
            if not depth >= 1:
                raise ValueError(f"depths must be integers >= 1 (numbers of blocks T), got {depth!r} in "
                                 f"{self.depths!r}")
        if list(self.depths) != sorted(set(self.depths)):
            raise ValueError(f"depths must be strictly increasing, got {self.depths!r}")
        require_positive(self, "reference_rtol", "reference_atol")
        require_memory(self, ("dim", "depths"))

    def peak_bytes(self) -> int:
        """Estimated peak: the ResNets' weights (sum of depths, dim, dim), the errors (depths, dim), Q and a few
        d x d matrices, the quadrature's (nodes, dim) arrays; float64."""
        return (array_bytes(sum(self.depths), self.dim, self.dim) + array_bytes(len(self.depths), self.dim)
                + 4 * array_bytes(self.dim, self.dim)
                + 6 * array_bytes(QUADRATURE_NODES, self.dim))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: dimension 3, T = 4 ... 256."""
        return cls(dim=3, depths=tuple(2**k for k in range(2, 9)))


@dataclass(frozen=True)
class Result:
    """``depths`` (T); ``error[T]`` = x_T − x(1) (vectors); ``first_order`` = E(1), ``second_order`` = E_2 (vectors);
    ``lipschitz`` L; ``curvature`` M; ``final`` = x(1)."""

    depths: np.ndarray
    error: np.ndarray
    first_order: np.ndarray
    second_order: np.ndarray
    lipschitz: np.ndarray
    curvature: np.ndarray
    final: np.ndarray


def draw_field(key: jax.Array, dim: int):
    """(b, c, Q, x0): the eigen-rates' coefficients, a random orthogonal Q and the initial state."""
    kb, kc, kq, kx = jax.random.split(key, 4)
    b = jax.random.uniform(kb, (dim,), jnp.float64, *GROWTH_RANGE)
    c = jax.random.uniform(kc, (dim,), jnp.float64, *CURVATURE_RANGE)
    Q, _ = jnp.linalg.qr(jax.random.normal(kq, (dim, dim), jnp.float64))
    return b, c, Q, jax.random.normal(kx, (dim,), jnp.float64)


def weights(b, c, Q, t):
    """A(t) = Q diag(a(t)) Q^T, the field's weight at time t."""
    return (Q * _rate(b, c, t)) @ Q.T


def resnet(b, c, Q, x0, depth: int) -> jax.Array:
    """x_T of the ResNet x_{k+1} = x_k + W_k x_k / T with T = ``depth`` blocks, its weights W_k = A(k/T) sampled
    from θ(t) = A(t) and stored as a (T, d, d) array, as a ResNet's parameters are."""
    stack = jax.vmap(lambda k: weights(b, c, Q, k / depth))(jnp.arange(depth, dtype=jnp.float64))

    def block(x, W):
        return x + W @ x / depth, None

    return jax.lax.scan(block, x0, stack)[0]


def lipschitz_constant(b, c):
    """max_{i, t in [0,1]} |a_i(t)|: a_i at 0, 1 and the root (−b + sqrt(2c − b²))/c of a_i' (when in [0, 1])."""
    root = jnp.clip((-b + jnp.sqrt(jnp.maximum(2 * c - b**2, 0.0))) / c, 0.0, 1.0)
    return jnp.max(jnp.abs(jnp.stack([_rate(b, c, 0.0), _rate(b, c, 1.0), _rate(b, c, root)])))


def coefficients(b, c, Q, x0):
    """(E(1), E_2, x(1), x''): the first- and second-order error coefficients, the exact final state and the
    (constant) second derivative of the solution."""
    nodes, node_weights = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
    s, w = jnp.asarray((nodes + 1) / 2)[:, None], jnp.asarray(node_weights / 2)[:, None]
    rates = _rate(b, c, s)
    y0, y1 = Q.T @ x0, Q.T @ x0 * _flow(b, c, 1.0)
    l1, l2 = statement.second_order_log_coefficient(
        _rate(b, c, 0.0), _rate(b, c, 1.0), _rate_slope(b, c, 0.0), _rate_slope(b, c, 1.0),
        jnp.sum(w * rates**2, axis=0), jnp.sum(w * rates**3, axis=0))
    first = -0.5 * y0 * _flow(b, c, 1.0) * c * jnp.sum(w / _flow(b, c, s), axis=0)
    return Q @ first, Q @ (y1 * (l2 + l1**2 / 2)), Q @ y1, Q @ (c * y0)


def _measure(key, dim: int, depths: tuple[int, ...]):
    b, c, Q, x0 = draw_field(key, dim)
    first, second, final, curvature = coefficients(b, c, Q, x0)
    errors = jnp.stack([resnet(b, c, Q, x0, depth) - final for depth in depths])
    return errors, first, second, lipschitz_constant(b, c), jnp.linalg.norm(curvature), final


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """x_T − x(1) for every depth, the error coefficients, L and M, for one random field (``key``)."""
    measured = jax.jit(_measure, static_argnums=(1, 2))(key, config.dim, tuple(config.depths))
    errors, first, second, lipschitz, curvature, final = (np.asarray(m) for m in measured)
    return Result(depths=np.asarray(config.depths), error=errors, first_order=first, second_order=second,
                  lipschitz=lipschitz, curvature=curvature, final=final)


def _norms(result: Result) -> np.ndarray:
    return np.linalg.norm(result.error, axis=1)


def bound_checks(result: Result, config: Config, bound=None, name: str = "(M/(2L))(e^L - 1)/T") -> list[Check]:
    """||x_T − x(1)|| <= ``bound``(M, L, T) at every depth (the theorem's bound by default)."""
    out = []
    for T, err in zip(result.depths, _norms(result)):
        value = (float(_bound(result.curvature, result.lipschitz, float(T))) if bound is None
                 else float(bound(result.curvature, result.lipschitz, float(T))))
        out.append(numeric(ID, f"||x_T - x(1)|| / {name}, T = {int(T)}", err / value, "<=", 1.0))
    return out


def limit_check(result: Result, config: Config) -> Check:
    """||T e_T − E(1)|| <= 2 ||E_2|| / T at the largest depth (two-sided: T e_T must approach E(1))."""
    T = float(result.depths[-1])
    deviation = np.linalg.norm(T * result.error[-1] - result.first_order)
    return numeric(ID, f"||T e_T - E(1)|| (first-order coefficient), T = {int(T)}", deviation, "<=",
                   2 * np.linalg.norm(result.second_order) / T)


def slope_fit(result: Result) -> tuple[float, float]:
    """(slope, half-width δ) of the log-log fit of ||e_T|| against T over the depths with 2ρ <= 1/2."""
    rho = np.linalg.norm(result.second_order) / (np.linalg.norm(result.first_order) * result.depths)
    used = 2 * rho <= 0.5
    if used.sum() < 3:
        return float("nan"), 0.0
    T, err = result.depths[used].astype(float), _norms(result)[used]
    lt = np.log(T)
    w = (lt - lt.mean()) / np.sum((lt - lt.mean()) ** 2)
    return loglog_slope(T, err).slope, float(np.sum(np.abs(w) * -np.log1p(-2 * rho[used])))


def rate_check(result: Result, config: Config, exponent: float = 1.0) -> Check:
    """Fitted slope of log ||e_T|| against log T in −``exponent`` ± δ (the rate 1/T^exponent)."""
    slope, delta = slope_fit(result)
    return numeric(ID, f"log-log slope of ||x_T - x(1)|| against T (rate 1/T^{exponent:g})", slope, "in",
                   (-exponent - delta, -exponent + delta))


def checks(result: Result, config: Config) -> list[Check]:
    """The bound at every T; T e_T -> E(1) (sharp, two-sided); the slope -1 within its interval."""
    return bound_checks(result, config) + [limit_check(result, config), rate_check(result, config)]


@uses_float64
def diffrax_reference(config: Config, key: jax.Array) -> "ReferenceResult":
    """x(1) by diffrax (Tsit5, PID step control at ``reference_rtol``/``reference_atol``) against the closed form,
    and the ResNet errors against diffrax's x(1): the figure's reference. Not run by ``verify``."""
    import diffrax

    b, c, Q, x0 = draw_field(key, config.dim)
    term = diffrax.ODETerm(lambda t, x, args: weights(b, c, Q, t) @ x)
    controller = diffrax.PIDController(rtol=config.reference_rtol, atol=config.reference_atol)
    solution = diffrax.diffeqsolve(term, diffrax.Tsit5(), 0.0, 1.0, 0.01, x0, stepsize_controller=controller,
                                   max_steps=100_000)
    reference = solution.ys[-1]
    final = coefficients(b, c, Q, x0)[2]
    errors = np.array([float(jnp.linalg.norm(resnet(b, c, Q, x0, T) - reference)) for T in config.depths])
    return ReferenceResult(depths=np.asarray(config.depths), error=errors,
                           reference_error=np.asarray(jnp.linalg.norm(reference - final)),
                           steps=np.asarray(solution.stats["num_steps"]))


@dataclass(frozen=True)
class ReferenceResult:
    """``error[T]`` = ||x_T − x(1)|| with x(1) from diffrax; ``reference_error`` = ||diffrax − closed form||;
    ``steps``: diffrax's accepted steps."""

    depths: np.ndarray
    error: np.ndarray
    reference_error: np.ndarray
    steps: np.ndarray


def _no_exponential_adapter(M, L, T):
    """M/(2T) in the bound's signature (M, L, T)."""
    return _no_exponential(M, T)


NEIGHBOURS = (
    Neighbour("rate-one-over-T-squared", "the ResNet converges to the ODE at rate 1/T^2",
              lambda result, config: [rate_check(result, config, 2.0)]),
    Neighbour("rate-one-over-sqrt-T", "the ResNet converges to the ODE at rate 1/sqrt(T) only",
              lambda result, config: [rate_check(result, config, 0.5)], looser=True),
    Neighbour("bound-without-exponential", "||x_T - x(1)|| <= M/(2T) (the amplification e^L dropped)",
              lambda result, config: bound_checks(result, config, _no_exponential_adapter, "M/(2T)")),
)
"""The wrong statements next to the theorem's Euler part; each rejected by the checks named in ``--controls``."""
