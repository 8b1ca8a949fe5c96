"""Reference: supervised contrastive loss L_out (Khosla et al., 2020, arXiv:2004.11362, Eq. 2),
averaged over the anchors that have at least one positive."""

import torch
import torch.nn.functional as F


def supcon_loss(features: torch.Tensor, labels: torch.Tensor, temperature: float) -> torch.Tensor:
    n, v, d = features.shape
    z = F.normalize(features.reshape(n * v, d), dim=1, eps=1e-12)   # row i*v + k: view k of i
    y = labels.repeat_interleave(v)
    m = n * v
    eye = torch.eye(m, dtype=torch.bool, device=features.device)
    logits = (z @ z.t() / temperature).masked_fill(eye, float("-inf"))   # A(i) = all but i
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~eye                              # P(i)
    n_pos = pos.sum(dim=1)
    has = n_pos > 0
    if not bool(has.any()):
        return features.new_zeros(())
    sum_log_prob_pos = torch.where(pos, log_prob, torch.zeros_like(log_prob)).sum(dim=1)
    return (-sum_log_prob_pos[has] / n_pos[has]).mean()
