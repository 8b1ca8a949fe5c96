"""Mistake: the soft-label cross-entropy is averaged over all B * C entries (.mean() of the
elementwise product) instead of summed over classes and averaged over the batch."""

import torch
import torch.nn.functional as F


def mixup_batch(x, y, num_classes, alpha, generator):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    g = torch._standard_gamma(torch.full((2,), float(alpha), dtype=torch.float64), generator=generator)
    lam = float(g[0] / (g[0] + g[1]))
    perm = torch.randperm(x.shape[0], generator=generator)
    one_hot = F.one_hot(y, num_classes).to(x.dtype)
    return {"x": lam * x + (1 - lam) * x[perm], "targets": lam * one_hot + (1 - lam) * one_hot[perm],
            "lam": lam, "perm": perm}


def mixup_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, dim=-1)).mean()
