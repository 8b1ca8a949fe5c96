"""Mistake: ignored targets are overwritten in place (targets[targets == ignore_index] = 0) to
make gather safe, which silently changes the caller's label tensor."""

import torch
import torch.nn.functional as F


def label_smoothing_ce(logits, targets, eps, ignore_index=-100):
    log_p = F.log_softmax(logits, dim=-1)
    keep = targets != ignore_index
    targets[~keep] = 0
    nll = -log_p.gather(1, targets.unsqueeze(1)).squeeze(1)
    smooth = -log_p.mean(dim=-1)
    per_example = (1.0 - eps) * nll + eps * smooth
    return per_example[keep].mean()
