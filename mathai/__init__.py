"""mathai: the mathematics behind modern AI, checked by experiment.

The user-facing shell over :mod:`theorems` (statements in SymPy) and :mod:`numerics` (JAX experiments): the Python
API below, the ``mathai`` command line, the pytest plugin (``pytest --mathai``), the paper's figures, the benchmarks
and the on-disk cache of experiment results. ``import mathai`` loads neither JAX nor SymPy.
"""

from importlib.metadata import PackageNotFoundError, version

from mathai.api import cite as cite
from mathai.api import get as get
from mathai.api import theorems as theorems
from mathai.api import run as run
from mathai.api import verify as verify

try:
    __version__ = version("mathai")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["cite", "get", "run", "theorems", "verify", "__version__"]
