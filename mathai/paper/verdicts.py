"""The verdicts the paper prints: every check of every theorem, run here or read back from ``mathai verify --json``.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from theorems.core import Check, Theorem

Verdicts = Mapping[str, Sequence[Check]]
"""theorem id -> its checks, as :func:`numerics.registry.run` returns them."""


def run_checks(theorems: Sequence[Theorem], seed: int,
               progress: Callable[[str], None] = lambda _: None) -> dict[str, list[Check]]:
    """Every check of every theorem (what ``mathai verify`` runs), keyed by theorem id."""
    from numerics import registry

    verdicts = {}
    for theorem in theorems:
        progress(f"checking {theorem.id} ...")
        verdicts[theorem.id] = registry.run(theorem, seed=seed)
    return verdicts


def checks_from_json(document: Mapping) -> dict[str, list[Check]]:
    """The verdicts of a ``mathai verify --json`` document, as Checks again (:meth:`theorems.core.Check.from_json`:
    null measurements become NaN; a missing or null ``seconds`` becomes 0).

    ``holds`` is recomputed from the data, never copied: a document whose verdicts disagree with its numbers
    raises ``ValueError``.
    """
    verdicts: dict[str, list[Check]] = {}
    for entry in document["theorems"]:
        checks = []
        for c in entry["checks"]:
            check = Check.from_json(entry["id"], {**c, "seconds": c.get("seconds") or 0.0})
            if check.holds != c["holds"]:
                raise ValueError(f"{entry['id']}: check {c['claim']!r} says holds={c['holds']} but its numbers "
                                 f"say {check.holds}")
            checks.append(check)
        verdicts[entry["id"]] = checks
    return verdicts
