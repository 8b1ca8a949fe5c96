"""Mistake: alpha is always alpha_max; without the ramp-up the teacher keeps its random initialisation for hundreds of steps."""

import torch
import torch.nn as nn
import torch.nn.functional as F


@torch.no_grad()
def ema_update(teacher: nn.Module, student: nn.Module, step: int, alpha_max: float = 0.99) -> float:
    alpha = alpha_max
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.mul_(alpha).add_(s, alpha=1.0 - alpha)
    for t, s in zip(teacher.buffers(), student.buffers()):
        if t.is_floating_point():
            t.mul_(alpha).add_(s, alpha=1.0 - alpha)
        else:
            t.copy_(s)
    return float(alpha)


def consistency_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor) -> torch.Tensor:
    p_student = F.softmax(student_logits, dim=-1)
    p_teacher = F.softmax(teacher_logits.detach(), dim=-1)
    return F.mse_loss(p_student, p_teacher, reduction="mean")
