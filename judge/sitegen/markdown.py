"""Markdown to HTML with markdown-it (raw HTML off), math collected first and filled in later.

A question's Markdown is parsed once into a Fragment that remembers which file and line it came
from. The builder gathers every fragment's formulas, renders them all in one KaTeX batch, then
renders each fragment with the results: two passes, so one Node process serves the whole bank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

from judge.sitegen.highlight import highlight
from judge.sitegen.katex import Formula

MATH_TYPES = {"math_inline": False, "math_inline_double": True, "math_block": True}
MathMap = Mapping[tuple[str, bool], str]


@dataclass(frozen=True)
class Fragment:
    """Parsed Markdown plus its origin: ``first_line`` is the file line of the fragment's line 0."""

    tokens: tuple[Token, ...]
    file: str
    first_line: int


def _render_math(self: Any, tokens: Sequence[Token], idx: int, _options: Any, env: Any) -> str:
    token = tokens[idx]
    display = MATH_TYPES[token.type]
    html: str = env["math"][(token.content.strip(), display)]
    # A display formula may scroll sideways on a phone: tabindex lets a keyboard scroll it too.
    if token.type == "math_block":
        return f'<div class="math display" tabindex="0">{html}</div>\n'
    if display:
        return f'<span class="math display" tabindex="0">{html}</span>'
    return f'<span class="math">{html}</span>'


def make_parser() -> MarkdownIt:
    """CommonMark + tables + dollar math; raw HTML is off so a question cannot inject markup."""
    md = MarkdownIt("commonmark", {"html": False, "highlight": highlight})
    md.enable("table")
    md.use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=True,
           double_inline=True)
    for name in MATH_TYPES:
        md.add_render_rule(name, _render_math)
    return md


_MD = make_parser()


@lru_cache(maxsize=8192)
def parse(text: str, file: str, first_line: int) -> Fragment:
    """Parse ``text`` whose first line is line ``first_line`` of ``file``.

    Cached: a page in Chinese that shows a question's English text (not translated yet) parses
    the same text as its English page. Fragments are only read, never changed.
    """
    return Fragment(tuple(_MD.parse(text)), file, first_line)


def formulas(fragment: Fragment) -> list[Formula]:
    """Every formula of the fragment with the file line it sits on."""
    found: list[Formula] = []
    for token in fragment.tokens:
        if token.type in MATH_TYPES and token.map:
            found.append(Formula(token.content.strip(), True, fragment.file,
                                 fragment.first_line + token.map[0]))
        elif token.type == "inline" and token.children:
            start = token.map[0] if token.map else 0
            cursor = 0
            for child in token.children:
                if child.type not in MATH_TYPES:
                    continue
                at = token.content.find(child.content, cursor)
                cursor = max(at, cursor)
                line = fragment.first_line + start + token.content.count("\n", 0, max(at, 0))
                found.append(Formula(child.content.strip(), MATH_TYPES[child.type],
                                     fragment.file, line))
    return found


def render(fragment: Fragment, math: MathMap) -> Markup:
    """HTML for the fragment; ``math`` must hold every formula that ``formulas`` returned."""
    html = _MD.renderer.render(list(fragment.tokens), _MD.options, {"math": math})
    # Code blocks scroll sideways; tabindex makes them keyboard-scrollable (raw HTML is off, so
    # every <pre> here came from a fence).
    return Markup(html.replace("<pre>", '<pre tabindex="0">'))


def list_items(fragment: Fragment) -> list[Fragment]:
    """The items of the fragment's first top-level list, each as its own fragment (for hints)."""
    items: list[Fragment] = []
    depth = 0
    current: list[Token] | None = None
    for token in fragment.tokens:
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                current = []
                continue
        elif token.type == "list_item_close":
            depth -= 1
            if depth == 0 and current is not None:
                items.append(Fragment(tuple(current), fragment.file, fragment.first_line))
                current = None
                continue
        elif token.type in ("bullet_list_close", "ordered_list_close") and depth == 0 and items:
            break
        if current is not None:
            current.append(token)
    return items


# Formulas as search text and snippets: common LaTeX read as Unicode text; a formula still long
# or full of structure after that is shown as an ellipsis.
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "in": "∈", "notin": "∉", "times": "×", "cdot": "·",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "sim": "~", "to": "→", "rightarrow": "→", "leftarrow": "←", "mapsto": "↦", "infty": "∞",
    "nabla": "∇", "partial": "∂", "sum": "Σ", "prod": "Π", "dots": "…", "ldots": "…",
    "cdots": "…", "pm": "±", "propto": "∝", "top": "ᵀ", "|": "‖", "lVert": "‖", "rVert": "‖",
    "lvert": "|", "rvert": "|", "langle": "⟨", "rangle": "⟩", "{": "\u0001", "}": "\u0002",
}
_BLACKBOARD = {"R": "ℝ", "E": "E", "N": "ℕ", "Z": "ℤ"}
_STYLE = re.compile(r"\\(?:mathrm|text|operatorname|mathbf|boldsymbol|mathit|mathsf|mathcal|"
                    r"mathbb|textbf|textit)\s*\{([^{}]*)\}")
_COMMAND = re.compile(r"\\([A-Za-z]+|[|{}])")
READABLE_MAX = 40  # longer formulas are not worth reading as text
_STRUCTURE = re.compile(r"\\(?:frac|dfrac|tfrac|sqrt|begin|end|over|binom|underbrace|overbrace)")


def _script(m: re.Match[str]) -> str:
    """``^{B × C}`` as ``^(B × C)``; one character or a bracketed group needs no brackets."""
    inner = m.group(2)
    plain = len(inner) == 1 or (inner.startswith("(") and inner.endswith(")"))
    return m.group(1) + (inner if plain else f"({inner})")


def readable_math(tex: str) -> str:
    """A formula as plain text (``T > 0``, ``p^T = softmax(t / T)``), or an ellipsis."""
    tex = " ".join(tex.split())
    if _STRUCTURE.search(tex):
        return "\u2026"
    tex = re.sub(r"\\mathbb\s*\{([A-Z])\}", lambda m: _BLACKBOARD.get(m.group(1), m.group(1)), tex)
    for _ in range(3):  # nested styles: \mathbf{\mathrm{x}}
        tex = _STYLE.sub(r"\1", tex)
    tex = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg)\b", "", tex)
    tex = re.sub(r"\\[,;:! ]|\\q?quad\b", " ", tex)
    tex = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1), "\u0000"), tex)
    if "\u0000" in tex:
        return "\u2026"  # a command we cannot read aloud
    tex = re.sub(r"([\^_])\{([^{}]*)\}", _script, tex)
    tex = tex.replace("^ᵀ", "ᵀ").replace("{", "").replace("}", "")
    text = " ".join(tex.replace("\u0001", "{").replace("\u0002", "}").split())
    return text if len(text) <= READABLE_MAX else "\u2026"


def plain_text(fragment: Fragment) -> str:
    """Searchable, readable text: words and inline code; formulas only when they read as text."""
    words: list[str] = []
    for token in fragment.tokens:
        if token.type == "inline" and token.children:
            for c in token.children:
                if c.type in ("text", "code_inline"):
                    words.append(c.content)
                elif c.type in MATH_TYPES:
                    words.append(readable_math(c.content))
        elif token.type in MATH_TYPES:
            words.append(readable_math(token.content))
    return " ".join(" ".join(words).split())
