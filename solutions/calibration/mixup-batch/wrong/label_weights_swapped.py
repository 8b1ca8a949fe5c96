"""Mistake: the label weights are swapped: the input is lam * x_i + (1 - lam) * x_perm(i) but the
target is (1 - lam) * e_{y_i} + lam * e_{y_perm(i)}."""

import torch
import torch.nn.functional as F


def mixup_batch(x, y, num_classes, alpha, generator):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    g = torch._standard_gamma(torch.full((2,), float(alpha), dtype=torch.float64), generator=generator)
    lam = float(g[0] / (g[0] + g[1]))
    perm = torch.randperm(x.shape[0], generator=generator)
    one_hot = F.one_hot(y, num_classes).to(x.dtype)
    return {"x": lam * x + (1 - lam) * x[perm], "targets": (1 - lam) * one_hot + lam * one_hot[perm],
            "lam": lam, "perm": perm}


def mixup_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()

