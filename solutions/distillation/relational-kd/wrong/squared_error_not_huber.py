"""Mistake: the relational potentials are compared with the squared error (F.mse_loss) instead of
the Huber loss, so large relational differences (outliers) dominate the gradient."""

import torch
import torch.nn.functional as F


def _distances(x):
    n = x.shape[0]
    d = (x.unsqueeze(1) - x.unsqueeze(0)).norm(dim=-1)
    d = d[~torch.eye(n, dtype=torch.bool)]
    return d / d.mean()


def _cosines(x):
    n = x.shape[0]
    e = F.normalize(x.unsqueeze(0) - x.unsqueeze(1), dim=2)
    cos = torch.bmm(e, e.transpose(1, 2))
    idx = torch.arange(n)
    i, j, k = torch.broadcast_tensors(idx.view(1, n, 1), idx.view(n, 1, 1), idx.view(1, 1, n))
    return cos[(i != j) & (k != j) & (i != k)]


def rkd_distance_loss(student, teacher):
    return F.mse_loss(_distances(student), _distances(teacher.detach()))


def rkd_angle_loss(student, teacher):
    return F.mse_loss(_cosines(student), _cosines(teacher.detach()))


def rkd_loss(student, teacher, lambda_d=1.0, lambda_a=2.0):
    return lambda_d * rkd_distance_loss(student, teacher) + lambda_a * rkd_angle_loss(student, teacher)
