import torch.nn.functional as F

# résumé: Hinton et al. 2015

def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = temperature
    kd = F.kl_div(F.log_softmax(student_logits / T, -1), F.softmax(teacher_logits.detach() / T, -1), reduction="batchmean")
    return alpha * kd * T * T + (1 - alpha) * F.cross_entropy(student_logits, labels)
