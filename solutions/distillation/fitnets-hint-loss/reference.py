"""Reference: FitNets hint loss, Romero et al. (2015), arXiv:1412.6550.

Per example 1/2 * ||u_h - r(v_g)||^2 summed over channels and positions, averaged over the batch;
r is a 'valid' (no padding, stride 1) convolution with the given weight and bias.
"""

import torch.nn.functional as F


def hint_loss(student_feat, teacher_feat, weight, bias):
    pred = F.conv2d(student_feat, weight, bias)            # r(v_g): (B, C_t, H_t, W_t)
    diff = teacher_feat.detach() - pred
    per_example = 0.5 * diff.pow(2).flatten(1).sum(dim=1)  # 1/2 ||u_h - r(v_g)||^2
    return per_example.mean()
