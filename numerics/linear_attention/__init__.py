r"""Experiments of linear attention: one result a module, on the forms they share.

* :mod:`numerics.linear_attention.katharopoulos` (``katharopoulos2020``): the forms of kernelised attention agree
  within their rounding bounds, outputs and gradients, and the linear ones cost $O(n)$ operations and memory
  (measured by :mod:`numerics.linear_attention.scaling`);
* :mod:`numerics.linear_attention.performer` (``choromanski2021``): positive random features, unbiased, with the
  stated relative mean squared error;
* :mod:`numerics.linear_attention.linformer` (``wang2020``): the projected sequence axis, an additive error;

on :mod:`numerics.linear_attention.forms` (the attention forms, features in, attention out) and
:mod:`numerics.linear_attention.compiling` (the programs compiled with XLA:CPU's optimisation off).
"""
