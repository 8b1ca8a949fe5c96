"""Mistake: the squared Frobenius norm is divided by 4 d instead of 4 d^2."""

import torch


def _cov(f: torch.Tensor) -> torch.Tensor:
    centred = f - f.mean(dim=0, keepdim=True)
    return centred.T @ centred / (f.shape[0] - 1)


def coral_loss(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    d = source.shape[1]
    diff = _cov(source) - _cov(target)
    return diff.pow(2).sum() / (4.0 * d)
