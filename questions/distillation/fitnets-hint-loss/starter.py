import torch
import torch.nn.functional as F


def hint_loss(student_feat: torch.Tensor, teacher_feat: torch.Tensor,
              weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """FitNets hint loss (Romero et al., 2015).

    student_feat: (B, C_s, H_s, W_s) guided-layer features v_g of the student.
    teacher_feat: (B, C_t, H_t, W_t) hint-layer features u_h of the teacher (a fixed target).
    weight: (C_t, C_s, H_s - H_t + 1, W_s - W_t + 1), bias: (C_t,): the convolutional regressor r,
        applied with stride 1 and no padding.

    Returns the scalar mean over the batch of 1/2 * ||u_h - r(v_g)||^2, the squared norm summed
    over channels and positions. No gradient may reach teacher_feat.
    """
    # TODO: apply the regressor to the student features
    # TODO: half the squared L2 distance per example, then the batch mean
    raise NotImplementedError
