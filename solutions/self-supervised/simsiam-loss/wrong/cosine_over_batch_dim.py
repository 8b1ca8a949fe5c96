"""Mistake: F.cosine_similarity with dim=0, so each cosine is taken down a feature column across
the batch instead of along each row's features."""

import torch
import torch.nn.functional as F


def _neg_cos(p, z):
    return -F.cosine_similarity(p, z.detach(), dim=0).mean()


def simsiam_loss(p1, p2, z1, z2):
    return 0.5 * _neg_cos(p1, z2) + 0.5 * _neg_cos(p2, z1)
