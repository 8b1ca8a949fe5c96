"""Reference: one-way InfoNCE with in-batch negatives, van den Oord et al. (2018),
arXiv:1807.03748; raw dot products divided by the temperature, mean over queries."""

import torch
import torch.nn.functional as F


def info_nce_loss(queries: torch.Tensor, keys: torch.Tensor, temperature: float) -> torch.Tensor:
    scores = (queries @ keys.T) / float(temperature)
    targets = torch.arange(queries.shape[0], device=queries.device)
    return F.cross_entropy(scores, targets)
