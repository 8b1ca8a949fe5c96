"""Reference: VICReg loss (Bardes, Ponce & LeCun 2022, arXiv:2105.04906)."""

import torch
import torch.nn.functional as F


def _variance(z, gamma, eps):
    std = torch.sqrt(z.var(0, unbiased=True) + eps)
    return F.relu(gamma - std).mean()


def _covariance(z):
    n, d = z.shape
    zc = z - z.mean(0)
    cov = zc.t() @ zc / (n - 1)
    off = cov - torch.diag(torch.diagonal(cov))
    return off.pow(2).sum() / d


def vicreg_loss(z1: torch.Tensor, z2: torch.Tensor, lambda_: float = 25.0, mu: float = 25.0,
                nu: float = 1.0, gamma: float = 1.0, eps: float = 1e-4) -> torch.Tensor:
    invariance = F.mse_loss(z1, z2)
    variance = _variance(z1, gamma, eps) + _variance(z2, gamma, eps)
    covariance = _covariance(z1) + _covariance(z2)
    return lambda_ * invariance + mu * variance + nu * covariance
