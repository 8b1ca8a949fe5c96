"""Mistake: only the inputs are mixed; the targets stay the one-hot labels of the first example
(Thulasidasan et al. find this loses the calibration benefit of mixup)."""

import torch
import torch.nn.functional as F


def mixup_batch(x, y, num_classes, alpha, generator):
    if not alpha > 0:
        raise ValueError("alpha must be positive")
    g = torch._standard_gamma(torch.full((2,), float(alpha), dtype=torch.float64), generator=generator)
    lam = float(g[0] / (g[0] + g[1]))
    perm = torch.randperm(x.shape[0], generator=generator)
    return {"x": lam * x + (1 - lam) * x[perm], "targets": F.one_hot(y, num_classes).to(x.dtype),
            "lam": lam, "perm": perm}


def mixup_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()

