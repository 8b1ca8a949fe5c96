"""Reference: multi-class (softmax) focal loss of Lin et al. (2017), arXiv:1708.02002, with
per-class weights of the true class and a plain batch mean."""

import torch.nn.functional as F


def focal_loss(logits, labels, gamma=2.0, alpha=None, reduction="mean"):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    log_pt = F.log_softmax(logits, dim=-1).gather(-1, labels[:, None]).squeeze(-1)
    loss = -((1.0 - log_pt.exp()) ** gamma) * log_pt
    if alpha is not None:
        loss = alpha[labels] * loss
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
