"""Mistake: the self-similarity (diagonal) is not masked, so each anchor's denominator includes
itself with the largest logit 1/tau."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1, z2, temperature):
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    logits = (u @ u.T) / temperature
    targets = (torch.arange(2 * n) + n) % (2 * n)
    return F.cross_entropy(logits, targets)
