"""The paper and the notes pages are generated from the registries, reproducibly, and they build.

Most tests feed :mod:`mathai.paper` made-up verdicts (the real ones take every experiment's time); the statements,
docstrings, references and figure names are the real registered ones, so a theorem that lands is covered at once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathai import citation, cli, paper
from mathai.paper import build, latexmk, locations
from theorems import all_theorems
from theorems.core import Check, numeric, prove_true

ROOT = Path(__file__).resolve().parent.parent
MAIN_TEX = ROOT / "paper" / "main.tex"
SPECIAL = set("_%&#$")


def fake_verdicts(theorems=None) -> dict[str, list[Check]]:
    """One symbolic check per registered proof step (named after it, not run) and one numeric check."""
    verdicts = {}
    for theorem in theorems or all_theorems():
        steps = [prove_true(theorem.id, (proof.__doc__ or proof.__name__).splitlines()[0], True)
                 for proof in theorem.proofs]
        verdicts[theorem.id] = steps + [numeric(theorem.id, "a measured ratio <= its bound", 0.25, "<=", 1.0)]
    return verdicts


@pytest.fixture(scope="module")
def figure_registry():
    from mathai import figures

    return figures.registry()


@pytest.fixture(scope="module")
def sources(tmp_path_factory, figure_registry):
    """The generated paper and notes for every registered theorem, written once for the module."""
    root = tmp_path_factory.mktemp("paper")
    shutil.copy(MAIN_TEX, root / "main.tex")
    paper.write_sources(all_theorems(), fake_verdicts(), paper_dir=root, docs_dir=root / "docs", seed=0,
                        figure_registry=figure_registry, versions={"jax": "x"})
    return root


def all_tex(root: Path) -> str:
    return "\n".join(p.read_text() for p in [root / "main.tex", *sorted((root / "generated").glob("*.tex"))])


def unescaped(text: str, char: str) -> int:
    return len(re.findall(r"(?<!\\)" + re.escape(char), text))


# ---------------------------------------------------------------------------------------------------------------
# Text and docstrings to LaTeX
# ---------------------------------------------------------------------------------------------------------------


@given(st.text(max_size=60))
def test_escaped_text_has_no_bare_special_characters_and_typesets_in_pdflatex(text):
    latex = citation.escape_text(text)
    for char in SPECIAL:
        assert unescaped(latex, char) == 0
    assert unescaped(latex, "{") == unescaped(latex, "}")
    assert all(citation._pdflatex_safe(c) for c in latex)


def test_escaped_text_keeps_plain_words():
    assert citation.escape_text("trace of S and T") == "trace of S and T"


def test_markdown_math_is_kept_and_display_math_becomes_brackets():
    latex = paper.markdown_to_latex(r"We have $\operatorname{tr}(S T^\top)$ and $$\sum_{ij} S_{ij}$$ here.")
    assert r"$\operatorname{tr}(S T^\top)$" in latex and r"\[\mathaiFit{\sum_{ij} S_{ij}}\]" in latex


def test_markdown_markup_becomes_latex_markup():
    latex = paper.markdown_to_latex("**Slip.** an *emphasis*, ``code_x`` and :func:`rounding_bound`.")
    assert r"\textbf{Slip.}" in latex and r"\emph{emphasis}" in latex
    assert r"\texttt{code\_\allowbreak{}x}" in latex and r"\texttt{rounding\_\allowbreak{}bound}" in latex


def test_a_role_with_a_tilde_prints_its_last_part_only():
    assert paper.inline_to_latex(":func:`~theorems.frobenius.rounding_bound`") == r"\texttt{rounding\_\allowbreak{}bound}"
    assert paper.inline_to_latex(":mod:`numerics.frobenius`") == r"\texttt{numerics.\allowbreak{}frobenius}"


def test_markdown_lists_become_itemize():
    latex = paper.markdown_to_latex("Items:\n\n- first, with a_b\n  continued\n- second")
    assert latex.count(r"\item") == 2 and r"\begin{itemize}" in latex and "a\\_b continued" in latex


def test_unicode_math_symbols_become_commands():
    assert " ".join(paper.markdown_to_latex("$γ_k ≤ 1$").split()) == r"$\gamma _k \leq 1$"
    assert r"\ensuremath{\leq}" in citation.escape_text("a ≤ b")


def test_a_wrong_conversion_would_be_caught():
    """The bare-character check above fails on unescaped text: the property can fail."""
    assert unescaped("S_ij 50%", "_") == 1 and unescaped("S_ij 50%", "%") == 1


@pytest.mark.parametrize("theorem", all_theorems(), ids=lambda t: t.id)
def test_every_registered_docstring_converts_to_balanced_typesettable_latex(theorem):
    for package in ("theorems", "numerics"):
        for module in theorem.modules:
            doc = paper.module_doc(package, module)
            if doc is None:
                continue
            latex = paper.markdown_to_latex(doc)
            assert unescaped(latex, "{") == unescaped(latex, "}"), f"{package}.{module}"
            assert latex.count("$") % 2 == 0 and latex.count(r"\[") == latex.count(r"\]")
            assert all(citation._pdflatex_safe(c) for c in latex)


def test_numbers_are_typeset_in_math_with_powers_of_ten():
    assert paper.latex_number(1.5e-7) == r"$1.5\times 10^{-7}$"
    assert paper.latex_number(0.25) == "$0.25$" and paper.latex_number(None) == ""
    assert paper.latex_number((0, 1)) == r"$[$$0$$,\,$$1$$]$"
    assert paper.latex_number(float("nan")) == "NaN"


# ---------------------------------------------------------------------------------------------------------------
# The generated sources cover the registry
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("theorem", all_theorems(), ids=lambda t: t.id)
def test_every_theorem_has_a_generated_statement_and_a_section(sources, theorem):
    statement = (sources / "generated" / f"{theorem.id}.tex").read_text()
    section = (sources / "generated" / f"section-{theorem.id}.tex").read_text()
    assert theorem.latex() in statement and f"\\cite{{{theorem.reference.key}}}" in statement
    assert f"\\label{{sec:{theorem.id}}}" in section and f"\\input{{generated/{theorem.id}}}" in section
    assert f"\\input{{generated/section-{theorem.id}}}" in (sources / "generated" / "sections.tex").read_text()
    for part in theorem.parts:  # a part's mathematics and experiment are printed in the section, under their paths
        for package, heading in (("theorems", "The mathematics, continued ("), ("numerics", "\\noindent{\\bfseries ")):
            path = locations.source_file(f"{package}.{part}")
            if path is not None:
                assert (citation.ROOT / path).exists() and heading + paper.texttt(path) in section


@pytest.mark.parametrize("theorem", all_theorems(), ids=lambda t: t.id)
def test_every_theorem_has_a_figure(figure_registry, theorem):
    functions = figure_registry.get(theorem.id, ())
    assert functions, f"{theorem.id}: no figure in FIGURES of a module of mathai/figures/"
    assert all(callable(f) for f in functions)


def test_every_included_figure_is_a_registered_figure_function(sources, figure_registry):
    names = set(re.findall(r"\\includegraphics(?:\[[^]]*\])?\{figures/([^}]+)\.pdf\}", all_tex(sources)))
    registered = {f.__name__ for functions in figure_registry.values() for f in functions}
    assert names == {f.__name__ for t in all_theorems() for f in figure_registry.get(t.id, ())}
    assert names <= registered


def test_every_citation_is_in_the_generated_bibliography(sources):
    keys = set(citation.bibtex_keys((sources / "generated" / "references.bib").read_text()))
    cited = {k.strip() for group in re.findall(r"\\cite\{([^}]+)\}", all_tex(sources)) for k in group.split(",")}
    assert cited and cited <= keys
    assert {t.reference.key for t in all_theorems()} | {"mathai"} == keys


def test_every_reference_is_defined(sources):
    text = all_tex(sources)
    labels = set(re.findall(r"\\label\{([^}]+)\}", text))
    refs = set(re.findall(r"\\ref\{([^}]+)\}", text))
    assert refs and refs <= labels


def test_the_sources_are_byte_reproducible(sources, tmp_path, figure_registry):
    paper.write_sources(all_theorems(), fake_verdicts(), paper_dir=tmp_path, docs_dir=tmp_path / "docs", seed=0,
                        figure_registry=figure_registry, versions={"jax": "x"})
    for path in sorted((sources / "generated").iterdir()):
        assert (tmp_path / "generated" / path.name).read_bytes() == path.read_bytes(), path.name
    for path in sorted(p for p in (sources / "docs").rglob("*") if p.is_file()):
        relative = path.relative_to(sources / "docs")
        assert (tmp_path / "docs" / relative).read_bytes() == path.read_bytes(), relative


def test_a_failing_check_shows_in_the_verdict_tables(tmp_path, figure_registry):
    theorems = all_theorems()[:1]
    verdicts = fake_verdicts(theorems)
    verdicts[theorems[0].id].append(numeric(theorems[0].id, "a wrong bound", 2.0, "<=", 1.0))
    paper.write_sources(theorems, verdicts, paper_dir=tmp_path, docs_dir=None, seed=0,
                        figure_registry=figure_registry)
    assert "FAILS" in (tmp_path / "generated" / "verdicts.tex").read_text()
    assert "FAILS" in (tmp_path / "generated" / f"section-{theorems[0].id}.tex").read_text()


def test_files_of_a_theorem_that_left_the_registry_are_removed(tmp_path, figure_registry):
    theorems = all_theorems()
    paper.write_sources(theorems, fake_verdicts(), paper_dir=tmp_path, docs_dir=None, seed=0,
                        figure_registry=figure_registry)
    paper.write_sources(theorems[:1], fake_verdicts(), paper_dir=tmp_path, docs_dir=None, seed=0,
                        figure_registry=figure_registry)
    sections = sorted(p.name for p in (tmp_path / "generated").glob("section-*.tex"))
    assert sections == [f"section-{theorems[0].id}.tex"]


@pytest.mark.parametrize("theorem", all_theorems(), ids=lambda t: t.id)
def test_notes_page_has_statement_reference_links_and_citation(sources, figure_registry, theorem):
    page = (sources / "docs" / f"{theorem.id}.md").read_text()
    assert f"$$\n{theorem.latex()}\n$$" in page and theorem.reference.title in page
    if theorem.reference.doi:
        assert f"(https://doi.org/{theorem.reference.doi})" in page
    path = theorem.module.replace(".", "/")
    assert f"(../theorems/{path}.py)" in page and f"(../numerics/{path}.py)" in page
    tests = re.search(r"^- tests: \[`([^`]+)`\]\(\.\./([^)]+)\)$", page, re.MULTILINE)
    assert tests and tests.group(1) == tests.group(2) and (citation.ROOT / tests.group(1)).is_file()
    for part in theorem.parts:
        for package in ("theorems", "numerics"):
            if (citation.ROOT / package / f"{part.replace('.', '/')}.py").exists():
                assert f"(../{package}/{part.replace('.', '/')}.py)" in page
    assert f"@software{{mathai-{theorem.id}," in page
    for function in figure_registry.get(theorem.id, ()):
        assert f"(../paper/figures/{function.__name__}.png)" in page
    assert f"[`{theorem.id}`]({theorem.id}.md)" in (sources / "docs" / "index.md").read_text()


# ---------------------------------------------------------------------------------------------------------------
# Figures: same seed, same bytes
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_figures_regenerate_to_identical_bytes(tmp_path, monkeypatch, capsys):
    """`mathai figures frobenius` twice, each with its own empty result cache and no data, gives the same bytes."""
    from mathai.figures import frobenius as frobenius_figures
    from numerics import frobenius

    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")
    monkeypatch.setattr(frobenius_figures, "CONFIG", frobenius.Config(shapes=((2, 2), (4, 4), (8, 8)),
                                                                          dtypes=("float32", "float64"), batch=2))
    outputs = []
    for run in ("a", "b"):
        monkeypatch.setenv("MATHAI_CACHE_DIR", str(tmp_path / f"cache-{run}"))
        assert cli.main(["figures", "frobenius", "--out", str(tmp_path / run), "--data",
                         str(tmp_path / f"data-{run}")]) == cli.EXIT_OK
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    capsys.readouterr()
    assert outputs[0] == outputs[1]
    names = {f.__name__ for f in frobenius_figures.FIGURES["frobenius"]}
    assert set(outputs[0]) == {f"{n}.{ext}" for n in names for ext in ("pdf", "png")} | {"VERSIONS.json"}
    section = paper.section_tex(frobenius.statement.THEOREM, [], frobenius_figures.FIGURES["frobenius"], 0)
    for name in re.findall(r"\{figures/([^}]+)\}", section):
        assert name in outputs[0]


# ---------------------------------------------------------------------------------------------------------------
# `mathai paper` without and with LaTeX
# ---------------------------------------------------------------------------------------------------------------


def _paper_without_experiments(monkeypatch, verdicts):
    monkeypatch.setattr(build, "run_verdicts", lambda theorems, seed, progress=None, fresh=False: (verdicts, {}))
    monkeypatch.setattr(build, "figures_for", lambda *args, **kwargs: [])
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")


def test_paper_without_latex_writes_sources_and_says_what_to_install(tmp_path, monkeypatch, capsys):
    _paper_without_experiments(monkeypatch, fake_verdicts())
    monkeypatch.setattr(latexmk.shutil, "which", lambda name: None)
    shutil.copy(MAIN_TEX, tmp_path / "main.tex")
    status = cli.main(["paper", "--out", str(tmp_path), "--docs", str(tmp_path / "docs")])
    err = capsys.readouterr().err
    assert status == cli.EXIT_OK
    assert "apt-get install" in err and all(package in err for package in paper.LATEX_PACKAGES)
    assert (tmp_path / "generated" / "sections.tex").exists() and (tmp_path / "docs" / "index.md").exists()


def test_make_without_latex_returns_its_verdicts_and_says_what_to_install(tmp_path, monkeypatch):
    """A missing toolchain is an outcome of make(), not an exception: the verdicts come back with it."""
    verdicts = fake_verdicts()
    first = all_theorems()[0].id
    verdicts[first] = verdicts[first] + [numeric(first, "a wrong bound", 2.0, "<=", 1.0)]
    _paper_without_experiments(monkeypatch, verdicts)
    monkeypatch.setattr(latexmk.shutil, "which", lambda name: None)
    shutil.copy(MAIN_TEX, tmp_path / "main.tex")
    outcome = paper.make(all_theorems(), paper_dir=tmp_path, docs_dir=None, progress=lambda _: None)
    assert isinstance(outcome.build, paper.NoLatex) and "apt-get install" in outcome.build.message
    assert outcome.verdicts == verdicts and not outcome.holds
    assert (tmp_path / "generated" / "verdicts.tex").exists()
    with pytest.raises(paper.LatexMissing):
        paper.build_pdf(tmp_path)


def test_make_without_pdf_has_no_build(tmp_path, monkeypatch):
    verdicts = fake_verdicts()
    _paper_without_experiments(monkeypatch, verdicts)
    outcome = paper.make(all_theorems(), paper_dir=tmp_path, docs_dir=None, pdf=False, progress=lambda _: None)
    assert outcome.build is None and outcome.verdicts == verdicts and outcome.holds


def test_paper_exits_1_when_a_check_fails(tmp_path, monkeypatch, capsys):
    verdicts = fake_verdicts()
    first = all_theorems()[0].id
    verdicts[first] = verdicts[first] + [numeric(first, "a wrong bound", 2.0, "<=", 1.0)]
    _paper_without_experiments(monkeypatch, verdicts)
    shutil.copy(MAIN_TEX, tmp_path / "main.tex")
    assert cli.main(["paper", "--out", str(tmp_path), "--no-docs", "--no-pdf"]) == cli.EXIT_FAILED
    assert "FAIL" in capsys.readouterr().err


def test_paper_without_main_tex_is_bad_input(tmp_path, capsys):
    assert cli.main(["paper", "--out", str(tmp_path / "nowhere"), "--no-pdf"]) == cli.EXIT_USAGE
    assert "main.tex" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftoppm") is None,
                    reason="LaTeX not installed (apt-get install " + " ".join(paper.LATEX_PACKAGES) + " poppler-utils)")
def test_pdf_builds_without_undefined_references_and_renders(sources, figure_registry, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for functions in figure_registry.values():  # stand-in figures: the build, not the experiments, is tested
        for function in functions:
            fig, ax = plt.subplots(figsize=(4, 2.5))
            ax.plot([0, 1], [0, 1], linewidth=4)
            (sources / "figures").mkdir(exist_ok=True)
            fig.savefig(sources / "figures" / f"{function.__name__}.pdf")
            plt.close(fig)
    pdf_build = paper.build_pdf(sources)
    assert pdf_build.ok, pdf_build.log_tail
    assert pdf_build.undefined == ()
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf_build.pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    info = subprocess.run(["pdfinfo", str(pdf_build.pdf)], capture_output=True, text=True, check=True).stdout
    assert len(pages) == int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", str(pdf_build.pdf), "-"], capture_output=True, text=True, check=True).stdout
    for theorem in all_theorems():
        assert theorem.id in text
    if any(figure_registry.get(t.id) for t in all_theorems()):
        assert "Figure 1:" in text
    assert not overfull_lines(sources / "main.log")


def overfull_lines(log: Path, allowed_pt: float = 5.0) -> list[str]:
    """The log's Overfull hbox warnings wider than ``allowed_pt``."""
    text = log.read_text(errors="replace")
    return [m.group(0) for m in re.finditer(r"Overfull \\hbox \(([\d.]+)pt too wide\)[^\n]*", text)
            if float(m.group(1)) > allowed_pt]


