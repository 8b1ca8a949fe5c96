"""Mistake: log p is taken as torch.log(softmax(z)); when the true class is far below another its
probability underflows to 0 and the loss becomes infinite."""

import torch


def focal_loss(logits, labels, gamma=2.0, alpha=None, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    pt = torch.softmax(logits, dim=-1).gather(-1, labels[:, None]).squeeze(-1)
    loss = -((1.0 - pt) ** gamma) * torch.log(pt)
    if alpha is not None:
        loss = alpha[labels] * loss
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
