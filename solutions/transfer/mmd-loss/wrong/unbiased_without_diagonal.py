"""Mistake: the within-sample means skip the diagonal (the unbiased U-statistic) while the task asks for the biased V-statistic; the estimate can go negative and is not 0 for identical samples."""

import torch


def _sq_dists(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    diff = a.unsqueeze(1) - b.unsqueeze(0)          # (m, n, d): exact, translation invariant
    return diff.pow(2).sum(-1)


def _kernel(a: torch.Tensor, b: torch.Tensor, sigmas) -> torch.Tensor:
    d2 = _sq_dists(a, b)
    return sum(torch.exp(-d2 / (2.0 * float(s) ** 2)) for s in sigmas)


def mmd2(x: torch.Tensor, y: torch.Tensor, sigmas) -> torch.Tensor:
    m, n = x.shape[0], y.shape[0]
    kx, ky = _kernel(x, x, sigmas), _kernel(y, y, sigmas)
    k_xx = (kx.sum() - kx.diagonal().sum()) / max(m * (m - 1), 1)
    k_yy = (ky.sum() - ky.diagonal().sum()) / max(n * (n - 1), 1)
    k_xy = _kernel(x, y, sigmas).mean()
    return k_xx + k_yy - 2.0 * k_xy
