"""Mistake: the teacher is put in eval mode but its forward pass is recorded by autograd and its
logits are not detached, so backward() fills the teacher's .grad (wasted work, and a bug as soon as
an optimizer or a grad-norm clip sees those parameters)."""

import torch.nn as nn
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = float(temperature)
    kl = nn.KLDivLoss(reduction="batchmean")
    soft = kl(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1))
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft * T * T + (1 - alpha) * hard


def train_step(student, teacher, x, y, optimizer, temperature, alpha):
    student.train()
    teacher.eval()
    optimizer.zero_grad()
    teacher_logits = teacher(x)
    student_logits = student(x)
    loss = distillation_loss(student_logits, teacher_logits, y, temperature, alpha)
    loss.backward()
    optimizer.step()
    return loss.item()
