"""Mistake: ignored rows are zeroed but the mean still divides by all N rows."""

import torch
import torch.nn.functional as F


def label_smoothing_ce(logits, targets, eps, ignore_index=-100):
    log_p = F.log_softmax(logits, dim=-1)
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = -log_p.gather(1, safe.unsqueeze(1)).squeeze(1)
    smooth = -log_p.mean(dim=-1)
    per_example = ((1.0 - eps) * nll + eps * smooth) * keep.to(logits.dtype)
    return per_example.mean()
