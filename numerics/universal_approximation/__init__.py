r"""Experiments on universal approximation: Cybenko's staircase (and polynomial activations), Barron's constructed
networks.

One result a module: :mod:`~numerics.universal_approximation.cybenko` (the staircase against its certified sup
bound) with its part :mod:`~numerics.universal_approximation.polynomial_activation` ($\sigma(t)=t^k$ stalls at
$E_k(f)$), and :mod:`~numerics.universal_approximation.barron` (sampled networks against $2rC_f/\sqrt p$ and their
exact expected error). Shared by them: :mod:`~numerics.universal_approximation.staircase` (the 1-D staircase
network), :mod:`~numerics.universal_approximation.targets` (Barron's targets),
:mod:`~numerics.universal_approximation.sampler` (the units of Barron's proof),
:mod:`~numerics.universal_approximation.quadrature` (the exact expected errors, by quadrature),
:mod:`~numerics.universal_approximation.spectrum` (the spectrum and $C_f$ from $f$'s own samples). The trained networks
(:mod:`~numerics.universal_approximation.training`, slow) are a report, not part of ``mathai verify``.
"""
