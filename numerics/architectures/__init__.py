r"""Experiments of architectures: one result a module (:mod:`numerics.architectures.neural_ode`,
:mod:`numerics.architectures.convolution`)."""
