r"""Experiments of low rank: one result a module (:mod:`numerics.low_rank.eckart_young`,
:mod:`numerics.low_rank.pca`, :mod:`numerics.low_rank.lora`)."""
