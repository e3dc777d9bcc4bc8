"""The few records everything else speaks: :class:`Reference`, :class:`Theorem` and :class:`Check`.

A check is data. Its verdict ``holds`` is computed from what was measured, never set by hand:

* numeric: ``measured <relation> bound`` with relation one of ``<=``, ``>=``, ``==`` or ``in`` (``bound`` is then an
  interval ``(lo, hi)``, closed); a NaN measurement never holds;
* symbolic: ``lhs - rhs`` simplifies to zero (:func:`prove_equal`), or a SymPy relational evaluates to ``True``
  (:func:`prove_true`), after random points failed to refute it and within a time limit (:mod:`theorems.proving`).
  Measured and bound stay empty; the check records the claim, and a failing one why (a witness, "undecided").
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Literal

import sympy as sp

from theorems import proving

Kind = Literal["symbolic", "numeric"]
Relation = Literal["<=", ">=", "==", "in"]
RELATIONS: tuple[str, ...] = ("<=", ">=", "==", "in")


_BIBTEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#",
                    "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
VERBATIM_FIELDS = ("doi", "eprint", "url")
"""Fields that biblatex reads verbatim: written as they are, and refused when they hold a brace or a percent."""


def bibtex_escape(text: str) -> str:
    """Plain text as a BibTeX field value: every TeX special character escaped (``_`` -> ``\\_``, ...)."""
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in text)


def bibtex_entry(entry_type: str, key: str, fields: dict[str, str | None], protect: tuple[str, ...] = ("title",),
                 tex: tuple[str, ...] = ()) -> str:
    """One BibTeX entry. Values are plain text, escaped here, except the ``tex`` fields (already LaTeX); ``protect``
    fields are braced once more (case kept); a field given as ``None`` or ``""`` is left out."""
    lines = []
    for name, value in fields.items():
        if not value:
            continue
        if name in tex:
            text = value
        elif name in VERBATIM_FIELDS:
            if any(char in value for char in "{}%"):
                raise ValueError(f"BibTeX field {name}={value!r} is verbatim and may not hold '{{', '}}' or '%'")
            text = value
        else:
            text = bibtex_escape(value)
        lines.append(f"  {name} = {{{'{' + text + '}' if name in protect else text}}}")
    return f"@{entry_type}{{{key},\n" + ",\n".join(lines) + "\n}"


@dataclass(frozen=True)
class Reference:
    """A published source, enough to cite it and to find it. All fields are plain text (no TeX markup).

    ``venue`` is the journal of an article, the proceedings of a paper in proceedings, the publisher of a book and
    the ``howpublished`` of anything else; volume, number, pages, edition, chapter and note have their own fields.
    """

    key: str
    authors: tuple[str, ...]
    year: int
    title: str
    venue: str
    doi: str | None = None
    arxiv: str | None = None
    entry_type: str = "article"
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    edition: str | None = None
    chapter: str | None = None
    note: str | None = None

    def bibtex(self) -> str:
        """A BibTeX entry that standard styles (``plain``, biblatex) know, every field escaped."""
        venue_field = {"article": "journal", "inproceedings": "booktitle", "book": "publisher"}.get(
            self.entry_type, "howpublished")
        fields = {"author": " and ".join(self.authors), "title": self.title, venue_field: self.venue,
                  "volume": self.volume, "number": self.number, "pages": self.pages, "edition": self.edition,
                  "chapter": self.chapter, "year": str(self.year), "note": self.note, "doi": self.doi}
        if self.arxiv:
            fields.update(eprint=self.arxiv, archiveprefix="arXiv")
        return bibtex_entry(self.entry_type, self.key, fields)

    def text(self) -> str:
        """One line, as in a bibliography: authors (year). Title. Venue volume(number), pages. Note. doi/arXiv."""
        who = ", ".join(self.authors)
        venue = self.venue + (f", {self.edition} edition" if self.edition else "")
        venue += (f" {self.volume}" if self.volume else "") + (f"({self.number})" if self.number else "")
        venue += f", chapter {self.chapter}" if self.chapter else ""
        venue += f", {self.pages.replace('--', '–')}" if self.pages else ""
        note = f" {self.note}." if self.note else ""
        where = f" doi:{self.doi}" if self.doi else (f" arXiv:{self.arxiv}" if self.arxiv else "")
        return f"{who} ({self.year}). {self.title}. {venue}.{note}{where}"


@dataclass(frozen=True, eq=False)
class Theorem:
    """A result: its stable id, its statement in SymPy, its assumptions and its symbolic proof steps.

    ``assumptions`` are sentences with their mathematics in LaTeX between dollars (``$w \\sim \\mathcal N(0, I)$``):
    set as maths in the paper and notes, as Unicode by :meth:`assumptions_text`. ``proofs`` are functions of no
    argument returning a :class:`Check` of kind ``symbolic``; running them is the
    symbolic half of ``mathai verify``. ``module`` names the result's module in ``theorems/`` and ``numerics/``;
    ``parts`` names further modules of the same result (a second model of the same paper, say): their numeric checks
    run with the theorem's, and the paper prints their docstrings in its section. ``seeded``: whether the numeric
    checks depend on the seed (False: every experiment ignores its key, so ``--seed`` changes no value).
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
    seeded: bool = True
    experiments: tuple[str, ...] = ()

    @property
    def modules(self) -> tuple[str, ...]:
        """``module`` then ``parts``."""
        return (self.module, *self.parts)

    def __repr__(self) -> str:
        return f"Theorem({self.id!r}: {self.title}; {self.reference.text().split('. ')[0]})"

    def latex(self) -> str:
        return sp.latex(self.statement)

    def assumptions_text(self) -> tuple[str, ...]:
        """The assumptions for a terminal: each ``$...$`` (LaTeX) as Unicode text."""
        from theorems.notation import text_with_math

        return tuple(text_with_math(a) for a in self.assumptions)

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

        data = {
            "claim": self.claim,
            "kind": self.kind,
            "relation": self.relation,
            "measured": finite(self.measured),
            "bound": finite(self.bound),
            "holds": self.holds,
        }
        if self.seconds:  # a check's own time (a proof step); an experiment's time is its theorem's, stored once
            data["seconds"] = self.seconds
        return data

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
            return cls(theorem, "symbolic", data["claim"], data["relation"], seconds=data.get("seconds") or 0.0,
                       proved=data["holds"])
        return cls(theorem, "numeric", data["claim"], data["relation"], measured=number(data["measured"]),
                   bound=number(data["bound"]), seconds=data.get("seconds") or 0.0)


