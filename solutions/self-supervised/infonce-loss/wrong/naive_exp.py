"""Mistake: -log(exp(s_ii) / sum_j exp(s_ij)) is computed literally, without subtracting the row
maximum, so large scores overflow to inf/inf = NaN."""

import torch


def info_nce_loss(queries, keys, temperature):
    e = torch.exp(queries @ keys.T / temperature)
    return -torch.log(e.diagonal() / e.sum(dim=1)).mean()
