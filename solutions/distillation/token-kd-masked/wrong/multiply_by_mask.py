"""Mistake: computes the KL at every position and multiplies by the mask. The average is right for
finite padding, but 0 * NaN = NaN and 0 * inf = NaN: garbage (e.g. -inf fill values) at padded
positions poisons the loss and the gradients."""

import torch.nn.functional as F


def token_kd_loss(student_logits, teacher_logits, attention_mask, temperature):
    T = float(temperature)
    m = attention_mask.to(student_logits.dtype)
    log_q = F.log_softmax(student_logits / T, dim=-1)
    p = F.softmax(teacher_logits.detach() / T, dim=-1)
    kl = F.kl_div(log_q, p, reduction="none").sum(-1)      # (B, L)
    return (kl * m).sum() * T * T / m.sum().clamp_min(1)
