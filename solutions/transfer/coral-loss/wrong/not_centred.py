"""Mistake: the features are not centred, so D^T D / (n - 1) is a second-moment matrix, not a covariance, and depends on the feature means."""

import torch


def _cov(f: torch.Tensor) -> torch.Tensor:
    centred = f
    return centred.T @ centred / (f.shape[0] - 1)


def coral_loss(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    d = source.shape[1]
    diff = _cov(source) - _cov(target)
    return diff.pow(2).sum() / (4.0 * d * d)
