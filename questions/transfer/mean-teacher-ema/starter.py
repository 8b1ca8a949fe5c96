import torch
import torch.nn as nn
import torch.nn.functional as F


def ema_update(teacher: nn.Module, student: nn.Module, step: int, alpha_max: float = 0.99) -> float:
    """Mean-teacher update, in place on `teacher` (same architecture as `student`).

    alpha = min(1 - 1 / (step + 1), alpha_max)
    every parameter and every floating-point buffer:  t <- alpha * t + (1 - alpha) * s
    every integer buffer (e.g. num_batches_tracked):  copied from the student
    The student is not modified. Returns alpha as a Python float.
    """
    # TODO
    raise NotImplementedError


def consistency_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor) -> torch.Tensor:
    """Mean over batch and classes of (softmax(student) - softmax(teacher))^2; no gradient to the teacher."""
    # TODO
    raise NotImplementedError
