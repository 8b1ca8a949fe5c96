"""Mistake: the teacher logits are not detached, so the loss also trains the teacher."""

import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = float(temperature)
    log_q = F.log_softmax(student_logits / T, dim=-1)
    p = F.softmax(teacher_logits / T, dim=-1)
    soft = F.kl_div(log_q, p, reduction="batchmean") * (T * T)
    return alpha * soft + (1.0 - alpha) * F.cross_entropy(student_logits, labels)
