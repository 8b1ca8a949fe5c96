"""Mistake: squared distances come from the expansion ||a||^2 + ||b||^2 - 2 a.b, which cancels catastrophically in float32 for points far from the origin."""

import torch


def _sq_dists(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    sq_a = a.pow(2).sum(-1, keepdim=True)
    sq_b = b.pow(2).sum(-1, keepdim=True)
    return (sq_a + sq_b.T - 2.0 * a @ b.T).clamp_min(0.0)


def _kernel(a: torch.Tensor, b: torch.Tensor, sigmas) -> torch.Tensor:
    d2 = _sq_dists(a, b)
    return sum(torch.exp(-d2 / (2.0 * float(s) ** 2)) for s in sigmas)


def mmd2(x: torch.Tensor, y: torch.Tensor, sigmas) -> torch.Tensor:
    k_xx = _kernel(x, x, sigmas).mean()
    k_yy = _kernel(y, y, sigmas).mean()
    k_xy = _kernel(x, y, sigmas).mean()
    return k_xx + k_yy - 2.0 * k_xy
