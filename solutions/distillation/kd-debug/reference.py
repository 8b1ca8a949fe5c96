"""Reference: Hinton et al. (2015), arXiv:1503.02531; the teacher is frozen (eval mode, no autograd)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = float(temperature)
    kl = nn.KLDivLoss(reduction="batchmean")
    log_q = F.log_softmax(student_logits / T, dim=1)         # student: log-probabilities (input)
    p = F.softmax(teacher_logits.detach() / T, dim=1)        # teacher: probabilities (target)
    soft = kl(log_q, p) * (T * T)
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft + (1.0 - alpha) * hard


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
