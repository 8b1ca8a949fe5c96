"""LaTeX maths as Unicode text for the terminal, with pylatexenc doing the symbol work.

pylatexenc turns macros into symbols (``\\mathbb{R}`` is ℝ, ``\\theta`` is θ). Around it we add
what a terminal reader needs: superscripts and subscripts as Unicode script characters where
every character has one (``x^{2}`` is x², ``\\sum_{i=1}`` is ∑ᵢ₌₁), parentheses where a
group has no script form (``\\mathbb{R}^{B \\times C}`` is ℝ^(B × C)), spaces around binary
operators, and fractions with parentheses when a side has more than one term.
"""

from __future__ import annotations

import re
from typing import Any

from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)

_SUP = dict(zip("0123456789+-=()niabcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRTUVW⊤",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵀ", strict=True))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ",
                "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))
_BINARY = {"times": "×", "cdot": "·", "in": "∈", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
           "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼", "to": "→", "rightarrow": "→",
           "leftarrow": "←", "mapsto": "↦", "leftrightarrow": "↔", "mid": "|", "propto": "∝",
           "equiv": "≡", "pm": "±", "circ": "∘", "ll": "≪", "gg": "≫", "subset": "⊂",
           "subseteq": "⊆", "notin": "∉", "Rightarrow": "⇒", "iff": "⇔", "bmod": "mod"}
_WORDS = ("log", "exp", "max", "min", "arg", "cos", "sin", "tanh", "sup", "inf", "Pr", "det",
          "tr", "lim")
_SPACE = re.compile(r"[ \t]{2,}")
_WORD_PAREN = re.compile(rf"\b({'|'.join(_WORDS)}) \(")


def _frac(node: Any, l2tobj: Any) -> str:
    parts = [l2tobj.nodelist_to_text([a]).strip() if a is not None else "" for a in node.nodeargs[-2:]]
    wrapped = [f"({p})" if re.search(r"[\s+\-−·×/]", p) and not p.startswith("(") else p
               for p in parts]
    return "/".join(wrapped)


def _context() -> Any:
    db = get_default_latex_context_db()
    macros = [MacroTextSpec(name, simplify_repl=f" {sym} ") for name, sym in _BINARY.items()]
    macros += [MacroTextSpec(name, simplify_repl=f"{name} ") for name in _WORDS]
    macros += [MacroTextSpec(name, simplify_repl=_frac) for name in ("frac", "tfrac", "dfrac")]
    macros += [MacroTextSpec(name, simplify_repl="") for name in
               ("big", "Big", "bigg", "Bigg", "left", "right", "bigl", "bigr", "Bigl", "Bigr",
                "displaystyle", "limits", "nolimits")]
    macros += [MacroTextSpec("lVert", simplify_repl="‖"), MacroTextSpec("rVert", simplify_repl="‖"),
               MacroTextSpec("|", simplify_repl="‖"), MacroTextSpec("lvert", simplify_repl="|"),
               MacroTextSpec("rvert", simplify_repl="|"), MacroTextSpec("top", simplify_repl="⊤"),
               MacroTextSpec("quad", simplify_repl="  "), MacroTextSpec("qquad", simplify_repl="    "),
               MacroTextSpec(",", simplify_repl=" "), MacroTextSpec(";", simplify_repl=" "),
               MacroTextSpec("!", simplify_repl=""), MacroTextSpec("star", simplify_repl="⋆"),
               MacroTextSpec("ell", simplify_repl="ℓ"), MacroTextSpec("dots", simplify_repl="…"),
               MacroTextSpec("ldots", simplify_repl="…"), MacroTextSpec("cdots", simplify_repl="⋯")]
    db.add_context_category("metajudge-terminal", macros=macros, prepend=True)
    return db


_CONVERTER = LatexNodes2Text(latex_context=_context(), math_mode="text",
                             strict_latex_spaces="based-on-source")


def _script(text: str, table: dict[str, str], mark: str) -> str:
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def _group_end(tex: str, start: int) -> int:
    """Index just past the brace group that opens at ``tex[start] == '{'``."""
    depth = 0
    for i in range(start, len(tex)):
        if tex[i] == "\\":
            continue
        if tex[i] == "{" and (i == 0 or tex[i - 1] != "\\"):
            depth += 1
        elif tex[i] == "}" and tex[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(tex)


_HOLE = 0xE000  # private-use characters stand in for converted scripts while pylatexenc runs


def _scripts(tex: str, holes: list[str]) -> str:
    """Replace ``^{...}``, ``_x`` and the like by placeholders for their scripted text.

    Placeholders, not the text itself: pylatexenc would read ``\\sumᵢ`` as one macro name.
    """
    out: list[str] = []
    i = 0
    while i < len(tex):
        c = tex[i]
        if c == "\\" and i + 1 < len(tex):
            match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            token = match.group(0) if match else c
            out.append(token)
            i += len(token)
            continue
        if c in "^_" and i + 1 < len(tex):
            j = i + 1
            while j < len(tex) and tex[j] == " ":
                j += 1
            if j < len(tex) and tex[j] == "{":
                end = _group_end(tex, j)
                inner = tex[j + 1:end - 1]
            elif j < len(tex) and tex[j] == "\\":
                match = re.match(r"\\([A-Za-z]+|.)", tex[j:])
                inner = match.group(0) if match else tex[j]
                end = j + len(inner)
            else:
                inner, end = tex[j:j + 1], j + 1
            text = latex_to_unicode(inner).replace(" ", "")
            holes.append(_script(text, _SUP if c == "^" else _SUB, c))
            out.append(chr(_HOLE + len(holes) - 1))
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)


def latex_to_unicode(tex: str) -> str:
    """One formula (without its dollars) as Unicode text."""
    holes: list[str] = []
    tex = re.sub(r"\\[td]frac(?![A-Za-z])", r"\\frac", tex)  # pylatexenc parses only \frac's arguments
    try:
        text = _CONVERTER.latex_to_text(_scripts(tex, holes))
    except Exception:  # noqa: BLE001 - a formula pylatexenc cannot parse is shown as written
        return tex
    text = re.sub(r" +(?=[\ue000-\uf8ff])", "", text)  # 'max ₖ' -> 'maxₖ'
    text = _WORD_PAREN.sub(r"\1(", text)  # 'exp (x)' -> 'exp(x)'
    for k, value in enumerate(holes):
        text = text.replace(chr(_HOLE + k), value)
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$", re.S)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def markdown_maths(text: str, escape: bool = False) -> str:
    """Markdown with each ``$...$`` and ``$$...$$`` outside code replaced by Unicode text.

    ``escape``: backslash-escape Markdown's special characters in the converted maths (for a
    Markdown renderer; plain text keeps them as they are).
    """

    def convert(match: re.Match[str]) -> str:
        display, inline = match.group(1), match.group(2)
        value = latex_to_unicode(" ".join((display if display is not None else inline).split()))
        if escape:
            value = _MD_SPECIAL.sub(r"\\\1", value)
        return f"\n    {value}\n" if display is not None and not escape else value

    pieces = _CODE.split(text)
    for k in range(0, len(pieces), 2):  # even pieces are outside code
        pieces[k] = _MATH.sub(convert, pieces[k]).replace("\\$", "$")
    return "".join(pieces)