def label_pages(aux: Path) -> dict[str, int]:
    """label -> the page it fell on, from LaTeX's .aux (with hyperref's five-field labels)."""
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r"\\newlabel\{([^}]+)\}\{\{[^{}]*\}\{(\d+)\}", aux.read_text(errors="replace"))}


@pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdftotext") is None,
                    reason="needs latexmk and poppler-utils")
@pytest.mark.skipif(not (ROOT / "paper" / "generated" / "appendix.tex").exists(),
                    reason="the committed paper predates its appendix (issue 21: rerun `mathai paper`)")
def test_the_committed_paper_builds_with_its_figures_by_their_references(tmp_path):
    """The committed paper (sources, figures drawn from paper/data): no undefined reference, no line overfull by
    more than 5 pt, every figure on the page of its first reference or the next, the check tables in the appendix."""
    for part in ("generated", "figures"):
        shutil.copytree(ROOT / "paper" / part, tmp_path / part)
    shutil.copy(MAIN_TEX, tmp_path / "main.tex")
    pdf_build = paper.build_pdf(tmp_path)
    assert pdf_build.ok and pdf_build.undefined == (), pdf_build.log_tail
    assert not overfull_lines(tmp_path / "main.log")
    pages = label_pages(tmp_path / "main.aux")
    figures = [name.removeprefix("fig:") for name in pages if name.startswith("fig:")]
    assert figures
    for name in figures:
        assert pages[f"fig:{name}"] - pages[f"see:fig:{name}"] in (0, 1), name
    appendix = pages["sec:every-check"]
    assert all(pages[label] >= appendix for label in pages if label.startswith("tab:verdict-"))
    assert all(pages[label] < appendix for label in pages if label.startswith("sec:") and label != "sec:every-check")


