"""Mistake: exp of the raw similarities, then sum and log: exp(z.z/tau) overflows float32 once
1/tau exceeds about 88, and the loss becomes NaN or infinite."""

import torch
import torch.nn.functional as F


def supcon_loss(features, labels, temperature):
    n, v, d = features.shape
    z = F.normalize(features.reshape(n * v, d), dim=1)
    y = labels.repeat_interleave(v)
    eye = torch.eye(n * v, dtype=torch.bool)
    sim = z @ z.t() / temperature
    exp = torch.exp(sim) * (~eye)
    log_prob = sim - torch.log(exp.sum(1, keepdim=True))
    pos = (y[:, None] == y[None, :]) & ~eye
    n_pos = pos.sum(1)
    has = n_pos > 0
    if not bool(has.any()):
        return features.new_zeros(())
    s = (pos * log_prob).sum(1)
    return (-s[has] / n_pos[has]).mean()
