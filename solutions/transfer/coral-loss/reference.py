"""Reference: Deep CORAL loss (Sun & Saenko, 2016, arXiv:1607.01719), unbiased covariances."""

import torch


def _cov(f: torch.Tensor) -> torch.Tensor:
    centred = f - f.mean(dim=0, keepdim=True)
    return centred.T @ centred / (f.shape[0] - 1)


def coral_loss(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    d = source.shape[1]
    diff = _cov(source) - _cov(target)
    return diff.pow(2).sum() / (4.0 * d * d)
