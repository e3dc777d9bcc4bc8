"""The verdicts the paper prints: every check of every theorem and the verdict on each of its wrong neighbours, run
here (``mathai verify --controls``) or read back from ``mathai verify --json``.

A theorem's verdicts are cached like experiment results (:mod:`mathai.cache`): keyed by its id, the seed, the library
versions and the sources of every project module its statement and experiments import, transitively. So ``mathai
paper`` with unchanged sources reruns no check, and editing one theorem's code reruns that theorem's alone.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Callable, Mapping, Sequence

from numerics.neighbours import Control
from theorems.core import Check, Theorem

Verdicts = Mapping[str, Sequence[Check]]
"""theorem id -> its checks, as :func:`numerics.registry.run` returns them."""

Controls = Mapping[str, Sequence[Control]]
"""theorem id -> the verdicts on its wrong neighbours (:mod:`numerics.neighbours`)."""


def verdicts_key(theorem: Theorem, seed: int) -> str:
    """SHA-256 of the theorem's id, the seed, the library versions and the sources of its modules' dependencies."""
    from mathai.cache import library_versions, sources_digest
    from numerics.registry import module_names

    digest = hashlib.sha256()
    modules = (*(f"theorems.{m}" for m in theorem.modules), *module_names(theorem))
    for part in (theorem.id, str(seed), library_versions(), *(sources_digest(m) for m in modules)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:32]


def _verify(theorem: Theorem, seed: int) -> tuple[list[Check], list[Control]]:
    from mathai.api import verify_theorem

    report = verify_theorem(theorem, seed, controls=True)
    return list(report.checks), list(report.controls)


def cached_verdicts(theorem: Theorem, seed: int, directory: Path | None = None,
                    fresh: bool = False) -> tuple[list[Check], list[Control]]:
    """The checks and neighbour verdicts of ``theorem`` at ``seed``, from the cache when its sources are unchanged.

    A cached entry that cannot be read is recomputed (with a warning); one that cannot be written is kept in memory.
    """
    from mathai.cache import default_directory, write_atomically

    path = Path(directory or default_directory()) / "verdicts" / f"{theorem.id}-{verdicts_key(theorem, seed)}.json"
    if path.exists() and not fresh:
        try:
            document = json.loads(path.read_text())
            return ([Check.from_json(theorem.id, c) for c in document["checks"]],
                    [Control.from_json(c) for c in document["controls"]])
        except (OSError, ValueError, KeyError, TypeError) as error:
            warnings.warn(f"cached verdicts {path} are unusable ({error}); checking again", stacklevel=2)
    checks, controls = _verify(theorem, seed)
    document = {"checks": [c.as_json() for c in checks], "controls": [c.as_json() for c in controls]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda file: json.dump(document, file, allow_nan=False), mode="w")
    except OSError as error:
        warnings.warn(f"could not cache the verdicts in {path} ({error})", stacklevel=2)
    return checks, controls


def run_verdicts(theorems: Sequence[Theorem], seed: int, progress: Callable[[str], None] = lambda _: None,
                 fresh: bool = False) -> tuple[dict[str, list[Check]], dict[str, list[Control]]]:
    """Every check of every theorem and the verdict on every wrong neighbour (``mathai verify --controls``), keyed
    by theorem id, each theorem from the cache when its sources are unchanged."""
    checks, controls = {}, {}
    for theorem in theorems:
        progress(f"checking {theorem.id} ...")
        checks[theorem.id], controls[theorem.id] = cached_verdicts(theorem, seed, fresh=fresh)
    return checks, controls


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
