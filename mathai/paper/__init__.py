r"""The paper and the notes pages, generated from the registries: nothing about a theorem is typed by hand.

``mathai paper`` (:func:`make`) runs, for every theorem of :func:`theorems.all_theorems`:

1. its figures (:mod:`mathai.figures`, into ``paper/figures/``);
2. its checks (:func:`numerics.registry.run`, symbolic and numeric), which become the verdict tables;
3. the LaTeX sources in ``paper/generated/``: the statement ``<id>.tex`` (``sympy.latex`` of the SymPy object), a
   section ``section-<id>.tex`` (the statement module's docstring, the symbolic checks, the experiment module's
   docstring, the figures, the verdict table), ``sections.tex`` that inputs them in registry order,
   ``verdicts.tex`` (the summary table), ``environment.tex`` and ``references.bib`` (from the
   :class:`~theorems.core.Reference` records and ``CITATION.cff``);
4. a notes page ``docs/<id>.md`` per theorem and ``docs/index.md``;
5. the PDF, with ``latexmk`` when it is installed, checked for undefined references and citations.

``paper/main.tex`` is the static frame that inputs the generated files. The sources are byte-reproducible: they
contain measured values (which depend only on the seed, the package versions and the machine) but no timings and no
dates.

One concept a module: :mod:`~mathai.paper.markup` (docstrings and numbers as LaTeX and Markdown),
:mod:`~mathai.paper.tables` (verdict tables), :mod:`~mathai.paper.sections` (statements, figures, sections),
:mod:`~mathai.paper.notes` (the notes pages), :mod:`~mathai.paper.locations` (where a theorem's files are),
:mod:`~mathai.paper.verdicts` (running or reading back the checks), :mod:`~mathai.paper.sources` (writing the
generated files), :mod:`~mathai.paper.latexmk` (the PDF) and :mod:`~mathai.paper.build` (:func:`make`, all of it).
"""

from mathai.paper.build import Outcome, figures_for, make
from mathai.paper.latexmk import LATEX_PACKAGES, Build, LatexMissing, NoLatex, build_pdf, latex_missing_message
from mathai.paper.markup import GENERATED_NOTICE, inline_to_latex, latex_number, markdown_to_latex, texttt
from mathai.paper.notes import notes_index, notes_page
from mathai.paper.sections import figure_tex, module_doc, section_tex, statement_tex
from mathai.paper.sources import environment_tex, references_bib, write_sources
from mathai.paper.tables import summary_table_tex, verdict_table_tex
from mathai.paper.verdicts import Controls, Verdicts, cached_verdicts, checks_from_json, run_verdicts

__all__ = [
    "GENERATED_NOTICE",
    "LATEX_PACKAGES",
    "Build",
    "LatexMissing",
    "NoLatex",
    "Outcome",
    "Verdicts",
    "build_pdf",
    "checks_from_json",
    "environment_tex",
    "figure_tex",
    "figures_for",
    "inline_to_latex",
    "latex_missing_message",
    "latex_number",
    "make",
    "markdown_to_latex",
    "module_doc",
    "notes_index",
    "notes_page",
    "references_bib",
    "run_verdicts",
    "cached_verdicts",
    "Controls",
    "section_tex",
    "statement_tex",
    "summary_table_tex",
    "texttt",
    "verdict_table_tex",
    "write_sources",
]
