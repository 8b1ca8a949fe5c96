"""Mistake: the views are concatenated as [z1; z2] but the positive indices assume an
interleaved layout [z1_0, z2_0, z1_1, z2_1, ...] (target i XOR 1), so the wrong rows are
treated as positives."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1, z2, temperature):
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    logits = (u @ u.T) / temperature
    logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.arange(2 * n) ^ 1
    return F.cross_entropy(logits, targets)
