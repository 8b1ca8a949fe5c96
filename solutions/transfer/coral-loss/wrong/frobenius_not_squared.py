"""Mistake: the Frobenius norm is not squared: ||C_S - C_T||_F / (4 d^2)."""

import torch


def _cov(f: torch.Tensor) -> torch.Tensor:
    centred = f - f.mean(dim=0, keepdim=True)
    return centred.T @ centred / (f.shape[0] - 1)


def coral_loss(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    d = source.shape[1]
    diff = _cov(source) - _cov(target)
    return torch.linalg.matrix_norm(diff) / (4.0 * d * d)
