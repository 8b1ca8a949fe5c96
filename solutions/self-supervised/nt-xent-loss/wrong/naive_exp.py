"""Mistake: the softmax is written as log(exp(pos) / sum(exp(...))) without subtracting the
maximum, which overflows to inf/inf = NaN when 1/tau is large (tau = 0.01 gives e^100)."""

import torch
import torch.nn.functional as F


def nt_xent_loss(z1, z2, temperature):
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    e = torch.exp((u @ u.T) / temperature)
    e = e * (1.0 - torch.eye(2 * n, dtype=e.dtype))
    pos = torch.cat([torch.diagonal(e, n), torch.diagonal(e, -n)])
    return -torch.log(pos / e.sum(dim=1)).mean()
