"""Mistake: the squared error is taken between raw logits instead of softmax probabilities."""

import torch
import torch.nn as nn
import torch.nn.functional as F


@torch.no_grad()
def ema_update(teacher: nn.Module, student: nn.Module, step: int, alpha_max: float = 0.99) -> float:
    alpha = min(1.0 - 1.0 / (step + 1), alpha_max)
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.mul_(alpha).add_(s, alpha=1.0 - alpha)
    for t, s in zip(teacher.buffers(), student.buffers()):
        if t.is_floating_point():
            t.mul_(alpha).add_(s, alpha=1.0 - alpha)
        else:
            t.copy_(s)
    return float(alpha)


def consistency_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor) -> torch.Tensor:
    p_student = student_logits
    p_teacher = teacher_logits.detach()
    return F.mse_loss(p_student, p_teacher, reduction="mean")
