"""Mistake: the positive is left out of the denominator (only negatives are summed), so the
quantity is no longer a log-softmax and can go negative."""

import torch


def info_nce_loss(queries, keys, temperature):
    n = queries.shape[0]
    scores = queries @ keys.T / temperature
    pos = scores.diagonal()
    neg = scores.masked_fill(torch.eye(n, dtype=torch.bool), float("-inf"))
    return (torch.logsumexp(neg, dim=1) - pos).mean()
