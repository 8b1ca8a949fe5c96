"""Mistake: the logits are cast with .float() before the loss, so float64 inputs give a float32
result (and lose precision)."""

import torch.nn.functional as F


def focal_loss(logits, labels, gamma=2.0, alpha=None, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    log_pt = F.log_softmax(logits.float(), dim=-1).gather(-1, labels[:, None]).squeeze(-1)
    loss = -((1.0 - log_pt.exp()) ** gamma) * log_pt
    if alpha is not None:
        loss = alpha.float()[labels] * loss
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
