"""Mistake: kl_div is fed the student's probabilities where it expects log-probabilities."""

import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = float(temperature)
    q = F.softmax(student_logits / T, dim=-1)
    p = F.softmax(teacher_logits.detach() / T, dim=-1)
    soft = F.kl_div(q, p, reduction="batchmean") * (T * T)
    return alpha * soft + (1.0 - alpha) * F.cross_entropy(student_logits, labels)
