import torch
import torch.nn.functional as F


def dino_loss(student_out: torch.Tensor, teacher_out: torch.Tensor, center: torch.Tensor,
              student_temp: float, teacher_temp: float,
              center_momentum: float) -> tuple[torch.Tensor, torch.Tensor]:
    """DINO loss with centering and sharpening (Caron et al., 2021).

    student_out: (V_s, B, K) student head outputs for V_s views (the first V_t are the global views,
        in the same order as the teacher's). teacher_out: (V_t, B, K). center: (K,).
    Teacher targets softmax((teacher_out - center) / teacher_temp); student log_softmax(student_out
    / student_temp); cross-entropy over the pairs (teacher view a, student view b) with a != b,
    averaged over the batch and the pairs. Returns (loss, new_center) where
    new_center = m * center + (1 - m) * mean of teacher_out over views and batch. The loss uses
    the center passed in. No gradient reaches teacher_out or center; center is not modified.
    """
    # TODO: teacher probabilities (centred, sharpened) and student log-probabilities
    # TODO: cross-entropy over pairs of different views
    # TODO: EMA update of the center
    raise NotImplementedError
