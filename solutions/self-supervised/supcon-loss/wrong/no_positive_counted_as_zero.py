"""Mistake: anchors without a positive count as zero in the mean (the count of positives is
clamped to 1), instead of being left out of it."""

import torch
import torch.nn.functional as F


def supcon_loss(features, labels, temperature):
    n, v, d = features.shape
    z = F.normalize(features.reshape(n * v, d), dim=1)
    y = labels.repeat_interleave(v)
    eye = torch.eye(n * v, dtype=torch.bool)
    logits = (z @ z.t() / temperature).masked_fill(eye, float("-inf"))
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~eye
    n_pos = pos.sum(1).clamp_min(1)
    s = torch.where(pos, log_prob, torch.zeros_like(log_prob)).sum(1)
    return (-s / n_pos).mean()
