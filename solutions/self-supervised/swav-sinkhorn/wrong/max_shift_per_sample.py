"""Mistake: the maximum is subtracted per sample (as for a softmax) instead of one constant for
all scores; this rescales each sample's column before the first prototype step and changes the
codes."""

import torch


@torch.no_grad()
def sinkhorn(scores, epsilon=0.05, n_iters=3):
    s = scores / epsilon
    q = torch.exp(s - s.max(dim=1, keepdim=True).values).t()
    q = q / q.sum()
    k, b = q.shape
    for _ in range(n_iters):
        q = q / (q.sum(dim=1, keepdim=True) * k)     # each prototype gets mass 1/K
        q = q / (q.sum(dim=0, keepdim=True) * b)     # each sample gets mass 1/B
    q = q / q.sum(dim=0, keepdim=True)               # codes of a sample sum to 1
    return q.t().contiguous()
