"""Mistake: the center is updated first and the new center is used in the loss, instead of
computing the loss with the current center and updating it afterwards."""

import torch.nn.functional as F


def dino_loss(student_out, teacher_out, center, student_temp, teacher_temp, center_momentum):
    teacher_out = teacher_out.detach()
    new_center = center * center_momentum + teacher_out.flatten(0, 1).mean(0) * (1 - center_momentum)
    p_t = F.softmax((teacher_out - new_center) / teacher_temp, dim=-1)
    log_p_s = F.log_softmax(student_out / student_temp, dim=-1)
    terms = [(-(p_t[a] * log_p_s[b]).sum(-1)).mean()
             for a in range(teacher_out.shape[0]) for b in range(student_out.shape[0]) if a != b]
    return sum(terms) / len(terms), new_center
