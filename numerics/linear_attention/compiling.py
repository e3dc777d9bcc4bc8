"""Compiling the linear-attention experiments' programs quickly: :mod:`numerics.compiling`, under the name these
modules have always imported it by.

The three experiments compile many small programs (scans, gradients, a few matrix products each) and run each
once; on a 2-core CPU compiling dominates. :func:`fast_compile` switches XLA:CPU's backend optimisation off (about
three times faster to compile; matrix products still call the same library kernels, and the forms' rounding bounds
hold for every order of evaluation an optimiser may pick); :func:`run_fast` keeps each compiled program for the
rest of the process.
"""

from numerics.compiling import fast_compile, run_fast

__all__ = ["fast_compile", "run_fast"]
