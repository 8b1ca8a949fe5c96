"""Mistake: lambda is drawn uniformly from [0, 1] whatever alpha (Beta(1, 1)), ignoring the
concentration parameter."""

import torch
import torch.nn.functional as F


def mixup_batch(x, y, num_classes, alpha, generator):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    lam = float(torch.rand((), generator=generator, dtype=torch.float64))
    perm = torch.randperm(x.shape[0], generator=generator)
    one_hot = F.one_hot(y, num_classes).to(x.dtype)
    return {"x": lam * x + (1 - lam) * x[perm], "targets": lam * one_hot + (1 - lam) * one_hot[perm],
            "lam": lam, "perm": perm}


def mixup_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()

