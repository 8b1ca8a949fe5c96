"""Mistake: the binary probabilities are summed from the softmax and then logged (as the authors'
code does); when a probability underflows to 0 its log is -inf and the loss is infinite."""

import torch
import torch.nn.functional as F


def dkd_terms(student_logits, teacher_logits, labels, temperature):
    T = float(temperature)
    mask = torch.zeros_like(student_logits, dtype=torch.bool).scatter(1, labels[:, None], True)
    B = student_logits.shape[0]

    def binary(logits):
        p = F.softmax(logits / T, dim=1)
        return torch.stack([(p * mask).sum(1), (p * ~mask).sum(1)], 1)

    bs, bt = binary(student_logits), binary(teacher_logits.detach())
    tckd = F.kl_div(torch.log(bs), bt, reduction="sum") / B
    hs = F.log_softmax(student_logits / T - 1000.0 * mask, dim=1)
    pt = F.softmax(teacher_logits.detach() / T - 1000.0 * mask, dim=1)
    nckd = F.kl_div(hs, pt, reduction="sum") / B
    return tckd * T * T, nckd * T * T


def dkd_loss(student_logits, teacher_logits, labels, alpha, beta, temperature):
    tckd, nckd = dkd_terms(student_logits, teacher_logits, labels, temperature)
    return alpha * tckd + beta * nckd
