"""Mistake: the final transpose is missing: the codes come back as (K, B)."""

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
    q = q / q.sum(dim=0, keepdim=True)               # codes of a sample sum to 1
    return q.contiguous()
