"""Mistake: the per-example losses are summed over the batch instead of averaged, so the loss
(and the effective learning rate) grows with the batch size."""

import torch.nn.functional as F


def hint_loss(student_feat, teacher_feat, weight, bias):
    pred = F.conv2d(student_feat, weight, bias)
    return 0.5 * (teacher_feat.detach() - pred).pow(2).sum()
