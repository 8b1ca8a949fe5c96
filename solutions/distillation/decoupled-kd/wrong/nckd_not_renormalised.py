"""Mistake: NCKD uses the full-softmax probabilities of the non-target classes without
renormalising them over the C-1 non-target classes (so it is the (1 - p_y)-weighted part of KD)."""

import torch
import torch.nn.functional as F


def dkd_terms(student_logits, teacher_logits, labels, temperature):
    T = float(temperature)
    mask = torch.zeros_like(student_logits, dtype=torch.bool).scatter(1, labels[:, None], True)
    log_ps = F.log_softmax(student_logits / T, dim=1)
    log_pt = F.log_softmax(teacher_logits.detach() / T, dim=1)
    B = student_logits.shape[0]

    def binary(logp):
        return torch.stack([logp.masked_fill(~mask, float("-inf")).logsumexp(1),
                            logp.masked_fill(mask, float("-inf")).logsumexp(1)], 1)

    bs, bt = binary(log_ps), binary(log_pt)
    tckd = (bt.exp() * (bt - bs)).sum() / B
    nckd = (log_pt.exp() * (log_pt - log_ps)).masked_fill(mask, 0.0).sum() / B
    return tckd * T * T, nckd * T * T


def dkd_loss(student_logits, teacher_logits, labels, alpha, beta, temperature):
    tckd, nckd = dkd_terms(student_logits, teacher_logits, labels, temperature)
    return alpha * tckd + beta * nckd
