"""The few records everything else speaks: :class:`Reference`, :class:`Theorem` and :class:`Check`.

A check is data. Its verdict ``holds`` is computed from what was measured, never set by hand:

* numeric: ``measured <relation> bound`` with relation one of ``<=``, ``>=``, ``==`` or ``in`` (``bound`` is then an
  interval ``(lo, hi)``, closed); a NaN measurement never holds;
* symbolic: ``lhs - rhs`` simplifies to zero (:func:`prove_equal`), or a SymPy relational evaluates to ``True``
  (:func:`prove_true`). Measured and bound stay empty; the check records the claim that was proved.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Literal

import sympy as sp

Kind = Literal["symbolic", "numeric"]
Relation = Literal["<=", ">=", "==", "in"]
RELATIONS: tuple[str, ...] = ("<=", ">=", "==", "in")


@dataclass(frozen=True)
class Reference:
    """A published source, enough to cite it and to find it."""

    key: str
    authors: tuple[str, ...]
    year: int
    title: str
    venue: str
    doi: str | None = None
    arxiv: str | None = None
    entry_type: str = "article"

    def bibtex(self) -> str:
        """A BibTeX entry: the venue is the ``journal`` of an article, the ``booktitle`` of a paper in proceedings,
        the ``publisher`` of a book, and ``howpublished`` otherwise (a thesis, a preprint)."""
        venue_field = {"article": "journal", "inproceedings": "booktitle", "book": "publisher"}.get(
            self.entry_type, "howpublished")
        fields = {
            "author": " and ".join(self.authors),
            "title": "{" + self.title + "}",
            venue_field: self.venue,
            "year": str(self.year),
        }
        if self.doi:
            fields["doi"] = self.doi
        if self.arxiv:
            fields["eprint"] = self.arxiv
            fields["archiveprefix"] = "arXiv"
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        return f"@{self.entry_type}{{{self.key},\n{body}\n}}"

    def text(self) -> str:
        """One line, as in a bibliography: authors (year). Title. Venue. doi/arXiv."""
        who = ", ".join(self.authors)
        where = f" doi:{self.doi}" if self.doi else (f" arXiv:{self.arxiv}" if self.arxiv else "")
        return f"{who} ({self.year}). {self.title}. {self.venue}.{where}"


@dataclass(frozen=True, eq=False)
class Theorem:
    """A result: its stable id, its statement in SymPy, its assumptions and its symbolic proof steps.

    ``proofs`` are functions of no argument returning a :class:`Check` of kind ``symbolic``; running them is the
    symbolic half of ``mathai verify``. ``module`` names the result's module in ``theorems/`` and ``numerics/``;
    ``parts`` names further modules of the same result (a second model of the same paper, say): their numeric checks
    run with the theorem's, and the paper prints their docstrings in its section.
    """

    id: str
    title: str
    module: str
    reference: Reference
    statement: sp.Basic
    assumptions: tuple[str, ...]
    proofs: tuple[Callable[[], "Check"], ...] = ()
    aliases: tuple[str, ...] = ()
    summary: str = ""
    parts: tuple[str, ...] = ()

    @property
    def modules(self) -> tuple[str, ...]:
        """``module`` then ``parts``."""
        return (self.module, *self.parts)

    def latex(self) -> str:
        return sp.latex(self.statement)

    def text(self) -> str:
        return sp.pretty(self.statement, use_unicode=True)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def _repr_markdown_(self) -> str:
        assumptions = "\n".join(f"- {a}" for a in self.assumptions)
        return (
            f"**{self.title}** (`{self.id}`)\n\n$$\n{self.latex()}\n$$\n\n{assumptions}\n\n"
            f"*{self.reference.text()}*"
        )


def _compare(relation: str, measured: float, bound) -> bool:
    if relation == "in":
        lo, hi = bound
        return bool(lo <= measured <= hi)
    if math.isnan(measured) or math.isnan(bound):
        return False
    return {"<=": measured <= bound, ">=": measured >= bound, "==": measured == bound}[relation]


@dataclass(frozen=True)
class Check:
    """One verdict about one theorem, as data.

    ``holds`` is a field computed in ``__post_init__`` from (relation, measured, bound) for a numeric check and from
    ``proved`` (the outcome of a SymPy computation) for a symbolic one. Constructing a Check whose relation is not
    one of ``<=, >=, ==, in`` raises ``ValueError``.
    """

    theorem: str
    kind: Kind
    claim: str
    relation: Relation
    measured: float | None = None
    bound: float | tuple[float, float] | None = None
    seconds: float = 0.0
    proved: bool | None = None
    holds: bool = field(init=False)

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise ValueError(f"relation {self.relation!r} is not one of {', '.join(RELATIONS)}")
        if self.kind == "symbolic":
            if self.proved is None:
                raise ValueError(f"symbolic check {self.claim!r} needs the outcome of its proof (proved=...)")
            holds = bool(self.proved)
        elif self.kind == "numeric":
            if self.measured is None or self.bound is None:
                raise ValueError(f"numeric check {self.claim!r} needs both measured and bound")
            if self.relation == "in" and not (isinstance(self.bound, tuple) and len(self.bound) == 2):
                raise ValueError(f"relation 'in' needs an interval (lo, hi), got {self.bound!r}")
            object.__setattr__(self, "measured", float(self.measured))
            if self.relation != "in":
                object.__setattr__(self, "bound", float(self.bound))
            else:
                object.__setattr__(self, "bound", (float(self.bound[0]), float(self.bound[1])))
            holds = _compare(self.relation, self.measured, self.bound)
        else:
            raise ValueError(f"kind {self.kind!r} is not 'symbolic' or 'numeric'")
        object.__setattr__(self, "holds", holds)

    def as_json(self) -> dict:
        """A JSON-ready dict; NaN and infinities become null (JSON has no such numbers)."""

        def finite(x):
            if x is None:
                return None
            if isinstance(x, tuple):
                return [finite(v) for v in x]
            return x if math.isfinite(x) else None

        return {
            "claim": self.claim,
            "kind": self.kind,
            "relation": self.relation,
            "measured": finite(self.measured),
            "bound": finite(self.bound),
            "holds": self.holds,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, theorem: str, data: dict) -> "Check":
        """The check that :meth:`as_json` wrote, for ``theorem``; its verdict is recomputed, never read back.

        A null measurement or bound (JSON's stand-in for NaN and the infinities) reads back as NaN, which holds for
        no relation, so a verdict cannot turn from failing to holding on the way through JSON.
        """

        def number(x):
            if isinstance(x, list):
                return tuple(number(v) for v in x)
            return math.nan if x is None else float(x)

        if data["kind"] == "symbolic":
            return cls(theorem, "symbolic", data["claim"], data["relation"], seconds=data["seconds"],
                       proved=data["holds"])
        return cls(theorem, "numeric", data["claim"], data["relation"], measured=number(data["measured"]),
                   bound=number(data["bound"]), seconds=data["seconds"])


def prove_equal(theorem: str, claim: str, lhs: sp.Basic, rhs: sp.Basic) -> Check:
    """A symbolic check that ``lhs == rhs``: proved when ``simplify(lhs - rhs)`` is exactly zero."""
    start = time.perf_counter()
    difference = sp.simplify(sp.expand(lhs - rhs))
    if isinstance(difference, sp.MatrixBase):
        proved = difference.is_zero_matrix is True
    else:
        proved = difference == 0
    return Check(theorem, "symbolic", claim, "==", proved=bool(proved), seconds=time.perf_counter() - start)


def prove_true(theorem: str, claim: str, statement: sp.Basic | bool) -> Check:
    """A symbolic check that a SymPy relational (or a Python bool computed by SymPy) is ``True``."""
    start = time.perf_counter()
    value = sp.simplify(statement) if isinstance(statement, sp.Basic) else statement
    return Check(theorem, "symbolic", claim, "==", proved=value is sp.true or value is True,
                 seconds=time.perf_counter() - start)


def numeric(theorem: str, claim: str, measured: float, relation: Relation, bound, seconds: float = 0.0) -> Check:
    """A numeric check: ``measured <relation> bound``."""
    return Check(theorem, "numeric", claim, relation, measured=measured, bound=bound, seconds=seconds)
