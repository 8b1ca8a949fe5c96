"""Reference: Barlow Twins loss (Zbontar et al. 2021, arXiv:2103.03230), BatchNorm-style standardisation."""

import torch


def barlow_twins_loss(z1: torch.Tensor, z2: torch.Tensor, lambd: float = 5e-3,
                      eps: float = 1e-5) -> torch.Tensor:
    n = z1.shape[0]
    a = (z1 - z1.mean(0)) / torch.sqrt(z1.var(0, unbiased=False) + eps)
    b = (z2 - z2.mean(0)) / torch.sqrt(z2.var(0, unbiased=False) + eps)
    c = a.t() @ b / n
    on_diag = (1.0 - torch.diagonal(c)).pow(2).sum()
    off_diag = c.pow(2).sum() - torch.diagonal(c).pow(2).sum()
    return on_diag + lambd * off_diag
