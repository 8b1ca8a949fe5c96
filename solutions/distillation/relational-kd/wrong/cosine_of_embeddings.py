"""Mistake: the angle-wise potential uses the cosine similarity between pairs of embeddings, not
the cosine of the angle at x_j between the difference vectors x_i - x_j and x_k - x_j."""

import torch
import torch.nn.functional as F


def _distances(x):
    n = x.shape[0]
    d = (x.unsqueeze(1) - x.unsqueeze(0)).norm(dim=-1)
    d = d[~torch.eye(n, dtype=torch.bool)]
    return d / d.mean()


def _cosines(x):
    n = x.shape[0]
    e = F.normalize(x, dim=1)
    return (e @ e.T)[~torch.eye(n, dtype=torch.bool)]


def rkd_distance_loss(student, teacher):
    return F.smooth_l1_loss(_distances(student), _distances(teacher.detach()))


def rkd_angle_loss(student, teacher):
    return F.smooth_l1_loss(_cosines(student), _cosines(teacher.detach()))


def rkd_loss(student, teacher, lambda_d=1.0, lambda_a=2.0):
    return lambda_d * rkd_distance_loss(student, teacher) + lambda_a * rkd_angle_loss(student, teacher)
