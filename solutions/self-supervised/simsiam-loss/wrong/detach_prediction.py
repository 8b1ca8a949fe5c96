"""Mistake: the stop-gradient is put on the prediction p instead of on z, so the predictor gets
no gradient and the target branch is the one trained."""

import torch
import torch.nn.functional as F


def _neg_cos(p, z):
    p = F.normalize(p.detach(), dim=1, eps=1e-12)
    z = F.normalize(z, dim=1, eps=1e-12)
    return -(p * z).sum(dim=1).mean()


def simsiam_loss(p1, p2, z1, z2):
    return 0.5 * _neg_cos(p1, z2) + 0.5 * _neg_cos(p2, z1)
