"""One section of the paper per theorem: its statement, the mathematics, the symbolic argument, the experiment, its
figures and its verdict table, all taken from the registered objects and their modules' docstrings.
"""

from __future__ import annotations

import inspect
from typing import Callable, Sequence

from mathai.citation import escape_text, escape_text_with_math
from mathai.paper.locations import experiment_file, statement_file
from mathai.paper.markup import GENERATED_NOTICE, markdown_to_latex, texttt
from mathai.paper.tables import verdict_table_tex
from theorems.core import Check, Theorem
from theorems.registry import optional_module


def statement_tex(theorem: Theorem) -> str:
    """The theorem environment: title, citation, ``sympy.latex`` of the statement, assumptions."""
    assumptions = "\n".join(f"  \\item {escape_text_with_math(a)}" for a in theorem.assumptions)
    body = f"\\begin{{equation*}}\n  {theorem.latex()}\n\\end{{equation*}}\n"
    if assumptions:
        body += f"{{\\upshape where\n\\begin{{itemize}}\n{assumptions}\n\\end{{itemize}}}}\n"
    return (GENERATED_NOTICE + f"\\begin{{theorem}}[{escape_text(theorem.title)}~\\cite{{{theorem.reference.key}}}]"
            f"\\label{{thm:{theorem.id}}}\n{body}\\end{{theorem}}\n")


def figure_tex(function: Callable) -> str:
    """A figure environment for a figure function: the PDF it writes, its docstring as caption."""
    name = function.__name__
    caption = markdown_to_latex(inspect.getdoc(function) or name.replace("_", " ")).strip()
    return (f"\\begin{{figure}}[ht]\n\\centering\n\\includegraphics[width=0.85\\linewidth]{{figures/{name}.pdf}}\n"
            f"\\caption{{{caption} ({texttt(function.__module__ + '.' + name)})}}\n"
            f"\\label{{fig:{name}}}\n\\end{{figure}}\n")


def module_doc(package: str, module: str) -> str | None:
    """The docstring of ``<package>.<module>`` (``module`` dotted), None when the module does not exist."""
    loaded = optional_module(f"{package}.{module}")
    return inspect.getdoc(loaded) if loaded is not None else None


def section_tex(theorem: Theorem, checks: Sequence[Check], figure_functions: Sequence[Callable], seed: int,
                first_of_module: Theorem | None = None) -> str:
    """One section: statement, the mathematics (statement module docstring), the symbolic checks, the
    experiment (experiment module docstring and figures) and the verdict table.

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
        items = "\n".join(f"  \\item {escape_text(c.claim)} --- {outcome[c.holds]}." for c in symbolic)
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
                parts.append(f"\n\\paragraph{{{texttt(experiment_file(part))}}}\n{markdown_to_latex(doc)}")
    if figure_functions:
        labels = [f"\\ref{{fig:{f.__name__}}}" for f in figure_functions]
        refs = (f"Figure~{labels[0]} shows" if len(labels) == 1
                else f"Figures~{', '.join(labels[:-1])} and~{labels[-1]} show")
        parts.append(f"\n{refs} the experiment "
                     f"(\\texttt{{mathai figures {escape_text(theorem.id)}}}).\n\n")
        parts.extend(figure_tex(f) for f in figure_functions)
    parts.append(f"\n\\subsection*{{Verdict}}\n{len(numeric)} numeric and {len(symbolic)} symbolic checks; "
                 f"Table~\\ref{{tab:verdict-{theorem.id}}} lists them.\n\n")
    parts.append(verdict_table_tex(theorem, checks, seed))
    return "".join(parts)
