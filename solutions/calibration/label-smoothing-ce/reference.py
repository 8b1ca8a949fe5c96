"""Reference: label-smoothed cross-entropy, Szegedy et al. (2016), arXiv:1512.00567, section 7,
with the uniform part spread over all K classes (PyTorch's label_smoothing convention)."""

import torch
import torch.nn.functional as F


def label_smoothing_ce(logits: torch.Tensor, targets: torch.Tensor, eps: float,
                       ignore_index: int = -100) -> torch.Tensor:
    log_p = F.log_softmax(logits, dim=-1)                          # (N, K), stable
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = -log_p.gather(1, safe.unsqueeze(1)).squeeze(1)           # -log p_y
    uniform = -log_p.mean(dim=-1)                                  # -(1/K) sum_c log p_c
    per_example = (1.0 - eps) * nll + eps * uniform
    per_example = torch.where(keep, per_example, torch.zeros_like(per_example))
    return per_example.sum() / keep.sum().to(logits.dtype)
