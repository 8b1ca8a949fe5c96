"""Mistake: the class weights go through F.nll_loss(weight=alpha), whose mean divides by the sum
of the weights of the true classes instead of by the batch size."""

import torch.nn.functional as F


def focal_loss(logits, labels, gamma=2.0, alpha=None, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"unknown reduction {reduction!r}")
    log_p = F.log_softmax(logits, dim=-1)
    modulated = (1.0 - log_p.exp()) ** gamma * log_p
    return F.nll_loss(modulated, labels, weight=alpha, reduction=reduction)
