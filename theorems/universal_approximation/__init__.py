"""Universal approximation by one hidden layer (Cybenko 1989) and Barron's $1/\\sqrt p$ rate (Barron 1993).

One result a module: :mod:`~theorems.universal_approximation.cybenko` (every continuous function is a uniform limit
of two-layer perceptrons; the quantitative 1-D staircase; polynomial activations stall) and
:mod:`~theorems.universal_approximation.barron` ($p$ units reach $L^2(\\mu)$ error $2rC_f/\\sqrt p$). The network
both speak of is in :mod:`~theorems.universal_approximation.network`.
"""
