"""Mistake: the anchor's similarity with itself (1/tau) stays in the denominator: the softmax
runs over all M vectors instead of A(i)."""

import torch
import torch.nn.functional as F


def supcon_loss(features, labels, temperature):
    n, v, d = features.shape
    z = F.normalize(features.reshape(n * v, d), dim=1)
    y = labels.repeat_interleave(v)
    eye = torch.eye(n * v, dtype=torch.bool)
    logits = z @ z.t() / temperature
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~eye
    n_pos = pos.sum(1)
    has = n_pos > 0
    if not bool(has.any()):
        return features.new_zeros(())
    s = torch.where(pos, log_prob, torch.zeros_like(log_prob)).sum(1)
    return (-s[has] / n_pos[has]).mean()
