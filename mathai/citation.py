"""How to cite a theorem: its original reference, this software, and the statement ready to paste.

Three formats, one source: the :class:`~theorems.core.Reference` of the theorem, the software's own record in
``CITATION.cff`` (title, version, authors, repository) and the SymPy statement rendered by ``sympy.latex``. Nothing
here is typed twice: ``mathai cite``, the notes pages in ``docs/`` and the paper's bibliography all call these
functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from theorems.core import Theorem, bibtex_entry, bibtex_escape
from theorems.notation import split_math

ROOT = Path(__file__).resolve().parent.parent
"""The source tree (the package is installed in editable mode; a wheel has no CITATION.cff and uses defaults)."""

FORMATS = ("bibtex", "latex", "markdown")


@dataclass(frozen=True)
class Software:
    """The software citation, read from CITATION.cff."""

    title: str
    version: str
    authors: tuple[str, ...]
    url: str = ""
    license: str = ""
    year: str = ""

    @property
    def short_title(self) -> str:
        return self.title.split(":")[0].strip()


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def read_citation_cff(path: Path = ROOT / "CITATION.cff") -> Software:
    """Title, version, authors, repository and license from a CITATION.cff file.

    Reads the flat keys and the ``authors`` list (``name``, or ``given-names`` + ``family-names``): the subset of
    the Citation File Format this project writes, so no YAML parser is needed. The installed package's version
    wins over the file's when they differ, since it is what actually ran.
    """
    from mathai import __version__

    flat: dict[str, str] = {}
    authors: list[dict[str, str]] = []
    if path.exists():
        in_authors = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line.startswith((" ", "-")):
                name, _, value = line.partition(":")
                in_authors = name.strip() == "authors"
                flat[name.strip()] = _unquote(value)
                continue
            if in_authors:
                item = line.strip()
                if item.startswith("- "):
                    authors.append({})
                    item = item[2:]
                name, _, value = item.partition(":")
                if authors and value:
                    authors[-1][name.strip()] = _unquote(value)
    names = tuple(a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
                  for a in authors) or ("The mathai developers",)
    version = __version__ if __version__ != "0+unknown" else flat.get("version", __version__)
    return Software(title=flat.get("title", "mathai"), version=version, authors=names,
                    url=flat.get("repository-code", flat.get("url", "")), license=flat.get("license", ""),
                    year=flat.get("date-released", "")[:4])


def module_paths(theorem: Theorem) -> dict[str, str]:
    """Where a theorem lives in the source tree (paths relative to the root): its statement and experiment modules,
    and the pytest selection of its tests (every test about a theorem carries its id as a marker)."""
    path = theorem.module.replace(".", "/")
    return {"statement": f"theorems/{path}.py", "experiment": f"numerics/{path}.py",
            "tests": f"pytest -m {theorem.id}"}


def software_bibtex(software: Software, theorem: Theorem | None = None, entry_type: str = "misc") -> str:
    """The package as a BibTeX entry; with a theorem, keyed ``mathai-<id>`` and naming its modules in the note.

    ``@misc`` with ``howpublished`` (what plain.bst and biblatex both know); ``entry_type="software"`` gives
    biblatex's ``@software`` with the same fields. Every field is escaped; the address is CITATION.cff's
    ``repository-code`` (or ``url``) when it has one.
    """
    key = "mathai" if theorem is None else f"mathai-{theorem.id}"
    title = software.title if theorem is None else f"{software.short_title}: {theorem.title}"
    note = None
    if theorem is not None:
        paths = module_paths(theorem)
        tt = {name: f"\\texttt{{{bibtex_escape(value)}}}" for name, value in
              (("id", theorem.id), ("statement", paths["statement"]), ("experiment", paths["experiment"]))}
        note = f"theorem id {tt['id']}, modules {tt['statement']} and {tt['experiment']}"
    fields = {"author": " and ".join("{" + bibtex_escape(a) + "}" for a in software.authors),
              "title": unicode_to_latex(bibtex_escape(title), math=False),
              "howpublished": f"Python package, version {software.version}", "version": software.version,
              "year": software.year, "url": software.url or None, "note": note}
    return bibtex_entry(entry_type, key, fields, tex=("author", "title", "note"))


# ---------------------------------------------------------------------------------------------------------------
# Plain text in LaTeX
# ---------------------------------------------------------------------------------------------------------------

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}

UNICODE_MATH = {
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "×": r"\times", "·": r"\cdot", "√": r"\surd",
    "∑": r"\sum", "Σ": r"\Sigma", "∞": r"\infty", "∈": r"\in", "→": r"\to", "←": r"\leftarrow",
    "⟨": r"\langle", "⟩": r"\rangle", "‖": r"\|", "∝": r"\propto", "∂": r"\partial", "∇": r"\nabla",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "η": r"\eta",
    "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau",
    "φ": r"\varphi", "ϕ": r"\phi", "ψ": r"\psi", "ω": r"\omega", "Ω": r"\Omega", "Δ": r"\Delta",
    "Λ": r"\Lambda", "Φ": r"\Phi", "Γ": r"\Gamma", "ℝ": r"\mathbb{R}", "ℂ": r"\mathbb{C}", "ℕ": r"\mathbb{N}",
    "ᵀ": r"^{\top}", "²": r"^{2}", "³": r"^{3}", "⁻": r"^{-}", "¹": r"^{1}", "∘": r"\circ", "⊙": r"\odot",
    "⊗": r"\otimes", "−": "-", "±": r"\pm", "∀": r"\forall", "∃": r"\exists", "⊂": r"\subset",
    "∩": r"\cap", "∪": r"\cup", "⌈": r"\lceil", "⌉": r"\rceil", "⌊": r"\lfloor", "⌋": r"\rfloor",
    "ℓ": r"\ell", "∫": r"\int", "∥": r"\|", "⋅": r"\cdot", "∗": r"\ast", "…": r"\ldots", "⋯": r"\cdots",
    "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "ᵢ": "_{i}", "ⱼ": "_{j}", "ₜ": "_{t}", "ₖ": "_{k}", "ₙ": "_{n}",
    "ζ": r"\zeta", "ι": r"\iota", "κ": r"\kappa", "ν": r"\nu", "ξ": r"\xi", "υ": r"\upsilon", "χ": r"\chi",
    "ϵ": r"\epsilon", "ϑ": r"\vartheta", "ϱ": r"\varrho", "ς": r"\varsigma", "Θ": r"\Theta", "Ξ": r"\Xi",
    "Π": r"\Pi", "Υ": r"\Upsilon", "Ψ": r"\Psi", "⊤": r"\top", "≪": r"\ll", "≫": r"\gg", "≡": r"\equiv",
    "∼": r"\sim", "∓": r"\mp", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto", "∉": r"\notin",
    "⊆": r"\subseteq", "∅": r"\emptyset", "ℤ": r"\mathbb{Z}", "ℚ": r"\mathbb{Q}", "∏": r"\prod", "⁴": "^{4}",
    "ⁿ": "^{n}", "√": r"\surd",
}
"""Unicode symbols that pdflatex's utf8 input does not know, as math-mode LaTeX."""

