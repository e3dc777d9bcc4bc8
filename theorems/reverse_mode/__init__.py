"""Reverse-mode differentiation: the gradient of a K-operation function costs O(K) operations (Linnainmaa 1970).

:mod:`theorems.reverse_mode.gradient_cost` states the result and its proofs. The mathematics it uses lives beside
it: :mod:`~theorems.reverse_mode.tally` counts the operations of SymPy expression graphs,
:mod:`~theorems.reverse_mode.elementary` holds the elementary operations with their adjoint updates and tangents,
:mod:`~theorems.reverse_mode.chain` the exact counts of the product chain (the program that reaches the constant 5),
and :mod:`~theorems.reverse_mode.symbolic_network` the slide's network (ForwardNN, BackwardNN) in SymPy.
"""
