"""Mistake: the final per-sample normalisation is missing (the official code's `Q *= B`
forgotten): each sample's codes sum to 1/B."""

import torch


@torch.no_grad()
def sinkhorn(scores, epsilon=0.05, n_iters=3):
    s = scores / epsilon
    q = torch.exp(s - s.max()).t()          # one constant shift cancels in q / q.sum()
    q = q / q.sum()
    k, b = q.shape
    for _ in range(n_iters):
        q = q / (q.sum(dim=1, keepdim=True) * k)     # each prototype gets mass 1/K
        q = q / (q.sum(dim=0, keepdim=True) * b)     # each sample gets mass 1/B
    return q.t().contiguous()
