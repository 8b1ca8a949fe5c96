"""Mistake: the softmax runs over the wrong axis (scores = keys @ queries.T), so each key picks
its query among all queries: the transposed loss, not the query-anchored one."""

import torch
import torch.nn.functional as F


def info_nce_loss(queries, keys, temperature):
    scores = keys @ queries.T / temperature
    return F.cross_entropy(scores, torch.arange(queries.shape[0]))
