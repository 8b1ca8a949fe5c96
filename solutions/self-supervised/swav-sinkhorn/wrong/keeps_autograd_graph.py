"""Mistake: the codes are computed with autograd on, so they carry a graph back to the scores
(gradients would flow through the targets)."""

import torch


def sinkhorn(scores, epsilon=0.05, n_iters=3):
    s = scores / epsilon
    q = torch.exp(s - s.max()).t()          # one constant shift cancels in q / q.sum()
    q = q / q.sum()
    k, b = q.shape
    for _ in range(n_iters):
        q = q / (q.sum(dim=1, keepdim=True) * k)     # each prototype gets mass 1/K
        q = q / (q.sum(dim=0, keepdim=True) * b)     # each sample gets mass 1/B
    q = q / q.sum(dim=0, keepdim=True)               # codes of a sample sum to 1
    return q.t().contiguous()
