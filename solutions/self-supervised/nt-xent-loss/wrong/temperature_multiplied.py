"""Mistake: the similarities are multiplied by the temperature instead of divided by it."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1, z2, temperature):
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    logits = (u @ u.T) * temperature
    logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = (torch.arange(2 * n) + n) % (2 * n)
    return F.cross_entropy(logits, targets)
