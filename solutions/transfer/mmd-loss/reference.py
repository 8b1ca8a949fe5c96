"""Reference: biased MMD^2 (Gretton et al., arXiv:0805.2368) with a sum of Gaussian RBF kernels."""

import torch


def _sq_dists(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    diff = a.unsqueeze(1) - b.unsqueeze(0)          # (m, n, d): exact, translation invariant
    return diff.pow(2).sum(-1)


def _kernel(a: torch.Tensor, b: torch.Tensor, sigmas) -> torch.Tensor:
    d2 = _sq_dists(a, b)
    return sum(torch.exp(-d2 / (2.0 * float(s) ** 2)) for s in sigmas)


def mmd2(x: torch.Tensor, y: torch.Tensor, sigmas) -> torch.Tensor:
    k_xx = _kernel(x, x, sigmas).mean()
    k_yy = _kernel(y, y, sigmas).mean()
    k_xy = _kernel(x, y, sigmas).mean()
    return k_xx + k_yy - 2.0 * k_xy
