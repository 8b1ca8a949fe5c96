"""Mistake: the center is updated in place (as a module buffer would be) and returned, so the
caller's tensor is silently modified; a functional loss must return a new center."""

import torch
import torch.nn.functional as F


def dino_loss(student_out, teacher_out, center, student_temp, teacher_temp, center_momentum):
    teacher_out = teacher_out.detach()
    p_t = F.softmax((teacher_out - center) / teacher_temp, dim=-1)
    log_p_s = F.log_softmax(student_out / student_temp, dim=-1)
    terms = [(-(p_t[a] * log_p_s[b]).sum(-1)).mean()
             for a in range(teacher_out.shape[0]) for b in range(student_out.shape[0]) if a != b]
    with torch.no_grad():
        center.mul_(center_momentum).add_(teacher_out.flatten(0, 1).mean(0) * (1 - center_momentum))
    return sum(terms) / len(terms), center
