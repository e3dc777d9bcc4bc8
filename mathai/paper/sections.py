"""One section of the paper per theorem: its statement, the mathematics, the symbolic argument, the experiment, its
figures, its verdict and what it would have caught, all taken from the registered objects and their modules'
docstrings; the tables of every check form the appendix.
"""

from __future__ import annotations

import inspect
import re
from typing import Callable, Mapping, Sequence

from mathai.citation import escape_text, escape_text_with_math
from mathai.paper.locations import experiment_file, statement_file
from mathai.paper.markup import GENERATED_NOTICE, markdown_to_latex, texttt
from mathai.paper.tables import verdict_table_tex
from numerics.neighbours import Control
from theorems.core import Check, Theorem
from theorems.registry import optional_module


def statement_tex(theorem: Theorem) -> str:
    """The theorem environment: title, citation, ``sympy.latex`` of the statement, assumptions."""
    assumptions = "\n".join(f"  \\item {escape_text_with_math(a)}" for a in theorem.assumptions)
    body = f"\\begin{{equation*}}\n  \\mathaiFit{{{theorem.latex()}}}\n\\end{{equation*}}\n"
    if assumptions:
        body += f"{{\\upshape where\n\\begin{{itemize}}\n{assumptions}\n\\end{{itemize}}}}\n"
    return (GENERATED_NOTICE + f"\\begin{{theorem}}[{escape_text(theorem.title)}~\\cite{{{theorem.reference.key}}}]"
            f"\\label{{thm:{theorem.id}}}\n{body}\\end{{theorem}}\n")


def figure_tex(function: Callable) -> str:
    """A figure environment for a figure function: the PDF it writes, its docstring as caption. Placed where it
    stands (``[H]``, package ``float``), right after the paragraph that first refers to it, so that it lands on the
    page of that reference or the next; ``see:fig:<name>`` labels the reference, ``fig:<name>`` the figure."""
    name = function.__name__
    # one paragraph: a blank line inside \caption is a fatal error in LaTeX
    caption = re.sub(r"\n\s*\n", " ", markdown_to_latex(inspect.getdoc(function) or name.replace("_", " ")).strip())
    return (f"\\begin{{figure}}[H]\n\\centering\n\\includegraphics[width=0.8\\linewidth]{{figures/{name}.pdf}}\n"
            f"\\caption{{{caption} ({texttt(function.__module__ + '.' + name)})}}\n"
            f"\\label{{fig:{name}}}\n\\end{{figure}}\n")


def figure_paragraph(theorem: Theorem, function: Callable) -> str:
    """The paragraph that first refers to a figure (its first sentence of the docstring), then the figure."""
    name = function.__name__
    first = (inspect.getdoc(function) or name.replace("_", " ")).split("\n\n")[0].split(". ")[0].rstrip(".")
    return (f"\nFigure~\\ref{{fig:{name}}}\\label{{see:fig:{name}}}: {markdown_to_latex(first).strip()} "
            f"(\\texttt{{mathai figures {escape_text(theorem.id)}}}).\n\n" + figure_tex(function))


def neighbours_tex(controls: Sequence[Control]) -> str:
    """What the experiment would have caught: each wrong neighbour, and the first check that rejected it."""
    if not controls:
        return ""
    items = []
    for c in controls:
        verdict = (f"rejected by \\emph{{{escape_text(c.rejected_by[0])}}}"
                   + (f" and {len(c.rejected_by) - 1} more" if len(c.rejected_by) > 1 else "")
                   if c.rejected else "\\textbf{NOT rejected}")
        items.append(f"  \\item {escape_text(c.claim)}{' (looser than the theorem)' if c.looser else ''}: {verdict}.")
    rejected = sum(c.rejected for c in controls)
    return (f"\n\\subsection*{{What the experiment would have caught}}\n"
            f"Of {len(controls)} plausible wrong statements next to this theorem, its checks reject {rejected}:\n"
            "\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}\n")


def module_doc(package: str, module: str) -> str | None:
    """The docstring of ``<package>.<module>`` (``module`` dotted), None when the module does not exist."""
    loaded = optional_module(f"{package}.{module}")
    return inspect.getdoc(loaded) if loaded is not None else None