# ---------------------------------------------------------------------------------------------------------------
# Verdicts saved by `mathai verify --json`
# ---------------------------------------------------------------------------------------------------------------


def _document(verdicts, seed=0):
    return {"seed": seed, "holds": True,
            "theorems": [{"id": i, "checks": [c.as_json() for c in checks]} for i, checks in verdicts.items()]}


def test_saved_verdicts_read_back_as_the_same_checks():
    verdicts = {"frobenius": [prove_true("frobenius", "proved", True),
                              numeric("frobenius", "ratio", 0.5, "<=", 1.0),
                              numeric("frobenius", "interval", 0.5, "in", (0.0, 1.0)),
                              numeric("frobenius", "nan", float("nan"), "<=", 1.0)]}
    back = paper.checks_from_json(_document(verdicts))["frobenius"]
    assert [(c.kind, c.claim, c.relation, c.holds) for c in back] == \
        [(c.kind, c.claim, c.relation, c.holds) for c in verdicts["frobenius"]]
    assert back[2].bound == (0.0, 1.0) and back[3].holds is False


def test_saved_verdicts_that_contradict_their_numbers_are_refused():
    document = _document({"frobenius": [numeric("frobenius", "ratio", 2.0, "<=", 1.0)]})
    document["theorems"][0]["checks"][0]["holds"] = True
    with pytest.raises(ValueError, match="holds=True"):
        paper.checks_from_json(document)


