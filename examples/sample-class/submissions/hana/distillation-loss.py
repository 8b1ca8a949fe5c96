import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    # make the distributions softer
    temp = float(temperature)
    s_logp = F.log_softmax(student_logits / temp, dim=1)
    t_prob = F.softmax(teacher_logits.detach() / temp, dim=1)
    # kl term times temperature squared
    distill_term = F.kl_div(s_logp, t_prob, reduction="batchmean") * temp ** 2
    hard_term = F.cross_entropy(student_logits, labels)
    return alpha * distill_term + (1 - alpha) * hard_term
