r"""Low rank: the linear algebra of compression and fine-tuning.

One result a module:

* :mod:`theorems.low_rank.eckart_young` (``eckart1936``): the truncated SVD is a best rank-$k$ approximation in
  every unitarily invariant norm;
* :mod:`theorems.low_rank.pca`: the top-$k$ principal subspace captures the most variance, and the sample subspace
  approaches it at a rate set by the eigengap;
* :mod:`theorems.low_rank.lora` (``hu2021``): low-rank adaptation $W_0 + BA$ with $r(m+n)$ trainable numbers.
"""
