import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    t2 = temperature ** 2
    kd = F.kl_div(F.log_softmax(student_logits / temperature, -1),
                  F.log_softmax(teacher_logits.detach() / temperature, -1),
                  reduction="batchmean", log_target=True)
    return alpha * t2 * kd + (1 - alpha) * F.cross_entropy(student_logits, labels)
