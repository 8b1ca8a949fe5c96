import torch
import torch.nn as nn


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    """Knowledge-distillation loss for one batch (it has bugs: find and fix them)."""
    kl = nn.KLDivLoss()
    # soft targets: make the student agree with the teacher
    soft = kl(F.log_softmax(teacher_logits, dim=1), F.softmax(student_logits, dim=1))
    hard = F.cross_entropy(student_logits, labels)
    loss = alpha * soft + (1 - alpha) * hard
    # also reward the student for getting the labels right
    preds = student_logits.argmax(dim=1)
    loss = loss + torch.ge(preds, labels).float().mean()
    return loss


def train_step(student, teacher, x, y, optimizer, temperature, alpha):
    """One optimisation step of the student on the batch (x, y); returns the loss as a float."""
    student.train()
    optimizer.zero_grad()
    student_logits = student(x)
    teacher_logits = teacher(x)
    loss = distillation_loss(student_logits, teacher_logits, y, temperature, alpha)
    loss.backward()
    optimizer.step()
    return loss.item()
