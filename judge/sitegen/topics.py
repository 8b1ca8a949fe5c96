"""Readable names and one-line descriptions for the topics of the bundled bank, in English and
Chinese.

A topic is a folder name (a slug). The cards on the index page show a name and a sentence; a
topic this table does not know gets its slug turned into words and no sentence (English on a
Chinese page too), so any bank still builds. Topics are listed in a learning order: known topics
first, then the rest by name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicInfo:
    slug: str
    name: str
    blurb: str = ""
    lang: str = "en"  # the language name and blurb are written in


_KNOWN = (
    TopicInfo("foundations", "Foundations of meta-learning",
              "What meta-learning is, how it is evaluated, and where it is used."),
    TopicInfo("optimization-meta-learning", "Optimisation-based meta-learning",
              "MAML and its relatives: inner loops, meta-gradients, first-order shortcuts."),
    TopicInfo("metric-meta-learning", "Metric-based meta-learning",
              "Prototypical, matching and relation networks for few-shot learning."),
    TopicInfo("meta-gradients", "Meta-gradients and hyperparameters",
              "Learning learning rates, discounts and optimisers by differentiating through training."),
    TopicInfo("distillation", "Knowledge distillation",
              "Teachers, students, temperatures and what transfers between them."),
    TopicInfo("transfer", "Transfer learning",
              "Fine-tuning, frozen backbones, adapters and domain adaptation."),
    TopicInfo("self-supervised", "Self-supervised learning",
              "Contrastive, non-contrastive and masked objectives, and how they avoid collapse."),
    TopicInfo("calibration", "Calibration",
              "When a model's confidence can be trusted: ECE, temperature scaling, label smoothing."),
)
_KNOWN_ZH = (
    TopicInfo("foundations", "元学习基础", "元学习是什么、如何评估、用在哪里。", "zh"),
    TopicInfo("optimization-meta-learning", "基于优化的元学习",
              "MAML 及其变体：内循环、元梯度与一阶近似。", "zh"),
    TopicInfo("metric-meta-learning", "基于度量的元学习",
              "用于小样本学习的原型网络、匹配网络与关系网络。", "zh"),
    TopicInfo("meta-gradients", "元梯度与超参数",
              "对训练过程求导，从而学习学习率、折扣因子和优化器。", "zh"),
    TopicInfo("distillation", "知识蒸馏", "教师、学生、温度，以及两者之间传递了什么。", "zh"),
    TopicInfo("transfer", "迁移学习", "微调、冻结的主干网络、适配器与领域自适应。", "zh"),
    TopicInfo("self-supervised", "自监督学习",
              "对比式、非对比式与掩码目标，以及它们如何避免坍塌。", "zh"),
    TopicInfo("calibration", "校准", "模型的置信度何时可信：ECE、温度缩放、标签平滑。", "zh"),
)
_BY_SLUG = {t.slug: t for t in _KNOWN}
_BY_LANG = {"en": _BY_SLUG, "zh": {t.slug: t for t in _KNOWN_ZH}}


def topic_info(slug: str, lang: str = "en") -> TopicInfo:
    """The name and sentence of a topic in ``lang``; an unknown slug becomes capitalised words."""
    known = _BY_LANG.get(lang, _BY_SLUG).get(slug)
    if known:
        return known
    words = slug.replace("-", " ").replace("_", " ").strip() or slug
    return TopicInfo(slug, words[:1].upper() + words[1:])


def ordered(slugs: set[str] | list[str]) -> list[str]:
    """Known topics in learning order, then unknown ones alphabetically."""
    known = [t.slug for t in _KNOWN if t.slug in slugs]
    return known + sorted(s for s in set(slugs) if s not in _BY_SLUG)
