"""Mistake: eps is spread over the K-1 wrong classes only (q = 1-eps on the true class,
eps/(K-1) elsewhere) instead of eps/K over all K classes."""

import torch
import torch.nn.functional as F


def label_smoothing_ce(logits, targets, eps, ignore_index=-100):
    K = logits.shape[-1]
    log_p = F.log_softmax(logits, dim=-1)
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    q = torch.full_like(log_p, eps / (K - 1))
    q.scatter_(1, safe.unsqueeze(1), 1.0 - eps)
    per_example = -(q * log_p).sum(dim=-1)
    return per_example[keep].mean()
