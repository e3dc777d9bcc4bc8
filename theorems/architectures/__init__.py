r"""Architectures: what a network's structure implies.

One result a module:

* :mod:`theorems.architectures.neural_ode` (``chen2018``): a ResNet with $T$ blocks is $T$ Euler steps of a Neural
  ODE and converges to it at rate $1/T$; flow maps are homeomorphisms;
* :mod:`theorems.architectures.convolution`: circular convolution commutes with cyclic translations.
"""
