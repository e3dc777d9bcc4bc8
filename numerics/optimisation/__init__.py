r"""Experiments of optimisation: one result a module (:mod:`numerics.optimisation.step_size`,
:mod:`numerics.optimisation.robbins_monro`, :mod:`numerics.optimisation.implicit_bias`)."""
