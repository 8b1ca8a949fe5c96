"""Mistake: the modulating factor (1 - p) ** gamma is detached, treated as a per-example weight; the
value is right but the gradient ignores how the factor changes with the logits."""

import torch.nn.functional as F


def focal_loss(logits, labels, gamma=2.0, alpha=None, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    log_pt = F.log_softmax(logits, dim=-1).gather(-1, labels[:, None]).squeeze(-1)
    factor = ((1.0 - log_pt.exp()) ** gamma).detach()
    loss = -factor * log_pt
    if alpha is not None:
        loss = alpha[labels] * loss
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
