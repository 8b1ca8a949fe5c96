"""Mistake: the teacher's hint is not detached, so the hint loss also sends gradients into the
teacher (which must stay fixed during hint training)."""

import torch.nn.functional as F


def hint_loss(student_feat, teacher_feat, weight, bias):
    pred = F.conv2d(student_feat, weight, bias)
    return (0.5 * (teacher_feat - pred).pow(2).flatten(1).sum(dim=1)).mean()
