"""Mistake: each embedding (row) is L2-normalised, as in contrastive losses, instead of standardising each feature over the batch."""


import torch


def barlow_twins_loss(z1: torch.Tensor, z2: torch.Tensor, lambd: float = 5e-3,
                      eps: float = 1e-5) -> torch.Tensor:
    n = z1.shape[0]
    a = torch.nn.functional.normalize(z1, dim=1)
    b = torch.nn.functional.normalize(z2, dim=1)
    c = a.t() @ b / n
    on_diag = (1.0 - torch.diagonal(c)).pow(2).sum()
    off_diag = c.pow(2).sum() - torch.diagonal(c).pow(2).sum()
    return on_diag + lambd * off_diag
