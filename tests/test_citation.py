"""Statements and citations that render: the terminal text of every theorem, its LaTeX in a document, and its BibTeX
in a bibliography built with plain.bst and with biblatex/biber (the LaTeX builds skip when LaTeX is absent)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from mathai.citation import cite, escape_text_with_math
from theorems.core import Reference, bibtex_escape
from theorems.notation import latex_to_unicode, symbol, text_with_math
from theorems.registry import all_theorems

THEOREMS = all_theorems()
MANGLED = re.compile(r"[^\W_]__|__[^\W_]|__\*")
"""A doubled underscore touching a name: what ``sympy.pretty`` makes of a LaTeX fragment used as a symbol name
(``eta__*``, ``L__2``). The bare ``___`` of a drawn sum sign is not a name and does not match."""

HAS_LATEX = all(shutil.which(tool) for tool in ("latexmk", "pdflatex", "bibtex", "biber"))
needs_latex = pytest.mark.skipif(not HAS_LATEX, reason="latexmk, pdflatex, bibtex and biber not all installed")


@pytest.mark.parametrize("theorem", THEOREMS, ids=[t.id for t in THEOREMS])
def test_text_forms_have_no_latex_and_no_mangled_names(theorem):
    for text in (theorem.text(), *theorem.assumptions_text()):
        assert "\\" not in text and "$" not in text, text
        assert not MANGLED.search(text), text


def test_notation_renders_its_forms_and_refuses_fragment_names():
    import sympy as sp

    star = symbol("eta_star", r"\eta^\star", "η*", positive=True)
    assert sp.latex(star + 1) == r"\eta^\star + 1" and sp.pretty(star) == "η*" and str(star) == "eta_star"
    with pytest.raises(ValueError, match="eta\\^\\*"):
        symbol("eta^*", r"\eta^*")
    assert latex_to_unicode(r"w \sim \mathcal N(0, I_d)") == "w ∼ 𝒩(0, I_d)"
    assert text_with_math(r"costs \$1 when $\theta_j \in [0, 2\pi)$") == "costs $1 when θⱼ ∈ [0, 2π)"
    assert escape_text_with_math(r"a_b $x_i \le 1$") == r"a\_b $x_i \le 1$"


def test_bibtex_fields_are_escaped_and_split():
    reference = Reference(key="k", authors=("A & B",), year=2000, title="50% of #1 {x}_y ~ z^2", venue="J_V",
                          volume="3", number="2", pages="1--9", note="a_b")
    entry = reference.bibtex()
    assert r"50\% of \#1 \{x\}\_y \textasciitilde{} z\textasciicircum{}2" in entry
    assert "journal = {J\\_V}" in entry and "volume = {3}" in entry and "pages = {1--9}" in entry
    assert "note = {a\\_b}" in entry and "author = {A \\& B}" in entry
    assert bibtex_escape("\\") == r"\textbackslash{}"
    with pytest.raises(ValueError, match="doi"):
        Reference(key="k", authors=("A",), year=2000, title="t", venue="v", doi="10.1/{x}").bibtex()


def _build(tmp_path, name: str, source: str, *latexmk_flags: str) -> subprocess.CompletedProcess:
    (tmp_path / f"{name}.tex").write_text(source, encoding="utf-8")
    return subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", *latexmk_flags,
                           f"{name}.tex"], cwd=tmp_path, capture_output=True, text=True, timeout=240)


def _log_problems(tmp_path, name: str) -> list[str]:
    log = (tmp_path / f"{name}.log").read_text(errors="replace")
    problems = re.findall(r"^! .*|LaTeX Warning: (?:Citation|Reference) .*undefined.*", log, flags=re.M)
    for bib_log in (f"{name}.blg",):
        path = tmp_path / bib_log
        if path.exists():
            problems += re.findall(r"^Warning--.*|^WARN - .*|^ERROR - .*", path.read_text(errors="replace"), re.M)
    return problems


PREAMBLE = ("\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n"
            "\\usepackage{amsmath,amssymb,amsthm}\n\\newtheorem{theorem}{Theorem}\n")


@pytest.mark.slow
@needs_latex
@pytest.mark.parametrize("style", ["plain", "biblatex"])
def test_every_statement_and_citation_builds(tmp_path, style):
    """All `cite --format latex` statements in one document, all `cite --format bibtex` entries in one .bib, with
    plain.bst and with biblatex/biber: the build succeeds with no error, no undefined citation and no BibTeX
    warning (an unknown entry type, an empty field)."""
    (tmp_path / "refs.bib").write_text("\n".join(cite(t, "bibtex") for t in THEOREMS), encoding="utf-8")
    body = "\n".join(cite(t, "latex") for t in THEOREMS)
    if style == "plain":
        source = PREAMBLE + f"\\begin{{document}}\n{body}\n\\bibliographystyle{{plain}}\n\\bibliography{{refs}}\n"
    else:
        source = (PREAMBLE + "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
                  f"\\begin{{document}}\n{body}\n\\printbibliography\n")
    completed = _build(tmp_path, "doc", source + "\\end{document}\n")
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert _log_problems(tmp_path, "doc") == []
