"""Mistake: the pairs where the student and the teacher see the same view are included, which
rewards matching on identical inputs instead of enforcing local-to-global agreement."""

import torch.nn.functional as F


def dino_loss(student_out, teacher_out, center, student_temp, teacher_temp, center_momentum):
    teacher_out = teacher_out.detach()
    p_t = F.softmax((teacher_out - center) / teacher_temp, dim=-1)
    log_p_s = F.log_softmax(student_out / student_temp, dim=-1)
    terms = [(-(p_t[a] * log_p_s[b]).sum(-1)).mean()
             for a in range(teacher_out.shape[0]) for b in range(student_out.shape[0])]
    new_center = center * center_momentum + teacher_out.flatten(0, 1).mean(0) * (1 - center_momentum)
    return sum(terms) / len(terms), new_center
