"""Mistake: the temperature is never used: the soft term compares the T=1 distributions and has no T^2."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    kl = nn.KLDivLoss(reduction="batchmean")
    soft = kl(F.log_softmax(student_logits, dim=1), F.softmax(teacher_logits.detach(), dim=1))
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft + (1 - alpha) * hard


def train_step(student, teacher, x, y, optimizer, temperature, alpha):
    student.train()
    teacher.eval()
    optimizer.zero_grad()
    with torch.no_grad():
        teacher_logits = teacher(x)
    student_logits = student(x)
    loss = distillation_loss(student_logits, teacher_logits, y, temperature, alpha)
    loss.backward()
    optimizer.step()
    return loss.item()

