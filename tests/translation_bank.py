"""A small bank with a glossary and Chinese translations, built by code for the translation tests.

``make_bank(root)`` writes two concept questions (one with a good Chinese file, one without) and
a glossary; the tests then break the Chinese file in one way each.
"""

from __future__ import annotations

from pathlib import Path

GLOSSARY = """\
# Glossary

| English | 中文 | check | avoid | notes |
|---|---|---|---|---|
| knowledge distillation | 知识蒸馏 | yes | 知识提炼 | |
| distillation | 蒸馏 | yes | | |
| teacher | 教师 | yes | 老师 | |
| temperature | 温度 | yes | | |
| soft targets | 软目标 | yes | | |
| episode | 情景 | | | two senses |
"""

QUESTION = """\
---
id: kd-basics
title: Knowledge distillation with a temperature
kind: concept
topic: distillation
tags: [knowledge-distillation]
difficulty: easy
references:
  - authors: Geoffrey Hinton, Oriol Vinyals, Jeff Dean
    year: 2015
    title: Distilling the Knowledge in a Neural Network
    arxiv: "1503.02531"
choices:
  - text: "It divides the logits by $T$ before `softmax`."
    correct: true
    why: "Softening raises the small probabilities."
  - text: "It multiplies the labels by $T$."
    correct: false
    why: "Labels are not scaled."
  - text: "It changes nothing."
    correct: false
    why: "The distribution gets flatter."
---

## Problem

In knowledge distillation, what does the temperature $T$ do to the teacher's soft targets
$p = \\mathrm{softmax}(z / T)$? Use `F.softmax` in your sketch.

## Answer

Dividing by $T > 1$ flattens the teacher's distribution, so that the student sees
$\\text{small but informative}$ probabilities:

$$
\\mathcal{L}_{\\text{soft}} = T^2 \\, \\mathrm{KL}(p \\,\\|\\, q)
$$

```python
p = F.softmax(z / T, dim=-1)  # teacher probabilities
```

## Hints

1. Look at what $T \\to \\infty$ does.
2. Compare with $T = 1$.

## Key points

- The temperature flattens the distribution.
- Multiply the soft term by $T^2$.

## Common mistakes

- Applying the temperature only to the student.

## Follow-ups

- Why $T^2$?
- What happens with $T < 1$?
"""

TRANSLATION = """\
---
title: 带温度的知识蒸馏
choices:
  - text: "在`softmax`之前把logits除以$T$。"
    why: "软化会抬高较小的概率。"
  - text: "把标签乘以$T$。"
    why: "标签不会被缩放。"
  - text: "什么都不改变。"
    why: "分布会变得更平。"
---

## Problem

在知识蒸馏中，温度$T$对教师的软目标$p = \\mathrm{softmax}(z / T)$起什么作用？
草稿中请使用`F.softmax`。

## Answer

除以$T > 1$会让教师的分布变平，学生因此能看到$\\text{较小但有信息量}$的概率：

$$
\\mathcal{L}_{\\text{soft}} = T^2 \\, \\mathrm{KL}(p \\,\\|\\, q)
$$

```python
p = F.softmax(z / T, dim=-1)  # teacher probabilities
```

## Hints

1. 看看$T \\to \\infty$时会发生什么。
2. 与$T = 1$比较。

## Key points

- 温度会让分布变平。
- 软目标项要乘以$T^2$。

## Common mistakes

- 只对学生使用温度。

## Follow-ups

- 为什么是$T^2$？
- $T < 1$时会怎样？
"""

PLAIN = """\
---
id: plain
title: An untranslated question
kind: concept
topic: foundations
tags: [meta-learning]
difficulty: easy
references:
  - authors: Chelsea Finn, Pieter Abbeel, Sergey Levine
    year: 2017
    title: Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks
    arxiv: "1703.03400"
---

## Problem

What is an episode?

## Answer

A small task sampled for training.

## Key points

- Support set.
- Query set.

## Common mistakes

- Confusing it with an epoch.

## Follow-ups

- How many ways?
- How many shots?
"""

KD_DIR = Path("questions/distillation/kd-basics")
ZH = KD_DIR / "question.zh.md"
EN = KD_DIR / "question.md"


def make_bank(root: Path, translation: str = TRANSLATION) -> Path:
    """Write the bank under ``root`` and return ``root``."""
    for rel, text in ((Path("docs/glossary.md"), GLOSSARY), (EN, QUESTION),
                      (Path("questions/foundations/plain/question.md"), PLAIN), (ZH, translation)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "solutions").mkdir(exist_ok=True)
    return root


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in the text")
