import torch


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = temperature
    with torch.no_grad():
        p_teacher = torch.softmax(teacher_logits / T, dim=-1)
    log_p_student = torch.log_softmax(student_logits / T, dim=-1)
    log_p_teacher = torch.log_softmax(teacher_logits.detach() / T, dim=-1)
    kl = (p_teacher * (log_p_teacher - log_p_student)).sum(dim=-1).mean()
    log_probs = torch.log_softmax(student_logits, dim=-1)
    hard = -log_probs.gather(1, labels.unsqueeze(1)).squeeze(1).mean()
    return alpha * (T * T) * kl + (1.0 - alpha) * hard
