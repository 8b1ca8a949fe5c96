"""Mistake: the KL arguments are swapped, giving KL(student || teacher) instead of KL(teacher || student)."""

import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = float(temperature)
    log_p = F.log_softmax(teacher_logits.detach() / T, dim=-1)
    q = F.softmax(student_logits / T, dim=-1)
    soft = F.kl_div(log_p, q, reduction="batchmean") * (T * T)
    return alpha * soft + (1.0 - alpha) * F.cross_entropy(student_logits, labels)
