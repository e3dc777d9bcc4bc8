"""Experiments of ``sander2024`` (in-context estimation by attention), the numeric side of :mod:`theorems.in_context`.

``autoregression`` (the theorem's main module: Monte Carlo of the one-step constants and the trained augmented
linear layer), ``positional_heads`` (non-augmented multi-head layer: closed forms against simulation, and their
minima) and ``softmax`` (a causal softmax transformer on random orthogonal W) follow the result contract of
:mod:`numerics.registry`, each with its wrong neighbours. They share ``sequences`` (the sequence laws),
``baselines`` (least squares in context and one gradient step), ``linear_layer`` and ``softmax_transformer`` (the
two models). The pieces of one result have files of their own: ``one_step`` (the one-step closed forms and what a
claim predicts), ``one_step_monte_carlo`` and ``layer_training`` for ``autoregression``; ``diagonal_heads`` (the
layer, simulated and in closed form) and ``head_minima`` (minimisation and read-out) for ``positional_heads``.
"""
