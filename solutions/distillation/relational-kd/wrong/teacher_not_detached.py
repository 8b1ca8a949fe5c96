"""Mistake: the teacher's embeddings are not detached, so the relational loss also sends gradients
into the teacher."""

import torch
import torch.nn.functional as F

EPS = 1e-12


def _off_diagonal(n, device):
    return ~torch.eye(n, dtype=torch.bool, device=device)


def _normalised_distances(x):
    n = x.shape[0]
    diff = x.unsqueeze(1) - x.unsqueeze(0)                     # (n, n, d): x_i - x_j
    d = diff.norm(dim=-1)                                       # norm has a zero subgradient at 0
    mask = _off_diagonal(n, x.device)
    return d[mask] / d[mask].mean().clamp_min(EPS)              # values for ordered pairs i != j


def _cosines(x):
    n = x.shape[0]
    e = F.normalize(x.unsqueeze(0) - x.unsqueeze(1), p=2, dim=2, eps=EPS)   # e[j, i] = unit(x_i - x_j)
    cos = torch.bmm(e, e.transpose(1, 2))                       # cos[j, i, k] = <e_ij, e_kj>
    idx = torch.arange(n, device=x.device)
    i, j, k = idx.view(1, n, 1), idx.view(n, 1, 1), idx.view(1, 1, n)
    i, j, k = torch.broadcast_tensors(i, j, k)
    mask = (i != j) & (k != j) & (i != k)
    return cos[mask]


def rkd_distance_loss(student, teacher):
    return F.smooth_l1_loss(_normalised_distances(student),
                            _normalised_distances(teacher), beta=1.0)


def rkd_angle_loss(student, teacher):
    return F.smooth_l1_loss(_cosines(student), _cosines(teacher), beta=1.0)


def rkd_loss(student, teacher, lambda_d=1.0, lambda_a=2.0):
    return lambda_d * rkd_distance_loss(student, teacher) + lambda_a * rkd_angle_loss(student, teacher)
