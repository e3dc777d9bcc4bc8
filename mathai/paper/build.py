"""``mathai paper`` as a function: figures, checks, sources, notes pages and (when asked and possible) the PDF.

:func:`make` does every step and returns what came of it, an :class:`Outcome`: the verdicts it printed and the PDF
build (a :class:`~mathai.paper.latexmk.Build`, :class:`~mathai.paper.latexmk.NoLatex` when no LaTeX is installed, or
None when no PDF was asked for). A missing toolchain is an outcome, not an error: the sources are written either way.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from mathai.paper.latexmk import Build, LatexMissing, NoLatex, build_pdf
from mathai.paper.sources import write_sources
from mathai.paper.verdicts import Controls, Verdicts, run_verdicts
from theorems.core import Check, Theorem


@dataclass(frozen=True)
class Outcome:
    """What :func:`make` made: every theorem's checks (given or run), the verdicts on its wrong neighbours (for the
    theorems checked here) and the PDF build.

    ``build`` is the :class:`Build` of the PDF, :class:`NoLatex` when the PDF was asked for and no toolchain is
    installed, None when no PDF was asked for.
    """

    verdicts: Mapping[str, Sequence[Check]]
    build: Build | NoLatex | None
    controls: Controls = dataclasses.field(default_factory=dict)

    @property
    def holds(self) -> bool:
        """Whether every check of every theorem holds."""
        return all(c.holds for checks in self.verdicts.values() for c in checks)


def figures_for(theorems: Sequence[Theorem], paper_dir: Path, seed: int, fresh: bool,
                progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """Draw every registered figure of ``theorems`` into ``paper_dir/figures``."""
    from mathai import figures

    written = []
    for theorem in theorems:
        if figures.registry().get(theorem.id):
            progress(f"figures for {theorem.id} ...")
            written += figures.render(theorem.id, Path(paper_dir) / "figures", seed=seed, fresh=fresh,
                                      progress=progress)
    return written


def make(theorems: Sequence[Theorem], *, paper_dir: Path = Path("paper"), docs_dir: Path | None = Path("docs"),
         seed: int = 0, fresh: bool = False, pdf: bool = True, verdicts: Verdicts | None = None,
         progress: Callable[[str], None] = lambda message: print(message, file=sys.stderr)) -> Outcome:
    """Figures, checks, sources, notes pages and (when ``pdf`` and LaTeX is installed) the PDF.

    Args:
        theorems: the theorems of the paper, in the order of its sections.
        paper_dir: the paper's directory (holding ``main.tex``); sources go to ``generated/``, figures to
            ``figures/``.
        docs_dir: where the notes pages go; None writes none.
        seed: the PRNG seed of the experiments.
        fresh: recompute the figures' results (ignoring the committed data and the cache) and every check.
        pdf: build the PDF with ``latexmk``.
        verdicts: checks already run (e.g. a saved ``mathai verify --json``, read by
            :func:`~mathai.paper.verdicts.checks_from_json`); theorems it does not cover are checked here.
        progress: called with one line per step.

    Returns:
        The :class:`Outcome`: the verdicts of every theorem and the PDF build (None when ``pdf`` is False,
        :class:`NoLatex` when no toolchain is installed; everything else is written all the same).
    """
    from mathai import figures

    start = time.perf_counter()
    figures_for(theorems, paper_dir, seed, fresh, progress)
    progress(f"figures: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    given = dict(verdicts or {})
    missing = [t for t in theorems if t.id not in given]
    checked, controls = run_verdicts(missing, seed, progress, fresh=fresh)
    verdicts = {**given, **checked}
    progress(f"checks: {time.perf_counter() - start:.1f} s")
    write_sources(theorems, verdicts, paper_dir=paper_dir, docs_dir=docs_dir, seed=seed,
                  figure_registry=figures.registry(), versions=figures.versions(), controls=controls)
    if not pdf:
        return Outcome(verdicts=verdicts, build=None, controls=controls)
    progress("building the PDF with latexmk ...")
    start = time.perf_counter()
    try:
        build = build_pdf(paper_dir)
    except LatexMissing as missing_latex:
        return Outcome(verdicts=verdicts, build=NoLatex(message=str(missing_latex)), controls=controls)
    progress(f"PDF: {time.perf_counter() - start:.1f} s")
    return Outcome(verdicts=verdicts, build=build, controls=controls)
