"""Mistake: F.kl_div with its default reduction="mean", which divides by every element (B*2 for
TCKD, B*C for NCKD) instead of by the batch size B."""

import torch
import torch.nn.functional as F


def dkd_terms(student_logits, teacher_logits, labels, temperature):
    T = float(temperature)
    mask = torch.zeros_like(student_logits, dtype=torch.bool).scatter(1, labels[:, None], True)

    def parts(logits):
        z = logits / T
        lse = z.logsumexp(1)
        lse_o = z.masked_fill(mask, float("-inf")).logsumexp(1)
        log_b = torch.stack([z.gather(1, labels[:, None])[:, 0] - lse, lse_o - lse], 1)
        return log_b, (z - lse_o[:, None]).masked_fill(mask, -1e9)

    bs, hs = parts(student_logits)
    bt, ht = parts(teacher_logits.detach())
    tckd = F.kl_div(bs, bt, log_target=True)
    nckd = F.kl_div(hs, ht, log_target=True)
    return tckd * T * T, nckd * T * T


def dkd_loss(student_logits, teacher_logits, labels, alpha, beta, temperature):
    tckd, nckd = dkd_terms(student_logits, teacher_logits, labels, temperature)
    return alpha * tckd + beta * nckd