def test_paper_with_saved_verdicts_of_another_seed_is_bad_input(tmp_path, capsys):
    import json

    shutil.copy(MAIN_TEX, tmp_path / "main.tex")
    (tmp_path / "v.json").write_text(json.dumps(_document(fake_verdicts(), seed=1)))
    status = cli.main(["paper", "--out", str(tmp_path), "--verdicts", str(tmp_path / "v.json"), "--no-pdf"])
    assert status == cli.EXIT_USAGE and "seed 1" in capsys.readouterr().err


def test_paper_uses_saved_verdicts_instead_of_rerunning(tmp_path, monkeypatch, capsys):
    import json

    def refuse(theorems, seed, progress=None, fresh=False):
        assert not theorems, f"re-ran {[t.id for t in theorems]}"
        return {}, {}

    monkeypatch.setattr(build, "run_verdicts", refuse)
    monkeypatch.setattr(build, "figures_for", lambda *args, **kwargs: [])
    monkeypatch.setenv("MATHAI_JAX_CACHE", "0")
    shutil.copy(MAIN_TEX, tmp_path / "main.tex")
    (tmp_path / "v.json").write_text(json.dumps(_document(fake_verdicts())))
    status = cli.main(["paper", "--out", str(tmp_path), "--no-docs", "--no-pdf", "--verdicts",
                       str(tmp_path / "v.json")])
    assert status == cli.EXIT_OK, capsys.readouterr().err
    assert "a measured ratio" in (tmp_path / "generated" / "appendix.tex").read_text()


def test_verdicts_are_cached_and_rerun_only_for_another_seed_or_fresh(tmp_path, monkeypatch):
    from mathai.paper import verdicts as paper_verdicts
    from numerics.neighbours import Control

    theorem = all_theorems()[0]
    runs = []

    def verify(t, seed):
        runs.append((t.id, seed))
        return ([numeric(t.id, "a measured ratio", 0.25, "<=", 1.0)],
                [Control("numerics.x", "wrong", "a wrong statement", True, ("a measured ratio",))])

    monkeypatch.setattr(paper_verdicts, "_verify", verify)
    monkeypatch.setenv("MATHAI_CACHE_DIR", str(tmp_path))
    first = paper_verdicts.run_verdicts([theorem], 0)
    again = paper_verdicts.run_verdicts([theorem], 0)
    assert again == first and runs == [(theorem.id, 0)]
    paper_verdicts.run_verdicts([theorem], 1)
    paper_verdicts.run_verdicts([theorem], 0, fresh=True)
    assert runs == [(theorem.id, 0), (theorem.id, 1), (theorem.id, 0)]
