"""Mistake: the dense target is built with one_hot on the raw targets, and the ignore marker is
clamped into range instead of being dropped, so ignored rows are trained towards class 0."""

import torch
import torch.nn.functional as F


def label_smoothing_ce(logits, targets, eps, ignore_index=-100):
    K = logits.shape[-1]
    log_p = F.log_softmax(logits, dim=-1)
    q = (1.0 - eps) * F.one_hot(targets.clamp(0, K - 1), K).to(logits.dtype) + eps / K
    return -(q * log_p).sum(dim=-1).mean()