def prove_equal(theorem: str, claim: str, lhs: sp.Basic, rhs: sp.Basic, seconds: float = proving.SECONDS) -> Check:
    """A symbolic check that ``lhs == rhs`` (entrywise for matrices), decided by :func:`theorems.proving.decide_equal`:
    refuted with a witness where ``lhs - rhs`` is non-zero at a random point, else proved when
    ``simplify(expand(lhs - rhs))`` is exactly zero within ``seconds`` (default 20 s); otherwise "undecided after
    N s". A failing verdict's reason follows the claim after " — "."""
    start = time.perf_counter()
    verdict = proving.decide_equal(lhs, rhs, seconds)
    return Check(theorem, "symbolic", _with_note(claim, verdict.note), "==", proved=verdict.proved,
                 seconds=time.perf_counter() - start)


def prove_true(theorem: str, claim: str, statement: sp.Basic | bool, seconds: float = proving.SECONDS) -> Check:
    """A symbolic check that a SymPy relational (or a Python bool computed by SymPy) is ``True``, decided by
    :func:`theorems.proving.decide_true`: a relational is first refuted at random points, then simplified within
    ``seconds`` (default 20 s)."""
    start = time.perf_counter()
    verdict = proving.decide_true(statement, seconds)
    return Check(theorem, "symbolic", _with_note(claim, verdict.note), "==", proved=verdict.proved,
                 seconds=time.perf_counter() - start)


def _with_note(claim: str, note: str) -> str:
    return f"{claim} — {note}" if note else claim


def numeric(theorem: str, claim: str, measured: float, relation: Relation, bound, seconds: float = 0.0) -> Check:
    """A numeric check: ``measured <relation> bound``."""
    return Check(theorem, "numeric", claim, relation, measured=measured, bound=bound, seconds=seconds)