def section_tex(theorem: Theorem, checks: Sequence[Check], figure_functions: Sequence[Callable], seed: int,
                first_of_module: Theorem | None = None, controls: Sequence[Control] = ()) -> str:
    """One section: statement, the mathematics (statement module docstring), the symbolic checks, the
    experiment (experiment module docstring and figures), the verdict in one sentence (the table of every check is
    in the appendix, :func:`appendix_tex`) and what the experiment would have caught (its wrong neighbours).

    Several theorems may share a module; its docstrings are printed in the section of the first and referred to
    from the others (``first_of_module``).
    """
    statement = texttt(statement_file(theorem.module))
    parts = [GENERATED_NOTICE, f"\\section{{{escape_text(theorem.title)}}}\\label{{sec:{theorem.id}}}\n",
             f"\\input{{generated/{theorem.id}}}\n"]
    shared = first_of_module is not None and first_of_module.id != theorem.id
    if shared:
        parts.append(f"\nThe mathematics and the experiment are those of Section~\\ref{{sec:{first_of_module.id}}} "
                     f"({statement}).\n")
    else:
        doc = module_doc("theorems", theorem.module)
        if doc:
            parts.append(f"\n\\subsection*{{The mathematics}}\n{markdown_to_latex(doc)}")
        for part in theorem.parts:
            doc = module_doc("theorems", part)
            if doc:
                parts.append(f"\n\\subsection*{{The mathematics, continued "
                             f"({texttt(statement_file(part))})}}\n{markdown_to_latex(doc)}")
    symbolic = [c for c in checks if c.kind == "symbolic"]
    numeric = [c for c in checks if c.kind == "numeric"]
    parts.append("\n\\subsection*{Symbolic argument}\n")
    if symbolic:
        outcome = {True: "proved", False: "\\textbf{NOT proved}"}
        items = "\n".join(f"  \\item {escape_text_with_math(c.claim)} --- {outcome[c.holds]}." for c in symbolic)
        parts.append(f"SymPy proves, in {statement}:\n\\begin{{itemize}}\n{items}\n"
                     "\\end{itemize}\n")
    else:
        parts.append("No symbolic proof step is registered for this theorem.\n")
    parts.append("\n\\subsection*{Experiment}\n")
    if not shared:
        doc = module_doc("numerics", theorem.module)
        parts.append(markdown_to_latex(doc) if doc else "No experiment module is registered for this theorem.\n")
        for part in theorem.parts:
            doc = module_doc("numerics", part)
            if doc:
                parts.append(f"\n\\medskip\\noindent{{\\bfseries {texttt(experiment_file(part))}}}\\quad "
                             f"{markdown_to_latex(doc)}")
    parts.extend(figure_paragraph(theorem, f) for f in figure_functions)
    held = sum(c.holds for c in checks)
    parts.append(f"\n\\subsection*{{Verdict}}\n{held} of {len(checks)} checks hold at seed {seed} "
                 f"({len(symbolic)} symbolic, {len(numeric)} numeric); Table~\\ref{{tab:verdict-{theorem.id}}} in "
                 "the appendix lists each with what was measured and its bound.\n")
    failing = [c for c in checks if not c.holds]
    if failing:
        items = "\n".join(f"  \\item {escape_text(c.claim)}: \\textbf{{FAILS}}." for c in failing)
        parts.append(f"\\begin{{itemize}}\n{items}\n\\end{{itemize}}\n")
    parts.append(neighbours_tex(controls))
    return "".join(parts)


def appendix_tex(theorems: Sequence[Theorem], verdicts: Mapping[str, Sequence[Check]], seed: int) -> str:
    """The appendix: the table of every check, one theorem after another."""
    return GENERATED_NOTICE + "".join(
        f"\\subsection*{{{escape_text(t.title)} (\\texttt{{{escape_text(t.id)}}})}}\n"
        + verdict_table_tex(t, verdicts.get(t.id, ()), seed) for t in theorems)
