"""Reference: mixup (Zhang et al., 2018, arXiv:1710.09412) for one batch, one lambda ~ Beta(alpha,
alpha) and one uniformly random permutation drawn from the given generator; soft-label CE."""

import torch
import torch.nn.functional as F


def _mix(x, y, lam, perm, num_classes):
    """The deterministic part: mixed inputs and soft targets for a given lambda and pairing."""
    mixed = lam * x + (1.0 - lam) * x[perm]
    one_hot = F.one_hot(y, num_classes).to(x.dtype)
    targets = lam * one_hot + (1.0 - lam) * one_hot[perm]
    return mixed, targets


def mixup_batch(x, y, num_classes, alpha, generator):
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    # Beta(a, a) as G1 / (G1 + G2) with G1, G2 ~ Gamma(a, 1), both from the generator
    g = torch._standard_gamma(torch.full((2,), float(alpha), dtype=torch.float64), generator=generator)
    lam = float(g[0] / (g[0] + g[1]))
    perm = torch.randperm(x.shape[0], generator=generator)
    mixed, targets = _mix(x, y, lam, perm, num_classes)
    return {"x": mixed, "targets": targets, "lam": lam, "perm": perm}


def mixup_cross_entropy(logits, targets):
    return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()
