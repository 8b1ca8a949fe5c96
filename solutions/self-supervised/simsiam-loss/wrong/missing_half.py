"""Mistake: the two terms are added without the factor 1/2, so the loss lies in [-2, 2]."""

import torch
import torch.nn.functional as F


def _neg_cos(p, z):
    p = F.normalize(p, dim=1, eps=1e-12)
    z = F.normalize(z.detach(), dim=1, eps=1e-12)
    return -(p * z).sum(dim=1).mean()


def simsiam_loss(p1, p2, z1, z2):
    return _neg_cos(p1, z2) + _neg_cos(p2, z1)
