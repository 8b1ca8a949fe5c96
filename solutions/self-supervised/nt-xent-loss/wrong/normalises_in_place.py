"""Mistake: the inputs are normalised in place (`z /= z.norm(...)`), which silently rescales the
caller's tensors (and breaks autograd when they are leaves that require grad)."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1, z2, temperature):
    n = z1.shape[0]
    with torch.no_grad():
        z1 /= z1.norm(dim=1, keepdim=True)
        z2 /= z2.norm(dim=1, keepdim=True)
    u = torch.cat([z1, z2], dim=0)
    logits = (u @ u.T) / temperature
    logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = (torch.arange(2 * n) + n) % (2 * n)
    return F.cross_entropy(logits, targets)
