"""Mistake kept: the optimiser holds the student's parameters only; the regressor stays at its
random initialisation."""

import torch
import torch.nn as nn


def hint_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor, regressor: nn.Module) -> torch.Tensor:
    diff = teacher_feat.detach() - regressor(student_feat)
    return 0.5 * diff.pow(2).flatten(1).sum(dim=1).mean()


def make_optimizer(student: nn.Module, regressor: nn.Module, lr: float) -> torch.optim.Optimizer:
    params = list(student.parameters())
    return torch.optim.SGD(params, lr=lr, momentum=0.9)


def hint_step(student: nn.Module, teacher: nn.Module, regressor: nn.Module, x: torch.Tensor,
              optimizer: torch.optim.Optimizer) -> float:
    student.train()
    regressor.train()
    teacher.eval()
    with torch.no_grad():
        teacher_feat = teacher(x)
    optimizer.zero_grad()
    loss = hint_loss(student(x), teacher_feat, regressor)
    loss.backward()
    optimizer.step()
    return loss.item()
