"""Mistake: for each positive p the denominator holds p and the negatives only (the other
positives are dropped from it), a different loss from L_out, whose denominator is all of A(i)."""

import torch
import torch.nn.functional as F


def supcon_loss(features, labels, temperature):
    n, v, d = features.shape
    z = F.normalize(features.reshape(n * v, d), dim=1)
    y = labels.repeat_interleave(v)
    eye = torch.eye(n * v, dtype=torch.bool)
    logits = z @ z.t() / temperature
    pos = (y[:, None] == y[None, :]) & ~eye
    neg = y[:, None] != y[None, :]
    n_pos = pos.sum(1)
    has = n_pos > 0
    if not bool(has.any()):
        return features.new_zeros(())
    neg_lse = torch.logsumexp(logits.masked_fill(~neg, float("-inf")), dim=1, keepdim=True)
    log_prob = logits - torch.logaddexp(logits, neg_lse)
    s = torch.where(pos, log_prob, torch.zeros_like(log_prob)).sum(1)
    return (-s[has] / n_pos[has]).mean()
