"""Mistake: dkd_loss weights TCKD by beta and NCKD by alpha (the terms themselves are right)."""

import torch


def _parts(logits, labels, T):
    z = logits / T
    mask = torch.zeros_like(z, dtype=torch.bool).scatter(1, labels[:, None], True)
    lse = z.logsumexp(1)
    lse_o = z.masked_fill(mask, float("-inf")).logsumexp(1)
    log_b = torch.stack([z.gather(1, labels[:, None])[:, 0] - lse, lse_o - lse], 1)
    log_h = (z - lse_o[:, None]).masked_fill(mask, 0.0)
    return log_b, log_h, mask


def dkd_terms(student_logits, teacher_logits, labels, temperature):
    T = float(temperature)
    bs, hs, mask = _parts(student_logits, labels, T)
    bt, ht, _ = _parts(teacher_logits.detach(), labels, T)
    B = student_logits.shape[0]
    tckd = (bt.exp() * (bt - bs)).sum() / B
    nckd = (ht.exp().masked_fill(mask, 0.0) * (ht - hs)).sum() / B
    return tckd * T * T, nckd * T * T


def dkd_loss(student_logits, teacher_logits, labels, alpha, beta, temperature):
    tckd, nckd = dkd_terms(student_logits, teacher_logits, labels, temperature)
    return beta * tckd + alpha * nckd
