"""Mistake: each prediction is compared with the target projection of the same view
(p1 with z1, p2 with z2) instead of the other view."""

import math

import torch
import torch.nn.functional as F


def _regression(p, z):
    p = F.normalize(p, dim=1, eps=1e-12)
    z = F.normalize(z.detach(), dim=1, eps=1e-12)
    return 2.0 - 2.0 * (p * z).sum(dim=1)


def byol_loss(p1, p2, z1, z2):
    return (_regression(p1, z1) + _regression(p2, z2)).mean()


def ema_update(target_params, online_params, tau):
    tau = float(tau)
    with torch.no_grad():
        return [tau * xi + (1.0 - tau) * th
                for xi, th in zip(target_params, online_params, strict=True)]


def target_decay(step, total_steps, base_tau):
    return 1.0 - (1.0 - base_tau) * (math.cos(math.pi * step / total_steps) + 1.0) / 2.0
