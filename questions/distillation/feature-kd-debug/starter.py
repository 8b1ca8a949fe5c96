import torch
import torch.nn as nn
import torch.nn.functional as F


def hint_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor, regressor: nn.Module) -> torch.Tensor:
    """FitNets hint loss between the student's guided layer and the teacher's hint layer."""
    # the student is thinner than the teacher: compare the channels they have in common
    c = student_feat.shape[1]
    return F.mse_loss(student_feat, teacher_feat[:, :c])


def make_optimizer(student: nn.Module, regressor: nn.Module, lr: float) -> torch.optim.Optimizer:
    """SGD with momentum 0.9 for stage 1 (the student up to its guided layer, and the regressor)."""
    return torch.optim.SGD(student.parameters(), lr=lr, momentum=0.9)


def hint_step(student: nn.Module, teacher: nn.Module, regressor: nn.Module, x: torch.Tensor,
              optimizer: torch.optim.Optimizer) -> float:
    """One stage-1 step on the batch x; returns the hint loss before the step."""
    student.train()
    regressor.train()
    teacher_feat = teacher(x)
    optimizer.zero_grad()
    loss = hint_loss(student(x), teacher_feat, regressor)
    loss.backward()
    optimizer.step()
    return loss.item()
