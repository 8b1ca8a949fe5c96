"""Mistake: raw dot products are used instead of cosine similarities (the embeddings are never
L2-normalised)."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1, z2, temperature):
    n = z1.shape[0]
    u = torch.cat([z1, z2], dim=0)
    logits = (u @ u.T) / temperature
    logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = (torch.arange(2 * n) + n) % (2 * n)
    return F.cross_entropy(logits, targets)
