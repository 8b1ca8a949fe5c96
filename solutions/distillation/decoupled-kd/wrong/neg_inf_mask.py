"""Mistake: the target class is excluded by setting its logit to -inf before log_softmax; the KL sum
then holds 0 * (-inf - (-inf)) = NaN at the target entry."""

import torch
import torch.nn.functional as F


def dkd_terms(student_logits, teacher_logits, labels, temperature):
    T = float(temperature)
    mask = torch.zeros_like(student_logits, dtype=torch.bool).scatter(1, labels[:, None], True)
    B = student_logits.shape[0]

    def binary(logits):
        z = logits / T
        lse = z.logsumexp(1)
        return torch.stack([z.gather(1, labels[:, None])[:, 0] - lse,
                            z.masked_fill(mask, float("-inf")).logsumexp(1) - lse], 1)

    bs, bt = binary(student_logits), binary(teacher_logits.detach())
    tckd = (bt.exp() * (bt - bs)).sum() / B
    hs = F.log_softmax((student_logits / T).masked_fill(mask, float("-inf")), dim=1)
    ht = F.log_softmax((teacher_logits.detach() / T).masked_fill(mask, float("-inf")), dim=1)
    nckd = (ht.exp() * (ht - hs)).sum() / B
    return tckd * T * T, nckd * T * T


def dkd_loss(student_logits, teacher_logits, labels, alpha, beta, temperature):
    tckd, nckd = dkd_terms(student_logits, teacher_logits, labels, temperature)
    return alpha * tckd + beta * nckd
