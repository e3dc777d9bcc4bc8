"""The PDF: ``latexmk -pdf main.tex`` in the paper's directory, checked for undefined references and citations.

When no LaTeX toolchain is installed, :func:`build_pdf` raises :class:`LatexMissing`, whose message says what to
install; :func:`mathai.paper.make` records that as :class:`NoLatex` instead, after writing everything else.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LATEX_PACKAGES = ("latexmk", "texlive-latex-base", "texlive-latex-recommended", "texlive-fonts-recommended")
"""The Debian packages that build the PDF (measured: about 80 s to install on the 2-core CI machine, 173 MB)."""

_UNDEFINED = re.compile(r"LaTeX Warning: (?:Reference|Citation) [`']([^']+)' .*?undefined")


class LatexMissing(RuntimeError):
    """No LaTeX toolchain; the message says what to install."""


@dataclass(frozen=True)
class Build:
    """The outcome of a PDF build: the PDF, and the undefined references or citations found in the log."""

    pdf: Path
    undefined: tuple[str, ...]
    log_tail: str
    ok: bool


@dataclass(frozen=True)
class NoLatex:
    """A PDF build that did not start: no LaTeX toolchain is installed. ``message`` says what to install."""

    message: str


def latex_missing_message(paper_dir: Path) -> str:
    """What to install to build the PDF, and how to build it then."""
    return (f"no LaTeX toolchain (latexmk and pdflatex) found; the sources are ready in {paper_dir}/. "
            f"To build the PDF install TeX Live, on Debian or Ubuntu: "
            f"sudo apt-get install --no-install-recommends {' '.join(LATEX_PACKAGES)}; then rerun `mathai paper` "
            f"(or `latexmk -pdf main.tex` in {paper_dir}/)")


def build_pdf(paper_dir: Path, timeout: float = 300) -> Build:
    """``latexmk -pdf main.tex`` in ``paper_dir``; raises :class:`LatexMissing` when there is no toolchain."""
    paper_dir = Path(paper_dir)
    if shutil.which("latexmk") is None or shutil.which("pdflatex") is None:
        raise LatexMissing(latex_missing_message(paper_dir))
    command = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "main.tex"]
    completed = subprocess.run(command, cwd=paper_dir, capture_output=True, text=True, timeout=timeout)
    log_path = paper_dir / "main.log"
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    undefined = tuple(sorted(set(_UNDEFINED.findall(log))))
    tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-25:])
    pdf = paper_dir / "main.pdf"
    return Build(pdf=pdf, undefined=undefined, log_tail=tail,
                 ok=completed.returncode == 0 and pdf.exists() and not undefined)
