"""Mistake: the momentum update is done in place on the key parameters (as in training code
that owns the encoder), which this pure function must not do."""

import torch
import torch.nn.functional as F


def moco_loss(q, k, queue, temperature):
    k = k.detach()
    queue = queue.detach()
    l_pos = (q * k).sum(dim=1, keepdim=True)
    l_neg = q @ queue.T
    logits = torch.cat([l_pos, l_neg], dim=1) / float(temperature)
    targets = torch.zeros(q.shape[0], dtype=torch.long, device=q.device)
    return F.cross_entropy(logits, targets), logits


def enqueue(queue, ptr, keys):
    size = queue.shape[0]
    n = keys.shape[0]
    new_queue = queue.detach().clone()
    rows = (int(ptr) + torch.arange(n, device=queue.device)) % size
    new_queue[rows] = keys.detach().to(new_queue.dtype)
    return new_queue, (int(ptr) + n) % size


def momentum_update(key_params, query_params, m):
    m = float(m)
    with torch.no_grad():
        return [pk.mul_(m).add_(pq, alpha=1.0 - m) for pk, pq in zip(key_params, query_params, strict=True)]
