"""Mistake: log(softmax(x)) instead of log_softmax(x); probabilities underflow to 0 for large
logits and the loss becomes inf or nan."""

import torch
import torch.nn.functional as F


def label_smoothing_ce(logits, targets, eps, ignore_index=-100):
    log_p = torch.log(torch.softmax(logits, dim=-1))
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = -log_p.gather(1, safe.unsqueeze(1)).squeeze(1)
    smooth = -log_p.mean(dim=-1)
    per_example = (1.0 - eps) * nll + eps * smooth
    return per_example[keep].mean()
