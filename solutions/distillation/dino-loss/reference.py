"""Reference: DINO self-distillation loss with centering and sharpening, Caron et al. (2021),
arXiv:2104.14294. Cross-entropy H(P_t(view a), P_s(view b)) over pairs a != b, averaged over the
batch and the pairs; the loss uses the current center; the center is then updated by EMA of the
mean teacher output over all teacher views and examples.
"""

import torch.nn.functional as F


def dino_loss(student_out, teacher_out, center, student_temp, teacher_temp, center_momentum):
    teacher_out = teacher_out.detach()
    center = center.detach()
    n_teacher, n_student = teacher_out.shape[0], student_out.shape[0]
    p_t = F.softmax((teacher_out - center) / teacher_temp, dim=-1)       # (V_t, B, K)
    log_p_s = F.log_softmax(student_out / student_temp, dim=-1)          # (V_s, B, K)
    total, pairs = 0.0, 0
    for a in range(n_teacher):
        for b in range(n_student):
            if a == b:
                continue                                                 # same view: skipped
            total = total + (-(p_t[a] * log_p_s[b]).sum(dim=-1)).mean()
            pairs += 1
    loss = total / pairs
    batch_center = teacher_out.reshape(-1, teacher_out.shape[-1]).mean(dim=0)
    new_center = center * center_momentum + batch_center * (1.0 - center_momentum)
    return loss, new_center
