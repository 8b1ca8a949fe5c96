"""Terminal rendering: maths as Unicode, Markdown through rich on a terminal, plain text elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.practice.maths import _MATH, latex_to_unicode, markdown_maths
from judge.practice.render import formatted, plain, question_blocks

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("tex, text", [
    (r"\mathbb{R}^{B \times C}", "ℝ^(B × C)"),
    (r"\tau^2", "τ²"),
    (r"\sum_{i=1}^{N} x_i", "∑ᵢ₌₁ᴺ xᵢ"),
    (r"\frac{a+b}{c}", "(a+b)/c"),
    (r"\tfrac12", "1/2"),
    (r"x \in \{0,1\}^n", "x ∈ {0,1}ⁿ"),
    (r"\lVert x \rVert_2^2", "‖ x ‖₂²"),
    (r"\mathbf{z}_i^\top \mathbf{z}_j", "𝐳ᵢᵀ 𝐳ⱼ"),
    (r"\arg\max_k p_k", "arg maxₖ pₖ"),
    (r"\mathcal{L}_{\text{meta}}(\theta)", "ℒₘₑₜₐ(θ)"),
    (r"\exp(z_i / T)", "exp(zᵢ / T)"),
])
def test_formulas_become_unicode(tex: str, text: str) -> None:
    assert latex_to_unicode(tex).replace(" ", "") == text.replace(" ", "")


def test_markdown_maths_leaves_code_and_escaped_dollars_alone() -> None:
    md = "Logits $z \\in \\mathbb{R}^K$ cost \\$5; `$x$` stays.\n\n```\na = '$y$'\n```\n$$\\alpha\n+ \\beta$$"
    out = markdown_maths(md)
    assert "z ∈ ℝᴷ" in out and "cost $5" in out and "`$x$`" in out and "a = '$y$'" in out
    assert "    α + β" in out  # display maths on its own indented line
    assert markdown_maths("$a_b * c$", escape=True) == "a\\_b \\* c"  # safe inside Markdown


def test_every_formula_of_the_bank_converts() -> None:
    formulas = []
    for md in sorted(ROOT.glob("questions/*/*/question.md")):
        formulas += [m.group(1) or m.group(2) for m in _MATH.finditer(md.read_text())]
    assert len(formulas) > 1000
    left = [f for f in formulas if "\\" in latex_to_unicode(" ".join(f.split()))]
    assert left == [], f"{len(left)} formulas keep a backslash, e.g. {left[:3]}"


def test_plain_and_formatted_views_of_a_question() -> None:
    bank = load_bank(ROOT)
    blocks = question_blocks(bank.questions["distillation-loss"], hints=1, solution=True)
    text = plain(blocks)
    assert "\x1b[" not in text and "ℝ^(B×C)" in text and "$" not in text.split("Reference")[0]
    assert "Hints (1 of 4)" in text and "Reference solution" in text
    styled = formatted(blocks, width=100)
    assert "\x1b[" in styled  # ANSI styles for a terminal
    bare = re.sub(r"\x1b\[[0-9;]*m", "", styled)
    assert "Hinton knowledge-distillation loss" in bare and "ℝ^(B×C)" in bare
    assert "**" not in bare.split("Reference")[0]  # Markdown emphasis is rendered, not shown
    assert "def distillation_loss" in bare
