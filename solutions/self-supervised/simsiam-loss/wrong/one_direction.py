"""Mistake: the loss is not symmetrised: only D(p1, stopgrad(z2)) is used, so view 2 never
predicts view 1."""

import torch
import torch.nn.functional as F


def _neg_cos(p, z):
    p = F.normalize(p, dim=1, eps=1e-12)
    z = F.normalize(z.detach(), dim=1, eps=1e-12)
    return -(p * z).sum(dim=1).mean()


def simsiam_loss(p1, p2, z1, z2):
    return _neg_cos(p1, z2)
