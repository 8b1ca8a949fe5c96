"""Mistake: integer buffers (num_batches_tracked) are averaged like the float ones instead of copied, so the count becomes a truncated average."""

import torch
import torch.nn as nn
import torch.nn.functional as F


@torch.no_grad()
def ema_update(teacher: nn.Module, student: nn.Module, step: int, alpha_max: float = 0.99) -> float:
    alpha = min(1.0 - 1.0 / (step + 1), alpha_max)
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.mul_(alpha).add_(s, alpha=1.0 - alpha)
    for t, s in zip(teacher.buffers(), student.buffers()):
        t.copy_(alpha * t + (1.0 - alpha) * s)
    return float(alpha)


def consistency_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor) -> torch.Tensor:
    p_student = F.softmax(student_logits, dim=-1)
    p_teacher = F.softmax(teacher_logits.detach(), dim=-1)
    return F.mse_loss(p_student, p_teacher, reduction="mean")
