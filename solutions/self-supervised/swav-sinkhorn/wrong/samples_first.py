"""Mistake: each iteration normalises the samples (columns) before the prototypes (rows); after a
finite number of iterations this gives different codes."""

import torch


@torch.no_grad()
def sinkhorn(scores, epsilon=0.05, n_iters=3):
    s = scores / epsilon
    q = torch.exp(s - s.max()).t()          # one constant shift cancels in q / q.sum()
    q = q / q.sum()
    k, b = q.shape
    for _ in range(n_iters):
        q = q / (q.sum(dim=0, keepdim=True) * b)
        q = q / (q.sum(dim=1, keepdim=True) * k)
    q = q / q.sum(dim=0, keepdim=True)               # codes of a sample sum to 1
    return q.t().contiguous()
