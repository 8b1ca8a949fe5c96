"""Mistake: the inputs are mixed in place (x.mul_(lam).add_(...)) to save memory, which overwrites
the caller's batch (and fails on a leaf tensor that requires grad)."""

import torch
import torch.nn.functional as F


def mixup_batch(x, y, num_classes, alpha, generator):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    g = torch._standard_gamma(torch.full((2,), float(alpha), dtype=torch.float64), generator=generator)
    lam = float(g[0] / (g[0] + g[1]))
    perm = torch.randperm(x.shape[0], generator=generator)
    partner = x[perm]
    mixed = x.mul_(lam).add_(partner, alpha=1 - lam)
    one_hot = F.one_hot(y, num_classes).to(x.dtype)
    return {"x": mixed, "targets": lam * one_hot + (1 - lam) * one_hot[perm], "lam": lam, "perm": perm}


def mixup_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()