_TEXT_UNICODE = {"—": "---", "–": "--", "“": "``", "”": "''", "‘": "`", "’": "'", "…": r"\ldots{}",
                 "\u00a0": "~"}


def _pdflatex_safe(char: str) -> bool:
    """Characters that pdflatex with utf8 input and T1 fonts typesets: ASCII, Latin-1 and Latin Extended-A."""
    return ord(char) < 0x180


def unicode_to_latex(text: str, math: bool) -> str:
    """Replace the Unicode symbols pdflatex cannot typeset by LaTeX commands (math mode or ``\\ensuremath``).

    A character that is neither typesettable nor known is written as its code point, visibly, rather than
    breaking the build.
    """
    out = []
    for char in text:
        if char in _TEXT_UNICODE and not math:
            out.append(_TEXT_UNICODE[char])
        elif char in UNICODE_MATH:
            command = UNICODE_MATH[char]
            spaced = command + " " if command[-1].isalpha() else command
            out.append(spaced if math else f"\\ensuremath{{{command}}}")
        elif _pdflatex_safe(char):
            out.append(char)
        else:
            out.append(f"\\texttt{{[U+{ord(char):04X}]}}")
    return "".join(out)


def escape_text(text: str) -> str:
    """Plain text (assumptions, claims) as LaTeX text: special characters escaped, Unicode symbols mapped."""
    escaped = "".join(_TEXT_ESCAPES.get(char, char) for char in text)
    return unicode_to_latex(escaped, math=False)


