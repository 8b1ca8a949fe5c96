"""Mistake: only the N views of z1 are used as anchors (half the loss terms), so the loss is
not symmetric in the two views."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1, z2, temperature):
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    logits = (u[:n] @ u.T) / temperature                      # (N, 2N): anchors from z1 only
    logits = logits.masked_fill(torch.eye(n, 2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.arange(n) + n
    return F.cross_entropy(logits, targets)
