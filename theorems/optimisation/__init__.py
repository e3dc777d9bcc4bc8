r"""Optimisation: the step sizes of gradient descent, stochastic approximation, and the implicit bias of gradient
descent.

One result a module:

* :mod:`theorems.optimisation.step_size` (``gd_step_size``): gradient descent on an $L$-smooth, $\mu$-strongly
  convex function converges for $0 < \tau < 2/L$; the best constant step is $2/(L+\mu)$;
* :mod:`theorems.optimisation.robbins_monro` (``robbins1951``): steps with $\sum\tau_\ell = \infty$,
  $\sum\tau_\ell^2 < \infty$ converge; the rate of $\tau/\ell$ depends on $\tau\mu$;
* :mod:`theorems.optimisation.implicit_bias` (``soudry2018``): on separable data gradient descent on the logistic
  loss converges in direction to the max-margin separator.
"""
