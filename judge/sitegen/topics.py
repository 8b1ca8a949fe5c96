"""Readable names and one-line descriptions for the topics of the bundled bank.

A topic is a folder name (a slug). The cards on the index page show a name and a sentence; a
topic this table does not know gets its slug turned into words and no sentence, so any bank
still builds. Topics are listed in a learning order: known topics first, then the rest by name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicInfo:
    slug: str
    name: str
    blurb: str = ""


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
_BY_SLUG = {t.slug: t for t in _KNOWN}


def topic_info(slug: str) -> TopicInfo:
    """The name and sentence of a topic; an unknown slug becomes capitalised words."""
    known = _BY_SLUG.get(slug)
    if known:
        return known
    words = slug.replace("-", " ").replace("_", " ").strip() or slug
    return TopicInfo(slug, words[:1].upper() + words[1:])


def ordered(slugs: set[str] | list[str]) -> list[str]:
    """Known topics in learning order, then unknown ones alphabetically."""
    known = [t.slug for t in _KNOWN if t.slug in slugs]
    return known + sorted(s for s in set(slugs) if s not in _BY_SLUG)
