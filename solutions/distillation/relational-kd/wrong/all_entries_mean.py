"""Mistake: averages the Huber loss over the whole B x B distance matrix and the whole B x B x B
cosine tensor, so the zero diagonal and the degenerate triplets (i = j, j = k or i = k) dilute
the loss, instead of averaging over distinct pairs and distinct triplets only."""

import torch
import torch.nn.functional as F


def _distances(x):
    d = (x.unsqueeze(1) - x.unsqueeze(0)).norm(dim=-1)
    return d / d[d > 0].mean()


def _cosines(x):
    e = F.normalize(x.unsqueeze(0) - x.unsqueeze(1), dim=2)
    return torch.bmm(e, e.transpose(1, 2)).reshape(-1)


def rkd_distance_loss(student, teacher):
    return F.smooth_l1_loss(_distances(student), _distances(teacher.detach()))


def rkd_angle_loss(student, teacher):
    return F.smooth_l1_loss(_cosines(student), _cosines(teacher.detach()))


def rkd_loss(student, teacher, lambda_d=1.0, lambda_a=2.0):
    return lambda_d * rkd_distance_loss(student, teacher) + lambda_a * rkd_angle_loss(student, teacher)
