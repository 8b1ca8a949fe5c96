"""Mistake: the RetinaNet form, a sigmoid focal loss per class against one-hot targets summed over
the classes, where the task asks for the softmax (multi-class) focal loss."""

import torch
import torch.nn.functional as F


def focal_loss(logits, labels, gamma=2.0, alpha=None, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    target = F.one_hot(labels, logits.shape[-1]).to(logits.dtype)
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    pt = p * target + (1.0 - p) * (1.0 - target)
    loss = ((1.0 - pt) ** gamma * ce)
    if alpha is not None:
        loss = loss * alpha
    loss = loss.sum(-1)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
