"""Mistake: the covariance uses the expanded form (D^T D - (1^T D)^T (1^T D) / n) / (n - 1), which cancels catastrophically in float32 when the features have a large mean."""

import torch


def _cov(f: torch.Tensor) -> torch.Tensor:
    n = f.shape[0]
    col_sum = f.sum(dim=0, keepdim=True)
    return (f.T @ f - col_sum.T @ col_sum / n) / (n - 1)


def coral_loss(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    d = source.shape[1]
    diff = _cov(source) - _cov(target)
    return diff.pow(2).sum() / (4.0 * d * d)
