r"""Notation: a SymPy symbol with a plain name and its own LaTeX and Unicode forms, and assumptions as text.

``sympy.latex`` and ``sympy.pretty`` derive a symbol's rendering from its name (``eta_star`` is set as
$\eta_{star}$, ``eta^*`` as $\eta^{*}$ with whatever follows swallowed into the superscript). A name that is a LaTeX
fragment therefore renders wrongly somewhere. :func:`symbol` keeps the name plain (it is what ``str`` and
``lambdify`` see; lambdify passes arguments by position, so the name never reaches the numeric side) and carries the
two renderings explicitly: :class:`Notation` answers SymPy's ``_latex`` and ``_pretty`` hooks with them.

Assumptions are plain text with their mathematics between dollars, LaTeX inside (``$w \sim \mathcal N(0, I_d)$``).
The paper and the notes set the dollars as maths; :func:`latex_to_unicode` turns each one into readable Unicode for
the terminal (``w ∼ N(0, I_d)``). It is a table of the commands this project writes, not a LaTeX parser: an unknown
command keeps its name without the backslash.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.logic.boolalg import Boolean


class Notation(sp.Symbol):
    """A symbol whose LaTeX and Unicode forms are given, not derived from its name.

    The forms are part of the symbol's identity (two symbols of one name and different forms are different
    symbols) and survive pickling.
    """

    __slots__ = ("latex_form", "text_form")

    def __new__(cls, name: str, latex: str, text: str | None = None, **assumptions):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or "__" in name:
            raise ValueError(f"symbol name {name!r} must be a plain identifier (letters, digits, single '_'); "
                             "put the rendering in latex= and text=")
        obj = super().__xnew__(cls, name, **assumptions)
        obj.latex_form = latex
        obj.text_form = text if text is not None else latex_to_unicode(latex)
        return obj

    def __getnewargs_ex__(self):
        return (self.name, self.latex_form, self.text_form), self.assumptions0

    def _hashable_content(self):
        return (*super()._hashable_content(), self.latex_form, self.text_form)

    def _latex(self, printer) -> str:
        return self.latex_form

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self.text_form)


def symbol(name: str, latex: str, text: str | None = None, **assumptions) -> Notation:
    """``sp.Symbol(name, **assumptions)`` rendered as ``latex`` by ``sympy.latex`` and as ``text`` (default: the
    Unicode reading of ``latex``) by ``sympy.pretty``."""
    return Notation(name, latex, text, **assumptions)


class Expectation(sp.Function):
    """$\\mathbb E[X]$, or $\\mathbb E_w[X]$ with the variable averaged over as a second argument (display only).

    A named function rather than ``sp.Function("E")``, so that the letter E stays free for a matrix."""

    nargs = (1, 2)

    def _latex(self, printer) -> str:
        over = f"_{{{printer._print(self.args[1])}}}" if len(self.args) == 2 else ""
        return rf"\mathbb{{E}}{over}\left[{printer._print(self.args[0])}\right]"

    def _pretty(self, printer):
        over = "_" + sp.pretty(self.args[1], use_unicode=True) if len(self.args) == 2 else ""
        from sympy.printing.pretty.stringpict import prettyForm

        bracketed = prettyForm(*printer._print(self.args[0]).parens("[", "]"))
        return prettyForm(*bracketed.left("𝔼" + over))


# ---------------------------------------------------------------------------------------------------------------
# Quantifiers (display only: SymPy has no first-order logic, so these are never simplified or evaluated)
# ---------------------------------------------------------------------------------------------------------------


class _Quantified(Boolean):
    """``<quantifier> variables [∈ domain]: body``, printed by ``sympy.latex``, ``sympy.pretty`` and ``str``."""

    mark_latex = ""
    mark_text = ""

    def __new__(cls, variables, body, domain=None):
        domain = sp.S.UniversalSet if domain is None else sp.sympify(domain)
        return Boolean.__new__(cls, sp.Tuple(*variables), domain, body)

    @property
    def variables(self) -> tuple:
        return tuple(self.args[0])

    @property
    def domain(self):
        return self.args[1]

    @property
    def body(self):
        return self.args[2]

    def _head(self, printer, text: bool) -> str:
        names = ", ".join(printer._print(v) if not text else sp.pretty(v, use_unicode=True) for v in self.variables)
        if self.domain == sp.S.UniversalSet:
            where = ""
        elif text:
            where = " ∈ " + sp.pretty(self.domain, use_unicode=True)
        else:
            where = r" \in " + printer._print(self.domain)
        return f"{self.mark_text if text else self.mark_latex}{names}{where}"

    def _latex(self, printer) -> str:
        return rf"{self._head(printer, text=False)}\colon\ {printer._print(self.body)}"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(*printer._print(self.body).left(self._head(printer, text=True) + ": "))

    def _sympystr(self, printer) -> str:
        names = ", ".join(printer._print(v) for v in self.variables)
        return f"{type(self).__name__}(({names}), {printer._print(self.body)}, {printer._print(self.domain)})"


class ForAll(_Quantified):
    """$\\forall$ variables (in domain): body."""

    mark_latex = r"\forall "
    mark_text = "∀"


class Exists(_Quantified):
    """$\\exists$ variables (in domain): body."""

    mark_latex = r"\exists "
    mark_text = "∃"


# ---------------------------------------------------------------------------------------------------------------
# LaTeX maths as Unicode text (the terminal form of an assumption)
# ---------------------------------------------------------------------------------------------------------------

_COMMANDS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "sim": "∼", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "approx": "≈",
    "times": "×", "cdot": "·", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "to": "→",
    "mapsto": "↦", "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇",
    "forall": "∀", "exists": "∃", "langle": "⟨", "rangle": "⟩", "|": "‖", "ll": "≪", "gg": "≫",
    "top": "ᵀ", "ast": "*", "star": "*", "circ": "∘", "odot": "⊙", "otimes": "⊗", "pm": "±", "ell": "ℓ",
    "dots": "…", "ldots": "…", "cdots": "⋯", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋",
    "sqrt": "√", "log": "log", "exp": "exp", "sin": "sin", "cos": "cos", "tanh": "tanh", "max": "max",
    "min": "min", "sup": "sup", "inf": "inf", "det": "det", "diag": "diag", "tr": "tr", "Re": "Re",
    "quad": "  ", "qquad": "    ", ",": " ", ";": " ", "!": "", " ": " ", "{": "{", "}": "}", "_": "_",
    "%": "%", "&": "&", "#": "#", "$": "$", "left": "", "right": "", "big": "", "Big": "", "bigl": "",
    "bigr": "", "mid": "|", "vert": "|", "Vert": "‖", "colon": ":", "iff": "⇔", "implies": "⇒",
    "Rightarrow": "⇒", "cap": "∩", "cup": "∪", "emptyset": "∅", "propto": "∝", "equiv": "≡", "oo": "∞",
    "varrho": "ϱ", "vartheta": "ϑ", "upsilon": "υ", "iota": "ι", "Xi": "Ξ", "Upsilon": "Υ",
}
"""Commands (without the backslash) and their Unicode forms."""

_FONTS = {"mathbb": {"R": "ℝ", "C": "ℂ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "E": "𝔼", "1": "𝟙"},
          "mathcal": {"N": "𝒩", "L": "ℒ", "O": "𝒪", "F": "ℱ", "B": "ℬ", "E": "ℰ"}}
"""``\\mathbb{X}`` and ``\\mathcal X``: the letters this project uses; any other letter is kept plain."""

_TEXT_COMMANDS = ("mathrel", "mathop", "mathrm", "text", "operatorname", "mathbf", "mathit", "textrm", "boldsymbol",
                  "hat", "tilde",
                  "bar", "widehat", "widetilde", "overline")

_SUPERSCRIPTS = {**dict(zip("0123456789+-=()nTik", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿᵀⁱᵏ")), "*": "*", "ᵀ": "ᵀ",
                 **dict(zip("abdehmoptx", "ᵃᵇᵈᵉʰᵐᵒᵖᵗˣ"))}
_SUBSCRIPTS = dict(zip("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_ACCENTS = {"hat": "\u0302", "tilde": "\u0303", "bar": "\u0304", "widehat": "\u0302", "widetilde": "\u0303",
            "overline": "\u0305"}

_OPENING = ("langle", "lceil", "lfloor", "left", "bigl", "big", "Big")
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_])|([^\\{}^_]+)")


def _group(tokens: list, i: int) -> tuple[str, int]:
    """The argument starting at token ``i`` (a braced group or one token), converted, and the next index."""
    if i >= len(tokens):
        return "", i
    command, brace, plain = tokens[i]
    if plain and plain.isspace():
        return _group(tokens, i + 1)
    if plain and plain[0].isspace():
        plain = plain.lstrip()
        tokens[i] = ("", "", plain)
    if brace == "{":
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            depth += {"{": 1, "}": -1}.get(tokens[j][1], 0)
            j += 1
        return _convert(tokens[i + 1:j - 1]), j
    if plain:
        return plain[0], i + 1 if len(plain) == 1 else _split_first(tokens, i)
    return _convert([tokens[i]]), i + 1


def _split_first(tokens: list, i: int) -> int:
    """Split a plain run so that only its first character is an argument (``x^2y``: the 2)."""
    command, brace, plain = tokens[i]
    tokens[i] = ("", "", plain[0])
    tokens.insert(i + 1, ("", "", plain[1:]))
    return i + 1


def _script(text: str, table: dict[str, str], mark: str) -> str:
    if text and all(char in table for char in text):
        return "".join(table[char] for char in text)
    plain = len(text) == 1 or (mark == "_" and text.isalnum())
    return mark + (text if plain else f"({text})")


def _convert(tokens: list) -> str:
    out, i = [], 0
    while i < len(tokens):
        command, brace, plain = tokens[i]
        if plain:
            out.append(plain)
            i += 1
        elif brace in ("^", "_"):
            argument, i = _group(tokens, i + 1)
            out.append(_script(argument, _SUPERSCRIPTS if brace == "^" else _SUBSCRIPTS, brace))
        elif brace == "{":
            argument, i = _group(tokens, i)
            out.append(argument)
        elif brace == "}":
            i += 1
        elif command in _FONTS:
            argument, i = _group(tokens, i + 1)
            out.append("".join(_FONTS[command].get(char, char) for char in argument))
        elif command in ("frac", "tfrac", "dfrac"):
            top, i = _group(tokens, i + 1)
            bottom, i = _group(tokens, i)
            wrap = (lambda s: s if len(s) == 1 or s.isalnum() else f"({s})")
            out.append(f"{wrap(top)}/{wrap(bottom)}")
        elif command in _TEXT_COMMANDS:
            argument, i = _group(tokens, i + 1)
            accent = _ACCENTS.get(command)
            out.append(argument + accent if accent and len(argument) == 1 else argument)
        elif command == "sqrt":
            argument, i = _group(tokens, i + 1)
            out.append("√" + (argument if len(argument) == 1 else f"({argument})"))
        else:
            out.append(_COMMANDS.get(command, command))
            i += 1
            if command in _OPENING and i < len(tokens) and tokens[i][2][:1] == " ":
                tokens[i] = ("", "", tokens[i][2][1:])
    return "".join(out)


def latex_to_unicode(latex: str) -> str:
    """LaTeX maths (the content of one ``$...$``) as Unicode text: ``\\mathcal N(0, I_d)`` -> ``𝒩(0, I_d)``."""
    tokens = [match.groups(default="") for match in _TOKEN.finditer(latex)]
    return re.sub(r" {2,}", " ", _convert(tokens)).strip()


_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")


def split_math(text: str) -> list[tuple[bool, str]]:
    """``text`` cut at its ``$...$``: (is_math, piece) pairs, in order."""
    pieces, last = [], 0
    for match in _MATH.finditer(text):
        if match.start() > last:
            pieces.append((False, text[last:match.start()]))
        pieces.append((True, match.group(1)))
        last = match.end()
    if last < len(text):
        pieces.append((False, text[last:]))
    return pieces


def text_with_math(text: str) -> str:
    """A sentence with ``$...$`` maths, as Unicode text for the terminal."""
    return "".join(latex_to_unicode(piece) if is_math else piece.replace(r"\$", "$") for is_math, piece in
                   split_math(text))
