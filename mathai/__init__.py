"""mathai: the mathematics behind modern AI, checked by experiment.

The user-facing shell over :mod:`theorems` (statements in SymPy) and :mod:`numerics` (JAX experiments): the
``mathai`` command line, the paper's figures, the benchmarks and the on-disk cache of experiment results.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mathai")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
