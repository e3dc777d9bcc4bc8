"""The Python API: find a theorem, verify it, cite it.

```python
import mathai

mathai.theorems()                     # every registered theorem (built-in and third-party)
theorem = mathai.get("trace-identity")  # by id or alias
report = mathai.verify("frobenius")   # its proofs and its experiment at seed 0
report.holds, report.failures         # the verdict, the checks that fail
mathai.verify("frobenius", small=True)  # at the tests' sizes, in seconds
mathai.run(Config(batch=64))          # one experiment at a config of your own (numerics.<path>.Config)
mathai.cite("frobenius", "bibtex")    # the original reference and this software
```

Importing this module loads no JAX (nor SymPy until a theorem is asked for): :func:`verify` imports the experiments
when it runs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from mathai.report import Report, TheoremReport
    from theorems.core import Theorem


def theorems() -> tuple["Theorem", ...]:
    """Every registered theorem: the built-in ones, then those other packages register (entry-point group
    ``mathai.theorems``)."""
    from theorems.registry import all_theorems

    return all_theorems()


def get(name: str) -> "Theorem":
    """The theorem whose id or alias is ``name``; ``KeyError`` (``UnknownTheorem``, listing the ids) otherwise."""
    from theorems.registry import get as get_theorem

    return get_theorem(name)


def verify_theorem(theorem: "Theorem", seed: int = 0, controls: bool = False, small: bool = False) -> "TheoremReport":
    """One theorem's proofs, then its numeric experiments at ``seed`` (each module at its default config, or at its
    ``Config.small()`` with ``small``); with ``controls``, its wrong neighbours evaluated on the same runs
    (:mod:`numerics.neighbours`)."""
    from mathai.report import TheoremReport
    from numerics import registry

    proofs = list(registry.symbolic_checks(theorem))
    runs = registry.numeric_runs(theorem, seed, controls=controls, small=small)
    return TheoremReport(theorem=theorem, checks=(*proofs, *(c for run in runs for c in run.checks)),
                         experiment_seconds=sum(run.seconds for run in runs),
                         controls=tuple(c for run in runs for c in run.controls) if controls else None)


def verify(which: "str | Theorem | Iterable[str | Theorem] | None" = None, seed: int = 0, *, controls: bool = False,
           small: bool = False, on_theorem: "Callable[[TheoremReport], None] | None" = None) -> "Report":
    """Verify theorems (an id, an alias, a Theorem, several of them, or all when ``None``) at ``seed``; with
    ``controls``, also evaluate every wrong neighbour on the same runs (``Report.controls_hold``: all rejected);
    with ``small``, each experiment at its ``Config.small()`` (the sizes the tests and the notebooks run).

    Each theorem is verified once, in the order first named. ``on_theorem`` is called with each theorem's report as
    it finishes (the command line prints its verdict then). Returns a :class:`~mathai.report.Report`.
    """
    from mathai.report import Report

    _require_seed(seed)
    chosen = resolve(which)
    reports = []
    for theorem in chosen:
        report = verify_theorem(theorem, seed, controls=controls, small=small)
        reports.append(report)
        if on_theorem is not None:
            on_theorem(report)
    return Report(seed=seed, theorems=tuple(reports))


def run(config, seed: int = 0, *, controls: bool = False) -> "Report":
    """One experiment at a config of your own: ``config`` is a result module's ``Config`` (``numerics.<path>.Config``,
    e.g. ``dataclasses.replace(Config.small(), batch=64)``), run at ``seed`` with the key ``mathai verify --seed``
    gives that module, then its checks (and with ``controls``, its wrong neighbours). No proofs are run. Returns a
    :class:`~mathai.report.Report` of one theorem holding that module's checks."""
    from mathai.report import Report, TheoremReport
    from numerics import registry

    _require_seed(seed)
    theorem, numeric_run = registry.config_run(config, seed, controls=controls)
    report = TheoremReport(theorem=theorem, checks=numeric_run.checks, experiment_seconds=numeric_run.seconds,
                           controls=numeric_run.controls if controls else None)
    return Report(seed=seed, theorems=(report,))


def _require_seed(seed) -> None:
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2^32), got {seed!r}")


def resolve(which) -> list["Theorem"]:
    """Theorems from an id, alias, Theorem or an iterable of them (all when ``None``), each once, in order."""
    from theorems.core import Theorem

    if which is None:
        found = list(theorems())
    elif isinstance(which, (str, Theorem)):
        found = [which if isinstance(which, Theorem) else get(which)]
    else:
        found = [w if isinstance(w, Theorem) else get(w) for w in which]
    unique: dict[str, "Theorem"] = {}
    for theorem in found:
        unique.setdefault(theorem.id, theorem)
    return list(unique.values())


def cite(name: "str | Theorem", format: str = "bibtex") -> str:
    """How to cite a theorem and its module: ``format`` is ``bibtex``, ``latex`` or ``markdown``."""
    from mathai import citation
    from theorems.core import Theorem

    return citation.cite(name if isinstance(name, Theorem) else get(name), format)
