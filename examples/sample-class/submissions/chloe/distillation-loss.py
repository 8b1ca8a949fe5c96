import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = temperature
    # KL(student || teacher): the arguments are swapped
    teacher_log = F.log_softmax(teacher_logits.detach() / T, dim=-1)
    student_p = F.softmax(student_logits / T, dim=-1)
    soft = F.kl_div(teacher_log, student_p, reduction="batchmean") * T * T
    return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)
