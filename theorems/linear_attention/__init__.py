r"""Linear attention: kernelised attention in $O(n)$, its RNN form, and two linear approximations of softmax.

One result a module:

* :mod:`theorems.linear_attention.katharopoulos` (``katharopoulos2020``): kernelised attention
  $\phi(Q)(\phi(K)^\top V)$ equals $(\phi(Q)\phi(K)^\top)V$ with its normaliser, exactly; the causal form is an RNN;
  $O(n^2)$ operations become $O(n)$;
* :mod:`theorems.linear_attention.performer` (``choromanski2021``): positive random features estimate the softmax
  kernel $e^{x^\top y}$ without bias, with relative mean squared error $(e^{|x+y|^2} - 1)/m$;
* :mod:`theorems.linear_attention.linformer` (``wang2020``): a Johnson–Lindenstrauss projection of the sequence
  axis approximates $PV$ with an *additive* error;

and :mod:`theorems.linear_attention.forms`, the sizes and the Gaussian expectation they share.
"""