def escape_text_with_math(text: str) -> str:
    """A sentence with ``$...$`` maths (an assumption) as LaTeX: the text escaped, the maths kept as maths."""
    return "".join(f"${unicode_to_latex(piece, math=True)}$" if is_math else escape_text(piece.replace(r"\$", "$"))
                   for is_math, piece in split_math(text))


# ---------------------------------------------------------------------------------------------------------------
# The three formats of `mathai cite`
# ---------------------------------------------------------------------------------------------------------------


def as_bibtex(theorem: Theorem, software: Software) -> str:
    """The original reference and the software (keyed ``mathai-<id>``), as two BibTeX entries."""
    return f"{theorem.reference.bibtex()}\n\n{software_bibtex(software, theorem)}\n"


def as_latex(theorem: Theorem, software: Software) -> str:
    """A ``theorem`` environment with the generated statement and assumptions, citing both entries."""
    paths = module_paths(theorem)
    assumptions = "\n".join(f"  \\item {escape_text_with_math(a)}" for a in theorem.assumptions)
    body = f"\\[\n  {theorem.latex()}\n\\]"
    if assumptions:
        body += f"\nwhere\n\\begin{{itemize}}\n{assumptions}\n\\end{{itemize}}"
    return (f"% needs \\usepackage{{amsmath,amssymb,amsthm}} and \\newtheorem{{theorem}}{{Theorem}};\n"
            f"% BibTeX for both citations: mathai cite {theorem.id} --format bibtex\n"
            f"\\begin{{theorem}}[{escape_text(theorem.title)}~\\cite{{{theorem.reference.key}}}]"
            f"\\label{{thm:{theorem.id}}}\n{body}\n\\end{{theorem}}\n"
            f"% Checked by experiment with {software.short_title} {software.version} "
            f"(\\cite{{mathai-{theorem.id}}}): {paths['statement']}, {paths['experiment']}; "
            f"mathai verify {theorem.id}\n")


def as_markdown(theorem: Theorem, software: Software) -> str:
    """The statement as Markdown math, the reference, and the software with its module paths."""
    paths = module_paths(theorem)
    where = f" ({software.url})" if software.url else ""
    return (f"{theorem._repr_markdown_()}\n\n"
            f"Checked by experiment: {software.short_title} {software.version}{where}, statement in "
            f"`{paths['statement']}`, experiment in `{paths['experiment']}`, tests: `{paths['tests']}`; "
            f"rerun with `mathai verify {theorem.id}`.\n"
            f"Software citation: {', '.join(software.authors)}. *{software.title}*, version {software.version}.\n")


def cite(theorem: Theorem, fmt: str, software: Software | None = None) -> str:
    """``theorem`` cited in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    software = software or read_citation_cff()
    return {"bibtex": as_bibtex, "latex": as_latex, "markdown": as_markdown}[fmt](theorem, software)


_BIB_KEY = re.compile(r"@\w+\{([^,\s]+),")


def bibtex_keys(text: str) -> list[str]:
    """The entry keys of a BibTeX text, in order."""
    return _BIB_KEY.findall(text)
