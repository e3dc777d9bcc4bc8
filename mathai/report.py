"""What ``mathai.verify`` returns: the checks of each theorem, its summary, and the JSON of ``mathai verify --json``.

A :class:`Report` holds one :class:`TheoremReport` per theorem verified. Every verdict in it is a
:class:`~theorems.core.Check`'s own ``holds``, computed from what was measured; nothing here invents another notion
of "passed". The JSON is versioned by ``schema``; an experiment's seconds are stored once per theorem
(``experiment_seconds``), a check's ``seconds`` only when it timed itself (a proof step). With controls (``mathai
verify --controls``), each theorem also carries the verdict on every wrong neighbour (:mod:`numerics.neighbours`):
``controls_hold`` when each was rejected by at least one failing check.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from numerics.neighbours import Control
from theorems.core import Check, Theorem

SCHEMA = 3


@dataclass(frozen=True)
class TheoremReport:
    """The checks of one theorem: its proofs (with their own seconds), then its numeric checks, and the seconds of
    its experiments together."""

    theorem: Theorem
    checks: tuple[Check, ...]
    experiment_seconds: float
    controls: "tuple[Control, ...] | None" = None  # None: not evaluated

    @property
    def passed_neighbours(self) -> tuple:
        """The wrong neighbours that no check rejected (none when controls were not evaluated)."""
        return tuple(c for c in self.controls or () if not c.rejected)

    @property
    def controls_hold(self) -> bool:
        """Every wrong neighbour rejected, and the theorem declares at least one (False if not evaluated)."""
        return bool(self.controls) and not self.passed_neighbours

    @property
    def holds(self) -> bool:
        return all(c.holds for c in self.checks)

    def count(self, kind: str) -> tuple[int, int]:
        """(held, total) of the checks of ``kind`` ("symbolic" or "numeric")."""
        of_kind = [c for c in self.checks if c.kind == kind]
        return sum(c.holds for c in of_kind), len(of_kind)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.holds)

    @property
    def seconds(self) -> float:
        """Proof steps plus experiments."""
        return sum(c.seconds for c in self.checks if c.kind == "symbolic") + self.experiment_seconds

    def as_json(self) -> dict:
        data = {"id": self.theorem.id, "title": self.theorem.title, "holds": self.holds,
                "seeded": getattr(self.theorem, "seeded", True),
                "experiment_seconds": self.experiment_seconds, "checks": [c.as_json() for c in self.checks]}
        if self.controls is not None:
            data["controls_hold"] = self.controls_hold
            data["controls"] = [c.as_json() for c in self.controls]
        return data

    def _repr_html_(self) -> str:
        """Every check in a table for Jupyter (failures first), then the verdict on each wrong neighbour."""
        rows = "".join(
            f"<tr><td>{c.kind}</td><td>{html.escape(c.claim)}</td><td>{format_value(c.measured)}</td>"
            f"<td>{html.escape(c.relation) if c.kind == 'numeric' else ''}</td><td>{format_value(c.bound)}</td>"
            f"<td>{'holds' if c.holds else '<b>FAILS</b>'}</td></tr>"
            for c in sorted(self.checks, key=lambda c: c.holds))
        held = sum(c.holds for c in self.checks)
        out = (f"<p><code>{self.theorem.id}</code>: {held} of {len(self.checks)} checks hold</p><table><tr>"
               "<th>kind</th><th>claim</th><th>measured</th><th>rel</th><th>bound</th><th>verdict</th></tr>"
               f"{rows}</table>")
        if self.controls:
            items = "".join(
                f"<li>{html.escape(c.claim)}{' (looser)' if c.looser else ''}: "
                + (f"rejected by <i>{html.escape(c.rejected_by[0])}</i>" if c.rejected else "<b>not rejected</b>")
                + "</li>" for c in self.controls)
            rejected = sum(c.rejected for c in self.controls)
            out += f"<p>{rejected} of {len(self.controls)} wrong neighbours rejected</p><ul>{items}</ul>"
        return out


@dataclass(frozen=True)
class Report:
    """Every theorem verified at one seed."""

    seed: int
    theorems: tuple[TheoremReport, ...]

    @property
    def holds(self) -> bool:
        return all(t.holds for t in self.theorems)

    @property
    def controls_hold(self) -> bool:
        """Every theorem's wrong neighbours evaluated and rejected."""
        return all(t.controls_hold for t in self.theorems)

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(c for t in self.theorems for c in t.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.holds)

    def __getitem__(self, theorem_id: str) -> TheoremReport:
        for t in self.theorems:
            if t.theorem.id == theorem_id:
                return t
        raise KeyError(f"{theorem_id!r} is not in this report; it has {', '.join(self.ids)}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.theorem.id for t in self.theorems)

    def as_json(self) -> dict:
        """The document ``mathai verify --json`` prints (``schema`` 3: schema 2 plus, with ``--controls``,
        ``controls_hold`` and ``controls`` per theorem)."""
        return {"schema": SCHEMA, "seed": self.seed, "holds": self.holds,
                "theorems": [t.as_json() for t in self.theorems]}

    def __repr__(self) -> str:
        held = sum(c.holds for c in self.checks)
        verdict = "holds" if self.holds else f"{len(self.failures)} FAIL"
        return (f"Report(seed={self.seed}, theorems={list(self.ids)}, {held}/{len(self.checks)} checks hold: "
                f"{verdict})")

    def _repr_html_(self) -> str:
        """A table for Jupyter: one row per theorem, then every failing check in full (failures first)."""
        rows = "".join(
            f"<tr><td><code>{t.theorem.id}</code></td><td>{html.escape(t.theorem.title)}</td>"
            f"<td>{'%d/%d' % t.count('symbolic')}</td><td>{'%d/%d' % t.count('numeric')}</td>"
            f"<td>{t.seconds:.1f}</td><td>{'holds' if t.holds else '<b>FAILS</b>'}</td></tr>"
            for t in sorted(self.theorems, key=lambda t: t.holds))
        failing = "".join(
            f"<tr><td><code>{c.theorem}</code></td><td>{html.escape(c.claim)}</td><td>{format_value(c.measured)}"
            f"</td><td>{html.escape(c.relation)}</td><td>{format_value(c.bound)}</td></tr>" for c in self.failures)
        head = ("<tr><th>id</th><th>title</th><th>symbolic</th><th>numeric</th><th>s</th><th>verdict</th></tr>")
        out = f"<p>mathai verify, seed {self.seed}</p><table>{head}{rows}</table>"
        if failing:
            out += ("<p>Failing checks</p><table><tr><th>theorem</th><th>claim</th><th>measured</th><th>rel</th>"
                    f"<th>bound</th></tr>{failing}</table>")
        return out


def format_value(value) -> str:
    """A measured value or bound in 4 significant digits; an interval as [lo, hi]; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return f"[{format_value(value[0])}, {format_value(value[1])}]"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    return f"{value:.4g}"
