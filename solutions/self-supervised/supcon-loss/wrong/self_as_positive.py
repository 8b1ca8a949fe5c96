"""Mistake: the positive mask is "same label" without removing the diagonal, so the anchor
counts as its own positive (its term is log(exp(1/tau) / denominator))."""

import torch
import torch.nn.functional as F


def supcon_loss(features, labels, temperature):
    n, v, d = features.shape
    z = F.normalize(features.reshape(n * v, d), dim=1)
    y = labels.repeat_interleave(v)
    eye = torch.eye(n * v, dtype=torch.bool)
    raw = z @ z.t() / temperature
    log_den = torch.logsumexp(raw.masked_fill(eye, float("-inf")), dim=1, keepdim=True)
    log_prob = raw - log_den
    pos = y[:, None] == y[None, :]
    n_pos = pos.sum(1)
    has = (pos & ~eye).sum(1) > 0
    if not bool(has.any()):
        return features.new_zeros(())
    s = torch.where(pos, log_prob, torch.zeros_like(log_prob)).sum(1)
    return (-s[has] / n_pos[has]).mean()
