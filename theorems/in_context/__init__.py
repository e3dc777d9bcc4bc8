"""In-context estimation by attention (Sander, Giryes, Suzuki, Blondel & Peyré 2024): one theorem, ``sander2024``.

``autoregression`` states it (augmented tokens: one linear attention layer is one gradient step in context, with
its optimal step and error under the unitary and rotation-block laws) and ``moments`` computes the exact means over
uniform phases that its proofs compare with; ``positional_heads`` is its part on non-augmented tokens (the global
minima of a multi-head diagonal layer with a positional matrix); ``wrong_statements`` holds the plausible wrong
closed forms next to both, which the numeric side rejects. The numeric side is :mod:`numerics.in_context`.
"""
