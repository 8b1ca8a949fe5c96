import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    # soften both distributions
    t = float(temperature)
    student_log_probs = F.log_softmax(student_logits / t, dim=1)
    teacher_probs = F.softmax(teacher_logits.detach() / t, dim=1)
    # KL(teacher || student), averaged over the batch, rescaled by T^2 (Hinton et al.)
    kd = F.kl_div(student_log_probs, teacher_probs, reduction="batchmean") * t ** 2
    ce = F.cross_entropy(student_logits, labels)
    return alpha * kd + (1 - alpha) * ce
