"""Mistake: the covariances divide by n instead of n - 1 (torch.var-style biased estimate), against the stated unbiased convention."""

import torch


def _cov(f: torch.Tensor) -> torch.Tensor:
    centred = f - f.mean(dim=0, keepdim=True)
    return centred.T @ centred / f.shape[0]


def coral_loss(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    d = source.shape[1]
    diff = _cov(source) - _cov(target)
    return diff.pow(2).sum() / (4.0 * d * d)
