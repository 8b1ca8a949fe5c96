"""Reference: token-level distillation with a padding mask (Hinton et al. 2015, arXiv:1503.02531;
Sanh et al. 2019, arXiv:1910.01108). KL(teacher || student) at temperature T per token, times T^2,
averaged over the non-padding tokens of the whole batch (0 when there are none). Padded positions
are never read into the arithmetic, so any values there (even inf or NaN) have no effect.
"""

import torch.nn.functional as F


def token_kd_loss(student_logits, teacher_logits, attention_mask, temperature):
    T = float(temperature)
    keep = attention_mask.bool()                           # (B, L)
    s = student_logits[keep]                               # (N, V): non-padding tokens only
    t = teacher_logits.detach()[keep]
    log_q = F.log_softmax(s / T, dim=-1)
    log_p = F.log_softmax(t / T, dim=-1)
    kl = (log_p.exp() * (log_p - log_q)).sum(dim=-1)       # (N,) per-token KL(p || q)
    return kl.sum() * (T * T) / keep.sum().clamp_min(1)
