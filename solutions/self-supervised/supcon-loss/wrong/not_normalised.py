"""Mistake: the vectors are not L2-normalised, so raw dot products replace cosine similarities."""

import torch


def supcon_loss(features, labels, temperature):
    n, v, d = features.shape
    z = features.reshape(n * v, d)
    y = labels.repeat_interleave(v)
    eye = torch.eye(n * v, dtype=torch.bool)
    logits = (z @ z.t() / temperature).masked_fill(eye, float("-inf"))
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~eye
    n_pos = pos.sum(1)
    has = n_pos > 0
    if not bool(has.any()):
        return features.new_zeros(())
    s = torch.where(pos, log_prob, torch.zeros_like(log_prob)).sum(1)
    return (-s[has] / n_pos[has]).mean()
