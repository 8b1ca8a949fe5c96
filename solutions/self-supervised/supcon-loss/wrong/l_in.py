"""Mistake: the L_in form: the average over positives is taken inside the log (log of the mean
probability of the positives) instead of averaging their log-probabilities."""

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
    n_pos = pos.sum(1)
    has = n_pos > 0
    if not bool(has.any()):
        return features.new_zeros(())
    log_sum_pos = torch.logsumexp(log_prob.masked_fill(~pos, float("-inf")), dim=1)
    return (-(log_sum_pos[has] - torch.log(n_pos[has].to(features.dtype)))).mean()
