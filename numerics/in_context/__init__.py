"""Experiments of ``sander2024`` (in-context estimation by attention), the numeric side of :mod:`theorems.in_context`.

``autoregression`` (the theorem's main module: Monte Carlo of the one-step constants and the trained augmented
linear layer), ``positional_heads`` (non-augmented multi-head layer: closed forms against simulation, and their
minima) and ``softmax`` (a causal softmax transformer on random orthogonal W) follow the result contract of
:mod:`numerics.registry`. They share ``sequences`` (the sequence laws), ``baselines`` (least squares in context and
one gradient step), ``linear_layer`` and ``softmax_transformer`` (the two models).
"""
