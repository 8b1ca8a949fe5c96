"""Mistake: padded tokens are zeroed but still counted in the average (divides by B * L), so the
loss shrinks with the amount of padding."""

import torch.nn.functional as F


def token_kd_loss(student_logits, teacher_logits, attention_mask, temperature):
    T = float(temperature)
    keep = attention_mask.bool()
    log_q = F.log_softmax(student_logits[keep] / T, dim=-1)
    p = F.softmax(teacher_logits.detach()[keep] / T, dim=-1)
    kl = F.kl_div(log_q, p, reduction="none").sum(-1)
    return kl.sum() * T * T / attention_mask.numel()
