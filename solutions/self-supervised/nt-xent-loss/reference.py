"""Reference: SimCLR NT-Xent loss, Chen et al. (2020), arXiv:2002.05709, Algorithm 1."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1: torch.Tensor, z2: torch.Tensor, temperature: float) -> torch.Tensor:
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2], dim=0), dim=1, eps=1e-12)
    logits = (u @ u.T) / float(temperature)
    self_mask = torch.eye(2 * n, dtype=torch.bool, device=u.device)
    logits = logits.masked_fill(self_mask, float("-inf"))
    targets = (torch.arange(2 * n, device=u.device) + n) % (2 * n)
    return F.cross_entropy(logits, targets)
