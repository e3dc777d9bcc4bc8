"""The verdict tables: every check of one theorem (in its section), and one row per theorem (the summary).

A check is printed as the registry returned it: kind, claim, measured value, relation, bound and whether it holds;
nothing here decides a verdict of its own.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from mathai.citation import escape_text
from mathai.paper.markup import GENERATED_NOTICE, latex_number
from mathai.paper.verdicts import Verdicts
from numerics.neighbours import Control
from theorems.core import Check, Theorem

_RELATION = {"<=": "$\\le$", ">=": "$\\ge$", "==": "$=$", "in": "$\\in$"}


def _verdict(check: Check) -> str:
    return "holds" if check.holds else "\\textbf{FAILS}"


def verdict_table_tex(theorem: Theorem, checks: Sequence[Check], seed: int) -> str:
    """Every check of one theorem as a longtable: kind, claim, measured, relation, bound, verdict."""
    rows = []
    for check in checks:
        relation = _RELATION[check.relation] if check.kind == "numeric" else ""
        rows.append(f"{check.kind} & {escape_text(check.claim)} & {latex_number(check.measured)} & {relation} & "
                    f"{latex_number(check.bound)} & {_verdict(check)} \\\\")
    held = sum(c.holds for c in checks)
    caption = (f"Checks of \\texttt{{{escape_text(theorem.id)}}} at seed {seed}: {held} of {len(checks)} hold "
               f"(\\texttt{{mathai verify {escape_text(theorem.id)} --seed {seed}}}).")
    header = "kind & claim & measured & & bound & verdict \\\\"
    return (f"{{\\small\n\\begin{{longtable}}{{@{{}}l >{{\\raggedright\\arraybackslash}}p{{0.36\\linewidth}} "
            f">{{\\raggedleft\\arraybackslash}}p{{0.12\\linewidth}} c "
            f">{{\\raggedleft\\arraybackslash}}p{{0.17\\linewidth}} l@{{}}}}\n"
            f"\\caption{{{caption}}}\\label{{tab:verdict-{theorem.id}}}\\\\\n\\toprule\n{header}\n\\midrule\n"
            f"\\endfirsthead\n\\toprule\n{header}\n\\midrule\n\\endhead\n"
            + "\n".join(rows) + "\n\\bottomrule\n\\end{longtable}}\n")


def summary_table_tex(theorems: Sequence[Theorem], verdicts: Verdicts, seed: int,
                      controls: Mapping[str, Sequence[Control]] | None = None) -> str:
    """One row per theorem: symbolic and numeric checks that hold, wrong neighbours rejected (where they were
    evaluated), and the verdict."""
    controls = controls or {}
    rows = []
    for theorem in theorems:
        checks = verdicts.get(theorem.id, ())
        counts = []
        for kind in ("symbolic", "numeric"):
            of_kind = [c for c in checks if c.kind == kind]
            counts.append(f"{sum(c.holds for c in of_kind)}/{len(of_kind)}" if of_kind else "--")
        neighbours = controls.get(theorem.id, ())
        counts.append(f"{sum(c.rejected for c in neighbours)}/{len(neighbours)}" if neighbours else "--")
        verdict = ("holds" if checks and all(c.holds for c in checks)
                   else "no checks" if not checks else "\\textbf{FAILS}")
        rows.append(f"\\texttt{{{escape_text(theorem.id)}}} & {escape_text(theorem.title)} & "
                    f"Sec.~\\ref{{sec:{theorem.id}}} & {' & '.join(counts)} & {verdict} \\\\")
    return (GENERATED_NOTICE + "\\begin{table}[ht]\n\\centering\\small\n"
            "\\begin{tabularx}{\\linewidth}{@{}l >{\\raggedright\\arraybackslash}X l r r r l@{}}\n\\toprule\n"
            "id & result & & symbolic & numeric & neighbours & verdict \\\\\n\\midrule\n" + "\n".join(rows)
            + "\n\\bottomrule\n\\end{tabularx}\n"
            f"\\caption{{Verdicts of \\texttt{{mathai verify --controls --seed {seed}}}: checks that hold, of those "
            "run, and wrong neighbours (plausible wrong statements) that the checks reject, of those declared. "
            "Numeric checks compare a measurement with a bound lambdified from the SymPy statement; the appendix "
            "lists every check.}\n\\label{tab:verdicts}\n\\end{table}\n")
