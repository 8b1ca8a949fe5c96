"""Mistake: F.mse_loss with its default mean reduction averages over every element (B*C*H*W)
and drops the 1/2, instead of 1/2 * squared norm per example averaged over the batch."""

import torch.nn.functional as F


def hint_loss(student_feat, teacher_feat, weight, bias):
    pred = F.conv2d(student_feat, weight, bias)
    return F.mse_loss(pred, teacher_feat.detach())
