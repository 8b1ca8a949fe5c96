"""Mistake: lambda is folded to max(lam, 1 - lam) so that each mixture stays closer to its first
example; that is not Beta(alpha, alpha) (no lambda below 1/2 is ever drawn)."""

import torch
import torch.nn.functional as F


def mixup_batch(x, y, num_classes, alpha, generator):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    g = torch._standard_gamma(torch.full((2,), float(alpha), dtype=torch.float64), generator=generator)
    lam = float(g[0] / (g[0] + g[1]))
    lam = max(lam, 1.0 - lam)
    perm = torch.randperm(x.shape[0], generator=generator)
    one_hot = F.one_hot(y, num_classes).to(x.dtype)
    return {"x": lam * x + (1 - lam) * x[perm], "targets": lam * one_hot + (1 - lam) * one_hot[perm],
            "lam": lam, "perm": perm}


def mixup_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()

