"""Mistake: kl_div with reduction="mean" averages over batch *and* classes (too small by a factor C)."""

import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = float(temperature)
    log_q = F.log_softmax(student_logits / T, dim=-1)
    p = F.softmax(teacher_logits.detach() / T, dim=-1)
    soft = F.kl_div(log_q, p, reduction="mean") * (T * T)
    return alpha * soft + (1.0 - alpha) * F.cross_entropy(student_logits, labels)
