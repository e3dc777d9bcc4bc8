"""Reverse-mode differentiation, measured: what the gradient of an MLP loss costs, counted (Linnainmaa 1970).

:mod:`numerics.reverse_mode.gradient_cost` is the experiment, its checks and its wrong neighbours; the check families
are in :mod:`~numerics.reverse_mode.cost_checks`, and the product chain that reaches the tally's constant 5 (with
the tally's reverse sweep in JAX) in :mod:`~numerics.reverse_mode.chain`. Beside them:
:mod:`~numerics.reverse_mode.network` holds the slide's network (ForwardNN, BackwardNN) and the gradient programs
in JAX, :mod:`~numerics.reverse_mode.counting` counts their operations (with :mod:`numerics.opcount`) and asks XLA
for its own figures, and :mod:`~numerics.reverse_mode.correctness` compares BackwardNN and central differences
with ``jax.grad`` within their rounding bounds.
"""
