"""Mistake: the smoothing term sums -log p_c over the classes instead of averaging it
(eps applied to every class rather than eps / K)."""

import torch
import torch.nn.functional as F


def label_smoothing_ce(logits, targets, eps, ignore_index=-100):
    log_p = F.log_softmax(logits, dim=-1)
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = -log_p.gather(1, safe.unsqueeze(1)).squeeze(1)
    smooth = -log_p.sum(dim=-1)
    per_example = (1.0 - eps) * nll + eps * smooth
    return per_example[keep].mean()
