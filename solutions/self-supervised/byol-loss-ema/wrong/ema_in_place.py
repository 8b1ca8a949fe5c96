"""Mistake: the EMA is applied in place to the target tensors passed in (as training code that
owns the target network would do), so this pure function changes its inputs."""

import math

import torch
import torch.nn.functional as F


def _regression(p, z):
    p = F.normalize(p, dim=1, eps=1e-12)
    z = F.normalize(z.detach(), dim=1, eps=1e-12)
    return 2.0 - 2.0 * (p * z).sum(dim=1)


def byol_loss(p1, p2, z1, z2):
    return (_regression(p1, z2) + _regression(p2, z1)).mean()


def ema_update(target_params, online_params, tau):
    tau = float(tau)
    with torch.no_grad():
        return [xi.mul_(tau).add_(th, alpha=1.0 - tau)
                for xi, th in zip(target_params, online_params, strict=True)]


def target_decay(step, total_steps, base_tau):
    return 1.0 - (1.0 - base_tau) * (math.cos(math.pi * step / total_steps) + 1.0) / 2.0
